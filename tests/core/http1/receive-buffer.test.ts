// ReceiveBuffer: append (adopting or copying), consume/take across chunk boundaries, takeAll,
// eof, and the invariants the parsers rely on: offsets kept relative to `start` survive an
// append (so a scan resumes where it stopped instead of rescanning), growth is amortized, and
// a view handed out is never overwritten.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReceiveBuffer } from '../../../core/http1/receive-buffer.ts'
import { latin1, text } from '../../helpers/feed.ts'

/** The pending bytes as latin1 text. */
const pending = (rb: ReceiveBuffer): string => text(rb.bytes.subarray(rb.start, rb.end))

function filled(...chunks: string[]): ReceiveBuffer {
  const rb = new ReceiveBuffer()
  for (const c of chunks) rb.append(latin1(c))
  return rb
}

describe('append', () => {
  it('starts empty and not at EOF', () => {
    const rb = new ReceiveBuffer()
    expect([rb.length, rb.start, rb.end, rb.eof, rb.bytes.length]).toEqual([0, 0, 0, false, 0])
  })

  it('adopts a chunk that arrives into an empty buffer, without a copy', () => {
    const rb = new ReceiveBuffer()
    const chunk = latin1('GET / HTTP/1.1\r\n')
    rb.append(chunk)
    expect(rb.bytes).toBe(chunk)
    expect([rb.start, rb.end, rb.length]).toEqual([0, 16, 16])
  })

  it('ignores an empty chunk (EOF is the eof flag, not an append)', () => {
    const rb = filled('ab')
    const before = rb.bytes
    rb.append(new Uint8Array(0))
    expect(rb.bytes).toBe(before)
    expect(pending(rb)).toBe('ab')
    expect(rb.eof).toBe(false)
  })

  it('copies an adopted chunk before appending to it, leaving the caller\'s array untouched', () => {
    const first = latin1('abc')
    const rb = new ReceiveBuffer()
    rb.append(first)
    rb.append(latin1('def'))
    expect(rb.bytes).not.toBe(first)
    expect(text(first)).toBe('abc')
    expect(pending(rb)).toBe('abcdef')
    expect(rb.start).toBe(0)
    expect(rb.bytes.length).toBe(4096)
  })

  it('appends in place while its own array has room', () => {
    const rb = filled('abc', 'def')
    const own = rb.bytes
    rb.append(latin1('ghi'))
    expect(rb.bytes).toBe(own)
    expect(pending(rb)).toBe('abcdefghi')
  })

  it('grows to twice what is pending when its array is full', () => {
    const rb = filled('a', 'b')
    rb.append(new Uint8Array(4094).fill(0x63))
    expect(rb.bytes.length).toBe(4096)
    rb.append(latin1('d'))
    expect(rb.bytes.length).toBe(2 * 4097)
    expect(rb.length).toBe(4097)
    expect(text(rb.bytes.subarray(rb.end - 2, rb.end))).toBe('cd')
  })

  it('copies only the pending bytes, dropping the consumed ones', () => {
    const rb = filled('xxxxhello')
    rb.consume(4)
    rb.append(latin1(' world'))
    expect([rb.start, rb.end]).toEqual([0, 11])
    expect(pending(rb)).toBe('hello world')
  })

  it('reallocates O(log n) times when a head trickles in one byte at a time', () => {
    const rb = new ReceiveBuffer()
    const arrays = new Set<Uint8Array>()
    for (let i = 0; i < 100_000; i++) {
      rb.append(Uint8Array.of(0x61 + (i % 26)))
      arrays.add(rb.bytes)
    }
    expect(rb.length).toBe(100_000)
    // The adopted first byte, then 4096, 8194, 16390, … up to 100000.
    expect(arrays.size).toBeLessThanOrEqual(7)
  })
})

describe('consume and take', () => {
  it('take returns a view of the front (no copy) and advances', () => {
    const chunk = latin1('hello world')
    const rb = new ReceiveBuffer()
    rb.append(chunk)
    const view = rb.take(5)
    expect(text(view)).toBe('hello')
    expect(view.buffer).toBe(chunk.buffer)
    expect(view.byteOffset).toBe(chunk.byteOffset)
    expect(pending(rb)).toBe(' world')
    expect(rb.start).toBe(5)
  })

  it('takes bytes across chunk boundaries', () => {
    const rb = filled('ab', 'cd', 'ef')
    expect(text(rb.take(3))).toBe('abc')
    expect(text(rb.take(2))).toBe('de')
    rb.append(latin1('gh'))
    expect(text(rb.take(3))).toBe('fgh')
    expect(rb.length).toBe(0)
  })

  it('take(n) past the end takes what there is', () => {
    const rb = filled('abc')
    expect(text(rb.take(10))).toBe('abc')
    expect(rb.length).toBe(0)
    expect(rb.take(1)).toHaveLength(0)
  })

  it('take(0) takes nothing', () => {
    const rb = filled('abc')
    expect(rb.take(0)).toHaveLength(0)
    expect(pending(rb)).toBe('abc')
  })

  it('releases the array once everything is consumed, so the next chunk is adopted again', () => {
    const rb = filled('ab', 'cd')
    rb.consume(4)
    expect([rb.start, rb.end, rb.bytes.length]).toEqual([0, 0, 0])
    const chunk = latin1('next')
    rb.append(chunk)
    expect(rb.bytes).toBe(chunk)
  })

  it('takeAll takes everything pending and empties the buffer', () => {
    const rb = filled('GET / HTTP/1.1\r\n', '\r\n', '\x81\x05hello')
    rb.consume(18)
    expect(text(rb.takeAll())).toBe('\x81\x05hello')
    expect(rb.length).toBe(0)
    expect(rb.takeAll()).toHaveLength(0)
  })
})

describe('eof', () => {
  it('is a flag the connection sets; appending and taking leave it alone', () => {
    const rb = filled('abc')
    rb.eof = true
    expect(text(rb.takeAll())).toBe('abc')
    expect(rb.eof).toBe(true)
    rb.append(latin1('late'))
    expect(rb.eof).toBe(true)
    expect(pending(rb)).toBe('late')
  })
})

describe('invariants the parsers rely on', () => {
  it('an offset kept relative to start points at the same byte after an append reallocates', () => {
    // What lets the head parser resume its search for the blank line instead of rescanning.
    const rb = filled('GET / HTTP/1.1\r\nHost: a\r\n')
    rb.consume(16) // the request line has been read
    const scanned = rb.length // searched up to here, no blank line yet
    expect(pending(rb).indexOf('\r\n\r\n')).toBe(-1)
    rb.append(latin1('\r\n'))
    expect(rb.start).toBe(0) // reallocated: absolute offsets moved, relative ones did not
    const from = rb.start + scanned - 3 // back up by len('\r\n\r\n') - 1 only
    const blank = text(rb.bytes.subarray(from, rb.end)).indexOf('\r\n\r\n')
    expect(from + blank - rb.start).toBe('Host: a'.length)
  })

  it('never overwrites a view it handed out', () => {
    const rb = filled('aaaa', 'bbbb') // own array, room to spare
    const view = rb.take(4)
    const second = rb.take(2)
    rb.append(latin1('cccccccc'))
    rb.append(latin1('dddd'))
    expect(text(view)).toBe('aaaa')
    expect(text(second)).toBe('bb')
    expect(pending(rb)).toBe('bbccccccccdddd')
  })

  it('matches a plain byte-array model under any sequence of appends and takes', () => {
    const op = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ append: bytes })),
      fc.nat({ max: 400 }).map((n) => ({ take: n })),
      fc.constant({ takeAll: true }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const rb = new ReceiveBuffer()
        let model: number[] = []
        const views: [Uint8Array, number[]][] = []
        for (const o of ops) {
          if ('append' in o) {
            rb.append(o.append)
            model.push(...o.append)
          } else {
            const n = 'take' in o ? o.take : model.length
            const view = 'take' in o ? rb.take(n) : rb.takeAll()
            const expected = model.slice(0, n)
            model = model.slice(n)
            expect([...view]).toEqual(expected)
            views.push([view, expected])
          }
          expect(rb.length).toBe(model.length)
          expect([...rb.bytes.subarray(rb.start, rb.end)]).toEqual(model)
        }
        // Every view still holds what it held when taken (inputs are never mutated here).
        for (const [view, expected] of views) expect([...view]).toEqual(expected)
      }),
    )
  })
})
