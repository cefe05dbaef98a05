// core/server/write-queue.ts: the pending-bytes queue Deno and Bun drivers share (partial writes, high-water mark, end).
import { describe, expect, it } from 'vitest'
import { WriteQueue } from '../../../core/server/write-queue.ts'

const bytes = (n: number, v = 1): Uint8Array => new Uint8Array(n).fill(v)
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** A Bun-like socket: takes up to `room` bytes per write until drained. */
function syncSocket(room: number) {
  const taken: number[] = []
  const s = {
    room, closed: false, taken,
    write(b: Uint8Array): number {
      if (s.closed) return -1
      const n = Math.min(b.length, s.room)
      s.room -= n
      for (const x of b.subarray(0, n)) taken.push(x)
      return n
    },
  }
  return s
}

describe('WriteQueue, synchronous writer (Bun)', () => {
  it('returns nothing when the socket takes every byte', () => {
    const q = new WriteQueue(syncSocket(100), 0)
    expect(q.write(bytes(10))).toBeUndefined()
    expect(q.flushed()).toBeUndefined()
  })
  it('waits for drain() when the socket takes part, and keeps order', async () => {
    const s = syncSocket(5)
    const q = new WriteQueue(s, 0)
    const p = q.write(bytes(10, 1))
    expect(p).toBeInstanceOf(Promise)
    expect(q.write(bytes(3, 2))).toBe(p)
    let done = false
    void p!.then(() => (done = true))
    s.room = 4
    q.drain()
    await flush()
    expect(done).toBe(false)
    s.room = 100
    q.drain()
    await flush()
    expect(done).toBe(true)
    expect(s.taken).toEqual([...bytes(10, 1), ...bytes(3, 2)])
  })
  it('rejects waiters and later writes once failed; end() rejects later writes', async () => {
    const q = new WriteQueue(syncSocket(0), 0)
    const p = q.write(bytes(4))!
    q.fail(new Error('gone'))
    await expect(p).rejects.toThrow('gone')
    await expect(q.write(bytes(1))!).rejects.toThrow('gone')
    const q2 = new WriteQueue(syncSocket(10), 0)
    expect(q2.end()).toBeUndefined()
    await expect(q2.write(bytes(1))!).rejects.toThrow('socket closed')
  })
  it('a negative count fails the queue', async () => {
    const s = syncSocket(10)
    s.closed = true
    const q = new WriteQueue(s, 0)
    await expect(q.write(bytes(1))!).rejects.toThrow('socket closed')
  })
})

describe('WriteQueue, async writer (Deno)', () => {
  it('writes in order, retries partial writes, and waits past the high-water mark', async () => {
    const taken: number[] = []
    const writer = { write: async (b: Uint8Array) => { await flush(); const n = Math.min(3, b.length); taken.push(...b.subarray(0, n)); return n } }
    const q = new WriteQueue(writer, 8)
    expect(q.write(bytes(5, 1))).toBeUndefined()
    const p = q.write(bytes(5, 2))
    expect(p).toBeInstanceOf(Promise)
    const end = q.end()
    expect(end).toBe(p)
    await p
    expect(taken).toEqual([...bytes(5, 1), ...bytes(5, 2)])
    expect(q.flushed()).toBeUndefined()
  })
  it('a rejected write fails the queue and every waiter', async () => {
    const writer = { write: () => Promise.reject(new Error('reset')) }
    const q = new WriteQueue(writer, 0)
    const p = q.write(bytes(1))!
    await expect(p).rejects.toThrow('reset')
    await expect(q.end()!).rejects.toThrow('reset')
  })
})
