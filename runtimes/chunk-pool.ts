/**
 * Read buffers for file bodies on Node, reused once the socket has written them. A fresh
 * 256 KiB buffer per read costs an allocation, page faults and garbage-collector work that,
 * for a 1 MiB file, came to about a fifth of the server's CPU per request (measured).
 *
 * A buffer goes back to the pool only when Node says the socket wrote it (the write's
 * callback) and only if it came from here and went to the socket whole, as the very object
 * handed out; anything else (a slice of it, a copy) leaves the buffer to the garbage
 * collector, as before. The static handler takes pooled buffers only for a body the
 * server itself writes (`FileSystem.chunks`); a stream someone else reads (`read()`) gets
 * buffers of its own, which it may keep. The pool keeps at most `MAX_FREE_BYTES` idle.
 * @module
 */
import { Buffer } from 'node:buffer'

/** Idle memory the pool may keep: 32 buffers of 256 KiB. */
const MAX_FREE_BYTES = 8 * 1024 * 1024

/** Idle buffers by size (one size in practice: the static handler's chunk size). */
const free = new Map<number, Buffer[]>()
let freeBytes = 0
/** Buffers out of the pool, not yet written. */
const lent = new WeakSet<Uint8Array>()

/** A buffer of `size` bytes, unzeroed (whoever takes it reads into it before handing it on). */
export function takeChunk(size: number): Uint8Array {
  const buffer = free.get(size)?.pop()
  if (buffer !== undefined) freeBytes -= size
  const chunk = buffer ?? Buffer.allocUnsafeSlow(size)
  lent.add(chunk)
  return chunk
}

/** Whether `bytes` is a pooled buffer, to be given back once the socket wrote it. */
export function isLent(bytes: Uint8Array): boolean {
  return lent.has(bytes)
}

/** Gives back a pooled buffer the socket has written (or dropped: the socket closed). */
export function giveBack(bytes: Uint8Array): void {
  if (!lent.delete(bytes) || freeBytes + bytes.length > MAX_FREE_BYTES) return
  let list = free.get(bytes.length)
  if (list === undefined) free.set(bytes.length, (list = []))
  list.push(bytes as Buffer)
  freeBytes += bytes.length
}
