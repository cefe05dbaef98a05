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
 * @module
 */

/** Corked frames are written once they reach this size; a frame this big is never corked. */
export const CORK_BYTES: number = 16 * 1024
/** Frames not built here are copied in only below this size (bigger ones are written as they are). */
const COPY_MAX = 1024
/** Room for `CORK_BYTES` and one more frame smaller than it. */
const BUFFER_BYTES = 2 * CORK_BYTES

/** See the module comment. */
export class WriteCork {
  /** Frames are gathered while on. */
  on = false
  private buffer: Uint8Array | null = null
  private used = 0
  /** The frame last built by `allocate()`, until `add()` takes it. */
  private building: Uint8Array | null = null
  private readonly reuse: boolean

  /** `reuse`: the transport takes writes at once (`Transport.writesAtOnce`), so the buffer can be written uncopied. */
  constructor(reuse: boolean) {
    this.reuse = reuse
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
    if (!this.on || size >= CORK_BYTES) return null
    const buffer = (this.buffer ??= new Uint8Array(BUFFER_BYTES))
    return (this.building = buffer.subarray(this.used, this.used + size))
  }

  /**
   * The buffer, for a frame of at most `most` bytes built straight into it at `free` (then
   * `built()`), if the cork is on and the frame small; else null.
   */
  space(most: number): Uint8Array | null {
    if (!this.on || most >= CORK_BYTES) return null
    return (this.buffer ??= new Uint8Array(BUFFER_BYTES))
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
    const buffer = (this.buffer ??= new Uint8Array(BUFFER_BYTES))
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
    this.on = false
    this.used = 0
    this.building = null
  }
}
