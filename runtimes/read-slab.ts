/**
 * The read buffers of a driver whose socket reads into a buffer given up front (Deno's
 * `conn.read(buffer)`): every open connection holds one while it waits, an idle WebSocket or
 * keep-alive connection too, so the first slab is small. Reads fill consecutive views of one
 * slab, so small reads do not cost a slab each.
 *
 * While reads come back full (a stream of large WebSocket messages, an upload) the next slab
 * doubles, up to `MAX_SLAB_BYTES`: fewer read ops, and a 64 KiB message can arrive whole in
 * one read, which the WebSocket engine then unmasks in place instead of copying. Reads of
 * `SLAB_BYTES` or more keep the size; a smaller one goes back to `SLAB_BYTES`.
 *
 * Invariants:
 * - A byte of a slab is handed out once, in the view `filled()` returns; the engine keeps
 *   views of what it reads, so no region is ever read into twice.
 * - A connection holds one slab: `SLAB_BYTES`, or up to `MAX_SLAB_BYTES` right after a burst,
 *   until its next read.
 * @module
 */

export const SLAB_BYTES: number = 16 * 1024
/** Room a read gets at least; below it, the next read starts a fresh slab. */
export const MIN_READ_BYTES: number = 4 * 1024
export const MAX_SLAB_BYTES: number = 256 * 1024

/** See the module comment. */
export class ReadSlab {
  private slab = new Uint8Array(SLAB_BYTES)
  private used = 0
  private nextBytes = SLAB_BYTES

  /** Where the next read goes: the free rest of the slab, or a fresh slab. */
  room(): Uint8Array {
    if (this.slab.length - this.used < MIN_READ_BYTES || this.nextBytes !== this.slab.length) {
      this.slab = new Uint8Array(this.nextBytes)
      this.used = 0
    }
    return this.slab.subarray(this.used)
  }

  /** The read into `room` (from `room()`) took `n` bytes: their view, now the reader's. */
  filled(room: Uint8Array, n: number): Uint8Array {
    const slab = this.slab
    const start = room.byteOffset - slab.byteOffset
    this.used = start + n
    if (this.used === slab.length) this.nextBytes = Math.min(2 * slab.length, MAX_SLAB_BYTES)
    else if (n < SLAB_BYTES) this.nextBytes = SLAB_BYTES
    return room.subarray(0, n)
  }
}
