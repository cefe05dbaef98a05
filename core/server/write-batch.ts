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

/** Microtask turns an answer may take and still leave with the others of its read. */
const SETTLE_TURNS = 8

/**
 * Whether `pending` settles within a few microtask turns: an async app that answers without
 * waiting for I/O does, and its response can join the batch. Rejections are the caller's.
 */
export async function settlesSoon(pending: Promise<void>): Promise<boolean> {
  let settled = false
  pending.then(() => (settled = true), () => (settled = true))
  for (let i = 0; i < SETTLE_TURNS && !settled; i++) await null
  if (settled) await pending
  return settled
}

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
    this.batch = null
    this.batchBytes = 0
    if (parts === null || parts.length === 0) return
    return this.send(parts)
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
    if (this.batch === null) return this.send(parts)
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
    this.batch = []
    this.batchBytes = 0
    return this.send(parts)
  }

  /** Hands `parts` to the transport now, batch or not. */
  private send(parts: Uint8Array[]): Promise<void> | void {
    if (this.host.isClosed) throw CLOSED
    if (parts.length === 0) return
    const pending = parts.length === 1
      ? this.transport.write(parts[0]!)
      : this.transport.writeMany === undefined
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
