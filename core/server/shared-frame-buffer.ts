/**
 * One buffer in which the WebSocket sessions of a process build their large outgoing frames,
 * when their transport takes writes at once (`Transport.writesAtOnce`). Allocating a fresh
 * 64 KiB array per echoed message was the largest JS cost of a large-message echo on one
 * runtime (zeroed memory, and the garbage collector's accounting of it); reusing one buffer
 * leaves only the copy of the payload, which the API's ownership rule requires anyway (an app
 * may change its array as soon as `send()` returns).
 *
 * Invariant: the buffer is reused only while nothing holds it. A session hands a frame built
 * here to `transport.write()` at once, in the same synchronous step; if that write returns a
 * promise (the runtime kept part of it), throws, or is put off (queued behind a deflate),
 * the session calls `releaseFrameBuffer()` and the next frame gets a new buffer. One thread
 * runs all sessions, so no other frame can be built in between.
 * @module
 */

/** Frames smaller than this are built in the session's cork (write-cork.ts): not here. */
export const SHARED_FRAME_MIN: number = 16 * 1024
/** A larger frame gets its own array: the buffer never grows past this. */
const SHARED_FRAME_MAX = 1024 * 1024

let shared: Uint8Array | null = null
/** The frame last built in `shared` (compared by identity: no `.buffer` lookup per write). */
let lastFrame: Uint8Array | null = null

/** A frame of `size` bytes, in the shared buffer when the size suits it (its bytes are not cleared). */
export function allocateSharedFrame(size: number): Uint8Array {
  if (size < SHARED_FRAME_MIN || size > SHARED_FRAME_MAX) return new Uint8Array(size)
  if (shared === null || shared.length < size) {
    shared = new Uint8Array(Math.min(SHARED_FRAME_MAX, Math.max(size, 2 * (shared?.length ?? 0))))
  }
  return (lastFrame = shared.subarray(0, size))
}

/** Whether `bytes` is the frame last built in the shared buffer. */
export function isSharedFrame(bytes: Uint8Array): boolean {
  return bytes === lastFrame
}

/** Something still holds the shared buffer: leave it to that holder and make a new one next time. */
export function releaseFrameBuffer(): void {
  shared = lastFrame = null
}
