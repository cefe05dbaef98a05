import { describe, expect, it } from 'vitest'
import { MAX_RANGES, parseRange } from '../../../core/static/range.ts'

describe('parseRange (RFC 9110 §14)', () => {
  const cases: [string | null, number, ReturnType<typeof parseRange>][] = [
    [null, 100, 'whole'],
    ['bytes=0-9', 100, [{ start: 0, end: 9 }]],
    ['bytes=10-', 100, [{ start: 10, end: 99 }]],
    ['bytes=-10', 100, [{ start: 90, end: 99 }]],
    ['bytes=-1000', 100, [{ start: 0, end: 99 }]],
    ['bytes=90-1000', 100, [{ start: 90, end: 99 }]],
    ['bytes=99-99', 100, [{ start: 99, end: 99 }]],
    ['BYTES = 0-0', 100, [{ start: 0, end: 0 }]],
    ['bytes=0-0,', 100, [{ start: 0, end: 0 }]],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=100-200', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=200-300, 400-', 100, 'unsatisfiable'],
    ['bytes=0-1, 500-600', 100, [{ start: 0, end: 1 }]],
    ['bytes=9-0', 100, 'whole'],
    ['bytes=500-100', 100, 'whole'],
    ['bytes=a-b', 100, 'whole'],
    ['bytes=-', 100, 'whole'],
    ['bytes=', 100, 'whole'],
    ['items=0-9', 100, 'whole'],
    ['bytes 0-9', 100, 'whole'],
    ['bytes=0-9', 0, 'whole'],
    ['bytes=0-', 0, 'whole'],
    [`bytes=${'0-0,'.repeat(400)}`, 100, 'whole'],
  ]
  for (const [header, size, expected] of cases) {
    it(`${String(header).slice(0, 40)} of ${size}`, () => expect(parseRange(header, size)).toEqual(expected))
  }
})

describe('several ranges (§14.2, §15.3.7.2)', () => {
  const size = 10_000
  const cases: [string, string, ReturnType<typeof parseRange>][] = [
    ['far apart, in order: each sent', 'bytes=0-9, 5000-5009', [{ start: 0, end: 9 }, { start: 5000, end: 5009 }]],
    ['a suffix range among them', 'bytes=0-9, -10', [{ start: 0, end: 9 }, { start: 9990, end: 9999 }]],
    ['in order and close: coalesced into one', 'bytes=0-1, 5-6', [{ start: 0, end: 6 }]],
    ['in order and overlapping: coalesced', 'bytes=0-99, 50-149, 140-', [{ start: 0, end: 9999 }]],
    ['a gap of 80 bytes still coalesces, 81 does not', 'bytes=0-9, 90-99, 181-189', [{ start: 0, end: 99 }, { start: 181, end: 189 }]],
    ['unsatisfiable ones dropped', 'bytes=0-9, 20000-, 5000-5009', [{ start: 0, end: 9 }, { start: 5000, end: 5009 }]],
    ['out of order, disjoint: the client\'s order', 'bytes=5000-5009, 0-9', [{ start: 5000, end: 5009 }, { start: 0, end: 9 }]],
    ['out of order and overlapping: ignored (the §17.15 attack shape)', 'bytes=5000-5009, 0-9, 5005-5006', 'whole'],
    [`exactly ${MAX_RANGES} ranges: sent`, `bytes=${Array.from({ length: MAX_RANGES }, (_, i) => `${i * 200}-${i * 200 + 9}`).join(',')}`,
      Array.from({ length: MAX_RANGES }, (_, i) => ({ start: i * 200, end: i * 200 + 9 }))],
    [`${MAX_RANGES + 1} ranges: ignored`, `bytes=${Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 200}-${i * 200 + 9}`).join(',')}`, 'whole'],
  ]
  for (const [name, header, expected] of cases) {
    it(name, () => expect(parseRange(header, size)).toEqual(expected))
  }
})
