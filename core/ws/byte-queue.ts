/**
 * The received bytes not yet parsed, kept as the chunks the caller passed in (no copy).
 * The frame parser reads a header where it lies in the front chunk (or byte by byte when
 * it is split across chunks) and unmasks payload straight from these chunks into its
 * destination, so input is never concatenated.
 *
 * Invariant: the chunks are only read, never written (the caller may reuse its buffers
 * only once `next()` has consumed them, as with h11's `receive_data`), unless the caller
 * handed them over for good (`WebSocketOptions.ownsInput`): then a frame that lies whole in
 * one chunk is unmasked there and its message may be a view of the chunk.
 * @module
 */

const EMPTY = new Uint8Array(0)

/** A FIFO of byte chunks with a read offset into the first one. */
export class ByteQueue {
  private chunks: Uint8Array[] = []
  private head = 0
  private offset = 0
  /** Bytes available. */
  length = 0

  /** Adds a chunk at the back. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  /** The unread part of the front chunk (empty when the queue is). */
  front(): Uint8Array {
    const chunk = this.chunks[this.head]
    return chunk === undefined ? EMPTY : chunk.subarray(this.offset)
  }

  /** The front chunk, whole (empty when the queue is): its unread bytes start at `frontOffset`. */
  frontChunk(): Uint8Array {
    return this.chunks[this.head] ?? EMPTY
  }

  /** Where the unread bytes of `frontChunk()` start. */
  get frontOffset(): number {
    return this.offset
  }

  /** Bytes left in the front chunk (0 when the queue is empty). */
  frontLength(): number {
    const chunk = this.chunks[this.head]
    return chunk === undefined ? 0 : chunk.length - this.offset
  }

  /** The size of the memory the front chunk's bytes keep alive (its whole ArrayBuffer). */
  frontRetained(): number {
    const chunk = this.chunks[this.head]
    return chunk === undefined ? 0 : chunk.buffer.byteLength
  }

  /** Takes the next `n` bytes, which the front chunk holds, as a view of it. */
  take(n: number): Uint8Array {
    const chunk = this.chunks[this.head]!
    const view = chunk.subarray(this.offset, this.offset + n)
    this.skip(n)
    return view
  }

  /** Takes one byte; the queue must not be empty. */
  shift(): number {
    const chunk = this.chunks[this.head]!
    const byte = chunk[this.offset]!
    this.skip(1)
    return byte
  }

  /** Drops `n` bytes, at most the front chunk's remainder. */
  skip(n: number): void {
    this.offset += n
    this.length -= n
    if (this.offset >= this.chunks[this.head]!.length) {
      this.chunks[this.head++] = EMPTY
      this.offset = 0
      if (this.head === this.chunks.length) this.chunks.length = this.head = 0
      else if (this.head >= 64) this.chunks.splice(0, this.head), (this.head = 0)
    }
  }

  /** Drops everything (after a Close, the rest of the stream is ignored). */
  clear(): void {
    this.chunks = []
    this.head = this.offset = this.length = 0
  }
}
