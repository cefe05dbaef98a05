/**
 * The bytes received and not yet consumed. Parsers read `bytes[start, end)` directly and
 * call `consume()`. A chunk that arrives into an empty buffer is adopted without a copy.
 *
 * Invariant: bytes before `end` are never overwritten once a parser may have handed out a
 * view of them (data events are zero-copy `subarray`s). Appending copies only into spare
 * room past `end`, or into a fresh array.
 * @module
 */

const EMPTY = new Uint8Array(0)
const MIN_CAPACITY = 4096

/** Growable byte buffer with a read offset (h11 ReceiveBuffer). */
export class ReceiveBuffer {
  /** Backing array; valid bytes are `[start, end)`. */
  bytes: Uint8Array = EMPTY
  start = 0
  end = 0
  /** The peer closed its write side. */
  eof = false
  private owned = false

  /** Bytes available. */
  get length(): number {
    return this.end - this.start
  }

  /** Adds bytes from the peer. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (this.start === this.end) {
      this.bytes = chunk
      this.start = 0
      this.end = chunk.length
      this.owned = false
      return
    }
    if (this.owned && this.bytes.length - this.end >= chunk.length) {
      this.bytes.set(chunk, this.end)
      this.end += chunk.length
      return
    }
    const pending = this.end - this.start
    const next = new Uint8Array(Math.max(MIN_CAPACITY, 2 * (pending + chunk.length)))
    next.set(this.bytes.subarray(this.start, this.end), 0)
    next.set(chunk, pending)
    this.bytes = next
    this.start = 0
    this.end = pending + chunk.length
    this.owned = true
  }

  /** Drops `n` bytes from the front. */
  consume(n: number): void {
    this.start += n
    if (this.start === this.end) {
      // Nothing pending: release the array so a large body chunk is not kept alive.
      this.bytes = EMPTY
      this.start = this.end = 0
      this.owned = false
    }
  }

  /** Takes up to `n` bytes from the front as a view (no copy). */
  take(n: number): Uint8Array {
    const count = Math.min(n, this.end - this.start)
    const view = this.bytes.subarray(this.start, this.start + count)
    this.consume(count)
    return view
  }

  /** Takes everything pending, e.g. the bytes that follow a protocol switch. */
  takeAll(): Uint8Array {
    return this.take(this.end - this.start)
  }
}
