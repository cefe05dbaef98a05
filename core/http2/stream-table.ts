/**
 * The streams of one connection (RFC 9113 §5.1): the live ones by id, the highest id the
 * client has used, how many count against SETTINGS_MAX_CONCURRENT_STREAMS, and a bounded
 * memory of how recently closed streams ended, so that a late frame on one is ignored or
 * answered as §5.1 "closed" requires (`closedStreamRule`). The Rust h2 crate keeps the same
 * things apart as `Store` and `Counts`.
 *
 * Invariants:
 * - Any id above `highestId` is idle and has no entry. Ids at or below it that are in neither
 *   map were forgotten (evicted from the memory) and are treated as closed.
 * - A stream stays in the table after it closes only while the server still holds body bytes
 *   of it (`unconsumed > 0`); `consume()` forgets it once those are drained.
 * - `active` counts streams that are open or half-closed: a stream leaves the count exactly
 *   once, in `settle()`, whichever side closed it.
 * @module
 */
import { Http2LocalError } from './errors.ts'
import type { CloseReason, Stream } from './stream.ts'

/** Closed streams remembered per advertised concurrent stream, on top of `CLOSED_MEMORY_BASE`. */
const CLOSED_MEMORY_PER_STREAM = 4
const CLOSED_MEMORY_BASE = 64
/** The memory never grows past this, whatever the limits say. */
const CLOSED_MEMORY_CAP = 4096

/** Live streams, the highest id seen, the active count and the memory of closed streams. */
export class StreamTable {
  #streams = new Map<number, Stream>()
  /** How recently closed streams ended, for late frames (§5.1); oldest evicted first. */
  #closed = new Map<number, CloseReason>()
  readonly #memory: number
  /** The remembered ids in the order they closed, as a ring; `#ringAt` is the oldest slot. */
  readonly #ring: number[] = []
  #ringAt = 0
  #active = 0
  #highestId = 0

  constructor(maxConcurrentStreams: number) {
    this.#memory = Math.min(CLOSED_MEMORY_PER_STREAM * maxConcurrentStreams + CLOSED_MEMORY_BASE, CLOSED_MEMORY_CAP)
  }

  /** Streams that are open or half-closed (what MAX_CONCURRENT_STREAMS counts). */
  get active(): number {
    return this.#active
  }

  /** The highest stream id the client has used (0 before the first); every id above is idle. */
  get highestId(): number {
    return this.#highestId
  }

  /** The live stream with this id (open, half-closed, or closed with body bytes unconsumed). */
  get(id: number): Stream | undefined {
    return this.#streams.get(id)
  }

  /** How stream `id` was closed, from the stream itself or from memory; undefined if unknown. */
  closeReason(id: number): CloseReason | undefined {
    return this.#streams.get(id)?.closeReason ?? this.#closed.get(id)
  }

  /** The client used a new stream id (§5.1.1: it must be above every earlier one). */
  claim(id: number): void {
    this.#highestId = id
  }

  /** Adds a stream just opened by the client's HEADERS; it counts as active until `settle()`. */
  add(stream: Stream): void {
    this.#streams.set(stream.id, stream)
    this.#active++
  }

  /** The streams we may still send on (for a change of SETTINGS_INITIAL_WINDOW_SIZE). */
  *locallyOpen(): IterableIterator<Stream> {
    for (const stream of this.#streams.values()) if (stream.localOpen) yield stream
  }

  /**
   * Accounts for a stream once it is closed: it stops counting as active and is remembered.
   * A reset stream's unconsumed bytes will never be consumed: they are returned for the
   * caller to give back to the connection window. Returns 0 if there is nothing to give back.
   */
  settle(stream: Stream): number {
    if (stream.state !== 'closed' || stream.retired) return 0
    stream.retired = true
    this.#active--
    let released = 0
    if (stream.closeReason !== 'ended') {
      released = stream.unconsumed
      stream.unconsumed = 0
    }
    if (stream.unconsumed === 0) this.#streams.delete(stream.id)
    this.remember(stream.id, stream.closeReason!)
    return released
  }

  /** Forgets a closed stream once the server has consumed all its body bytes. */
  forgetIfDrained(stream: Stream): void {
    if (stream.state === 'closed' && stream.unconsumed === 0) this.#streams.delete(stream.id)
  }

  /** Remembers how a stream without a live entry ended; evicts the oldest past the memory's size. */
  remember(id: number, reason: CloseReason): void {
    const closed = this.#closed
    if (closed.has(id)) {
      closed.set(id, reason)
      return
    }
    // Oldest first out, through a ring of ids: asking the Map for its first key allocates an
    // iterator per closed stream, measurable at 100k streams/s.
    const ring = this.#ring
    const evicted = ring[this.#ringAt]
    if (evicted !== undefined) closed.delete(evicted)
    ring[this.#ringAt] = id
    this.#ringAt = this.#ringAt + 1 === this.#memory ? 0 : this.#ringAt + 1
    closed.set(id, reason)
  }

  /**
   * The stream a send method may write to, or null if it was reset (by either side, or
   * forgotten) and the write is moot. Throws Http2LocalError for a stream that never
   * existed or whose sending side already ended: that is a bug of the caller.
   */
  sendable(id: number): Stream | null {
    const stream = this.#streams.get(id)
    if (stream !== undefined && stream.localOpen) return stream
    const reason = this.closeReason(id)
    if (reason === 'reset-by-us' || reason === 'reset-by-peer') return null
    if (stream === undefined && reason === undefined && id <= this.#highestId && id % 2 === 1) return null // forgotten
    throw new Http2LocalError(stream !== undefined || reason !== undefined ? `stream ${id} already ended` : `no stream ${id}`)
  }
}
