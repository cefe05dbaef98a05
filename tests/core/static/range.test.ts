import { describe, expect, it } from 'vitest'
import { parseRange } from '../../../core/static/range.ts'

describe('parseRange (RFC 9110 §14)', () => {
  const cases: [string | null, number, ReturnType<typeof parseRange>][] = [
    [null, 100, 'whole'],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=10-', 100, { start: 10, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=90-1000', 100, { start: 90, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
    ['BYTES = 0-0', 100, { start: 0, end: 0 }],
    ['bytes=0-0,', 100, { start: 0, end: 0 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=100-200', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=200-300, 400-', 100, 'unsatisfiable'],
    ['bytes=0-1, 5-6', 100, 'whole'],
    ['bytes=0-1, 500-600', 100, 'whole'],
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
