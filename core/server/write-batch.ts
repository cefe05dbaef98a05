/**
 * The HTTP/1.1 connection's way to the socket. While corked (the loop is answering what one
 * read brought), writes are gathered and leave together at the next wait, as one write or
 * writev: 16 pipelined requests answered synchronously cost one syscall, not 16. Native
 * servers cannot batch across their JS boundary; Portico owns the bytes, so it can.
 * @module
 */
import { concatBytes } from '../http/ascii.ts'
import type { Http1Output } from './http1-sink.ts'
import type { Transport } from './transport.ts'

/** Thrown by writes once the connection is closed: the loop unwinds on it without logging. */
export const CLOSED: unique symbol = Symbol('closed')

/** A batch this large leaves at once: gathering saves syscalls, not memory. */
const MAX_BATCH_BYTES = 64 * 1024

/**
 * Parts up to this many bytes in all are joined into one buffer rather than handed over as
 * a writev: copying a few KiB costs less than a runtime's per-part work on a gathered write
 * (a stream write, a buffer object and an iovec per part), as 16 pipelined answers are.
 */
const JOIN_BYTES = 16 * 1024

/**
 * Microtask turns a wait of the loop may last without ending before what is gathered leaves
 * without it. An async app that answers without waiting for I/O takes two; a streamed body
 * whose chunks are all ready takes about ten through its reader and still joins the head's
 * write. Longer would let a stream gather more past a slow reader before backpressure applies.
 */
const SETTLE_TURNS = 12

const ignore = (): void => {}

/**
 * Turns are counted with reactions on a settled promise: cheaper than `queueMicrotask`,
 * which a runtime may wrap per call (an async resource and a bound function each).
 */
const SETTLED: Promise<void> = Promise.resolve()

/** What the writer needs of its connection. */
export interface WriterHost {
  readonly isClosed: boolean
  /** Ends the connection at once (a write failed, or a message failed mid-body). */
  abort(): void
}

/** See the module comment. */
export class BatchedWriter implements Http1Output {
  private readonly transport: Transport
  private readonly host: WriterHost
  /** Writes gathered while corked; null when not corked. */
  private batch: Uint8Array[] | null = null
  private batchBytes = 0
  /** The loop waits for an exchange (or a body drain); `waits` counts the waits begun. */
  private waiting = false
  private waits = 0
  /** A microtask is queued to watch the current wait, `turns` turns into wait number `watched`. */
  private watching = false
  private watched = 0
  private turns = 0
  /** The watch sent the batch early; its backpressure, for the loop to honour once its wait ends. */
  private sentEarly = false
  private early: Promise<void> | void = undefined

  constructor(transport: Transport, host: WriterHost) {
    this.transport = transport
    this.host = host
  }

  cork(): void {
    this.batch ??= []
  }

  /** Sends what was gathered, as one write (or writev); a promise under backpressure. */
  uncork(): Promise<void> | void {
    const parts = this.batch
    const bytes = this.batchBytes
    this.batch = null
    this.batchBytes = 0
    if (parts === null || parts.length === 0) return
    return this.send(parts, bytes)
  }

  /**
   * The loop begins to wait for something that may come within this turn (an async app's
   * answer): the batch stays corked, unless the wait outlasts `SETTLE_TURNS` microtask turns;
   * then what is gathered leaves, so that a slow response holds back only the ones behind it.
   * One watch serves consecutive waits: a wait costs a turn or two of it, not a promise chain.
   */
  waitStarted(): void {
    this.waiting = true
    this.waits++
    if (this.watching || this.batch === null) return
    this.watching = true
    this.watched = this.waits
    this.turns = 0
    void SETTLED.then(this.watch)
  }

  /**
   * The wait is over. If the watch sent the batch meanwhile, gathering resumes; returns the
   * transport's backpressure on that early write, for the loop to await.
   */
  waitEnded(): Promise<void> | void {
    this.waiting = false
    if (!this.sentEarly) return
    this.sentEarly = false
    this.cork()
    const early = this.early
    this.early = undefined
    return early
  }

  private readonly watch = (): void => {
    if (!this.waiting || this.batch === null || this.host.isClosed) {
      this.watching = false
      return
    }
    if (this.watched !== this.waits) {
      this.watched = this.waits
      this.turns = 0
    }
    if (++this.turns < SETTLE_TURNS) {
      void SETTLED.then(this.watch)
      return
    }
    this.watching = false
    this.sentEarly = true
    this.early = this.uncork()
    // Awaited by the loop when its wait ends, if it ends; a failed write is the loop's CLOSED.
    this.early?.catch(ignore)
  }

  write(bytes: Uint8Array): Promise<void> | void {
    if (this.host.isClosed) throw CLOSED
    if (bytes.length === 0) return
    if (this.batch !== null) return this.gather(bytes)
    const pending = this.transport.write(bytes)
    if (pending !== undefined) return pending.catch(this.failed)
  }

  /** Framed parts: gathered when the transport can (writev), else joined into one buffer. */
  writeMany(parts: Uint8Array[]): Promise<void> | void {
    if (this.host.isClosed) throw CLOSED
    if (this.batch === null) {
      let bytes = 0
      for (const part of parts) bytes += part.length
      return this.send(parts, bytes)
    }
    let pending: Promise<void> | void = undefined
    for (const part of parts) {
      if (part.length === 0) continue
      const sent = this.gather(part)
      if (sent !== undefined) pending = sent // writes complete in order: the last one covers the rest
    }
    return pending
  }

  abort(): void {
    this.host.abort()
  }

  /** Adds to the batch; a full batch leaves at once, with the transport's backpressure. */
  private gather(bytes: Uint8Array): Promise<void> | void {
    this.batch!.push(bytes)
    this.batchBytes += bytes.length
    if (this.batchBytes < MAX_BATCH_BYTES) return
    const parts = this.batch!
    const batched = this.batchBytes
    this.batch = []
    this.batchBytes = 0
    return this.send(parts, batched)
  }

  /** Hands `parts` (`bytes` in all) to the transport now, batch or not. */
  private send(parts: Uint8Array[], bytes: number): Promise<void> | void {
    if (this.host.isClosed) throw CLOSED
    if (parts.length === 0) return
    const pending = parts.length === 1
      ? this.transport.write(parts[0]!)
      : this.transport.writeMany === undefined || bytes <= JOIN_BYTES
      ? this.transport.write(concatBytes(parts))
      : this.transport.writeMany(parts)
    if (pending !== undefined) return pending.catch(this.failed)
  }

  /** A write failed: the client is gone. Nothing for the error log; the loop unwinds. */
  private readonly failed = (): never => {
    this.host.abort()
    throw CLOSED
  }
}
