// The WebSocket session's cork: frames built in place or copied in, one write out, and its
// buffer reused only once the write that read it is over.
import { describe, expect, it } from 'vitest'
import { CORK_BYTES, WriteCork } from '../../../core/server/write-cork.ts'

const bytes = (n: number, value: number): Uint8Array => new Uint8Array(n).fill(value)

describe('WriteCork', () => {
  it('builds frames in place and copies small foreign ones in, in order, as one write', () => {
    const cork = new WriteCork(true)
    expect(cork.allocate(10)).toBeNull() // off
    cork.on = true
    const a = cork.allocate(3)!
    a.set([1, 2, 3])
    expect(cork.add(a)).toBe(true)
    expect(cork.add(bytes(2, 9))).toBe(true) // a pong, say: copied
    const b = cork.allocate(2)!
    b.set([4, 5])
    expect(cork.add(b)).toBe(true)
    expect([...cork.take()]).toEqual([1, 2, 3, 9, 9, 4, 5])
    expect(cork.empty).toBe(true)
  })

  it('refuses frames of 1 KiB and more that it did not build, and never builds CORK_BYTES or more', () => {
    const cork = new WriteCork(true)
    cork.on = true
    expect(cork.add(bytes(1024, 1))).toBe(false)
    expect(cork.allocate(CORK_BYTES)).toBeNull()
    expect(cork.empty).toBe(true)
  })

  it('is full at CORK_BYTES, with room for one more frame below that', () => {
    const cork = new WriteCork(true)
    cork.on = true
    for (let i = 0; i < 3; i++) {
      expect(cork.full).toBe(false)
      const frame = cork.allocate(CORK_BYTES - 1)!
      frame.fill(i + 1)
      cork.add(frame)
      if (cork.full) break
    }
    expect(cork.full).toBe(true)
    const out = cork.take()
    expect(out.length).toBe(2 * (CORK_BYTES - 1))
    expect(out[0]).toBe(1)
    expect(out[out.length - 1]).toBe(2)
  })

  it('reuses its buffer after a write that is over, and not after one still holding it', () => {
    const cork = new WriteCork(true)
    cork.on = true
    cork.add(cork.allocate(4)!.fill(7))
    const first = cork.take()
    cork.written(false) // the transport kept it
    cork.add(cork.allocate(4)!.fill(8))
    const second = cork.take()
    expect(second.buffer).not.toBe(first.buffer)
    expect([...first]).toEqual([7, 7, 7, 7])
    cork.written(true)
    cork.add(cork.allocate(4)!.fill(9))
    expect(cork.take().buffer).toBe(second.buffer)
  })

  it('hands out copies when the transport may keep what it is given', () => {
    const cork = new WriteCork(false)
    cork.on = true
    cork.add(cork.allocate(3)!.fill(1))
    const first = cork.take()
    cork.written(true)
    cork.add(cork.allocate(3)!.fill(2))
    cork.take()
    expect([...first]).toEqual([1, 1, 1])
  })

  it('holds a buffer only while on: turned off empty, it gives it back for the next cork to take', () => {
    const a = new WriteCork(true)
    a.on = true
    a.add(a.allocate(4)!.fill(1))
    const first = a.take()
    a.written(true)
    a.on = false // empty: back to the pool
    const b = new WriteCork(true)
    b.on = true
    b.add(b.allocate(4)!.fill(2))
    expect(b.take().buffer).toBe(first.buffer) // the same memory, now b's
    b.written(true)
    a.on = true // a takes another one while b is still on
    a.add(a.allocate(4)!.fill(3))
    expect(a.take().buffer).not.toBe(first.buffer)
  })

  it('never gives back a buffer a write still holds, nor one with frames in it', () => {
    const a = new WriteCork(true)
    a.on = true
    a.add(a.allocate(4)!.fill(1))
    const kept = a.take()
    a.written(false) // the transport still holds it
    a.on = false
    const b = new WriteCork(true)
    b.on = true
    b.add(b.allocate(4)!.fill(2))
    expect(b.take().buffer).not.toBe(kept.buffer)
    expect([...kept]).toEqual([1, 1, 1, 1])
    b.written(true)
    b.on = true
    b.add(b.allocate(4)!.fill(5))
    b.on = false // not empty: keeps its buffer and what is in it
    b.on = true
    expect([...b.take()]).toEqual([5, 5, 5, 5])
  })

  it('keeps at most 8 idle buffers in its pool: the rest go to the garbage collector', () => {
    const bufferOf = (cork: WriteCork): ArrayBufferLike => {
      cork.add(cork.allocate(1)!.fill(1))
      const buffer = cork.take().buffer
      cork.written(true)
      return buffer
    }
    const corks = Array.from({ length: 12 }, () => new WriteCork(true))
    for (const cork of corks) cork.on = true
    const first = new Set(corks.map(bufferOf)) // 12 buffers: the pool had at most 8
    expect(first.size).toBe(12)
    for (const cork of corks) cork.on = false // 12 given back, 8 kept
    const next = Array.from({ length: 12 }, () => new WriteCork(true))
    for (const cork of next) cork.on = true
    const reused = next.map(bufferOf).filter((buffer) => first.has(buffer))
    expect(reused).toHaveLength(8)
    for (const cork of next) cork.on = false
  })
})
