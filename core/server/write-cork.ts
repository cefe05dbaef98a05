/**
 * The cork of a WebSocket session: frames written while it is on are gathered into one
 * buffer and leave as one write, as uWebSockets corks them (one syscall per read instead of
 * one per echoed message). Small frames are built straight into the buffer (`allocate`, the
 * engine's frame allocator), so a corked echo costs no array of its own and no copy to join
 * it to the others; other small frames (pongs, a Close, published frames) are copied in.
 *
 * Invariants:
 * - It holds at most `CORK_BYTES` plus one frame below that: the owner flushes once `full`.
 *   Frames of `CORK_BYTES` and more are never built or copied here (written uncopied).
 * - The buffer is never written where bytes handed out by `take()` may still be read: with
 *   a transport that takes writes at once it is reused only after the owner reports the
 *   write done (`written(true)`); otherwise `take()` hands out a copy of the bytes.
 * - A cork holds a buffer only while it is on: taken from a pool shared by every cork of the
 *   process when it first needs one, given back once it is off and empty. An idle socket then
 *   costs no cork buffer (it was 32 KiB per socket, most of an idle socket's memory), and the
 *   few buffers in use stay warm in the cache. Corks that are on at once (an app corking
 *   another socket from a handler) each take their own.
 * @module
 */

/** Corked frames are written once they reach this size; a frame this big is never corked. */
export const CORK_BYTES: number = 16 * 1024
/** Frames not built here are copied in only below this size (bigger ones are written as they are). */
const COPY_MAX = 1024
/** Room for `CORK_BYTES` and one more frame smaller than it. */
const BUFFER_BYTES = 2 * CORK_BYTES

/** Idle buffers the pool keeps: more than the corks that are ever on at once, in practice. */
const MAX_IDLE_BUFFERS = 8
const idleBuffers: Uint8Array[] = []

function takeBuffer(): Uint8Array {
  return idleBuffers.pop() ?? new Uint8Array(BUFFER_BYTES)
}

/** See the module comment. */
export class WriteCork {
  private isOn = false
  private buffer: Uint8Array | null = null
  private used = 0
  /** The frame last built by `allocate()`, until `add()` takes it. */
  private building: Uint8Array | null = null
  private readonly reuse: boolean

  /** `reuse`: the transport takes writes at once (`Transport.writesAtOnce`), so the buffer can be written uncopied. */
  constructor(reuse: boolean) {
    this.reuse = reuse
  }

  /** Frames are gathered while on. Turned off empty, the cork gives its buffer back to the pool. */
  get on(): boolean {
    return this.isOn
  }

  set on(on: boolean) {
    this.isOn = on
    if (on || this.used !== 0 || this.buffer === null) return
    if (idleBuffers.length < MAX_IDLE_BUFFERS) idleBuffers.push(this.buffer)
    this.buffer = null
    this.building = null
  }

  /** Nothing is held. */
  get empty(): boolean {
    return this.used === 0
  }

  /** Enough is held to write it now. */
  get full(): boolean {
    return this.used >= CORK_BYTES
  }

  /** Room for a frame of `size` bytes in the buffer, if the cork is on and the frame small; else null. */
  allocate(size: number): Uint8Array | null {
    const buffer = this.space(size)
    return buffer === null ? null : (this.building = buffer.subarray(this.used, this.used + size))
  }

  /**
   * The buffer, for a frame of at most `most` bytes built straight into it at `free` (then
   * `built()`), if the cork is on and the frame small; else null.
   */
  space(most: number): Uint8Array | null {
    if (!this.isOn || most >= CORK_BYTES) return null
    return (this.buffer ??= takeBuffer())
  }

  /** Where a frame built in `space()` starts. */
  get free(): number {
    return this.used
  }

  /** A frame of `size` bytes was built at `free` (`space()`): it is held now. */
  built(size: number): void {
    this.used += size
    this.building = null
  }

  /**
   * Holds `frame` (built by `allocate()`, or small enough to copy in); false when it is too big
   * and must be written on its own, after what is held.
   */
  add(frame: Uint8Array): boolean {
    if (frame === this.building) {
      this.building = null
      this.used += frame.length
      return true
    }
    if (frame.length >= COPY_MAX) return false
    const buffer = (this.buffer ??= takeBuffer())
    buffer.set(frame, this.used)
    this.used += frame.length
    return true
  }

  /** What is held, to be written now; the cork is empty after. Then call `written()`. */
  take(): Uint8Array {
    const bytes = this.reuse ? this.buffer!.subarray(0, this.used) : this.buffer!.slice(0, this.used)
    this.used = 0
    this.building = null
    return bytes
  }

  /** Whether the write of what `take()` returned is over (nothing holds it): if not, the next frames go to a new buffer. */
  written(done: boolean): void {
    if (this.reuse && !done) this.buffer = null
  }

  /** Drops what is held (the connection is over). */
  clear(): void {
    this.used = 0
    this.building = null
    this.on = false
  }
}
