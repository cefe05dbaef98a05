/**
 * One HTTP/2 stream as the exchange sees it: the `ExchangeStream` that `runExchange()` runs
 * (the same exchange as HTTP/1.1's), the request body as a `BodySource`, and the response
 * as a `ResponseSink` that turns heads and chunks into the engine's HEADERS and DATA.
 *
 * Flow control both ways (RFC 9113 §5.2):
 * - Request body: the engine counts received DATA against our windows until `consume()`.
 *   Bytes are consumed when the app reads them, so an app that reads slowly holds the client
 *   to the window; bytes nobody will read are consumed (discarded) at once.
 * - Response body: a chunk goes out as far as the peer's windows allow; the rest waits for a
 *   WINDOW_UPDATE, and the sink's promise holds the writer, so a peer that opens no window
 *   makes us buffer one chunk per stream, never more.
 * @module
 */
import { abortRequest, type BodySource, type LightRequest } from '../fetch/light-request.ts'
import type { LocalAddress } from '../fetch/request-url.ts'
import { httpDate } from '../http/date.ts'
import { statusHasNoContent } from '../http/status.ts'
import { ErrorCode } from '../http2/frame-types.ts'
import type { Http2Connection } from '../http2/connection.ts'
import type { ConnectionInfo } from './connection-info.ts'
import type { ExchangeStream, RequestFailure } from './exchange.ts'
import type { ResponseHead, ResponseSink } from './response-writer.ts'
import { CLOSED } from './write-batch.ts'

/** What a stream needs of the session that carries it. */
export interface StreamHost {
  readonly conn: Http2Connection
  readonly info: ConnectionInfo
  readonly local: LocalAddress
  readonly trustsPeer: boolean
  /** The server clock, ms. */
  now(): number
  /**
   * Frames were queued: they leave at the end of this turn, with the others queued meanwhile.
   * Returns a promise while the socket is backed up: the writer waits before producing more.
   */
  output(): Promise<void> | void
}

const encoder = new TextEncoder()
/** A chunk that holds more than this many times its own size of its read buffer is copied out. */
const RETAIN_FACTOR = 8

/** See the module comment. */
export class Http2Stream implements ExchangeStream, BodySource, ResponseSink {
  readonly id: number
  readonly method: string
  readonly failure: RequestFailure | null = null
  readonly upgrading = false
  /** ms on the server clock when the request arrived, and when the writer started waiting for a window (0: not waiting). */
  readonly started: number
  stalledSince = 0
  private readonly host: StreamHost
  private request: LightRequest | null = null
  /** Body chunks received and not yet read by the app. */
  private readonly chunks: Uint8Array[] = []
  /** The request body has ended (END_STREAM or trailers). */
  private bodyEnded: boolean
  /** No one will read the body: its bytes are consumed as they come. */
  private discarding = false
  /** The stream was reset (by either side) or the connection ended. */
  private closed = false
  private responded = false
  /** Declared response length still to send (streamed bodies with Content-Length), or -1. */
  private remaining = -1
  /** A body read or a window wait in progress. */
  private wakeReader: (() => void) | null = null
  /** The client sent `Expect: 100-continue` and no 100 has gone out yet. */
  private expectsContinue = false
  private wakeWriter: (() => void) | null = null

  constructor(host: StreamHost, id: number, method: string, bodyEnded: boolean, now: number) {
    this.host = host
    this.id = id
    this.method = method
    this.bodyEnded = bodyEnded
    this.started = now
  }

  get info(): ConnectionInfo {
    return this.host.info
  }

  get local(): LocalAddress {
    return this.host.local
  }

  get trustsPeer(): boolean {
    return this.host.trustsPeer
  }

  get body(): BodySource {
    return this
  }

  get sink(): ResponseSink {
    return this
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** The request body is still arriving. */
  get receiving(): boolean {
    return !this.bodyEnded && !this.closed
  }

  attach(request: LightRequest, bodyComplete: boolean): void {
    this.request = request
    this.expectsContinue = !bodyComplete && request.headers.get('expect')?.toLowerCase() === '100-continue'
    // GET and HEAD bodies never reach the app (Fetch forbids them): discard as they come.
    if (bodyComplete && !this.bodyEnded) this.discard()
  }

  switchProtocols(): void {
    // Never called: upgrade() refuses on HTTP/2 (RFC 8441 extended CONNECT is not offered).
    throw new Error('no protocol switch on HTTP/2')
  }

  // ---- events from the session ----------------------------------------------------------

  /** DATA for this stream. */
  received(bytes: Uint8Array, endStream: boolean): void {
    if (bytes.length > 0) {
      if (this.discarding) this.host.conn.consume(this.id, bytes.length)
      else this.chunks.push(bytes.length * RETAIN_FACTOR < bytes.buffer.byteLength ? new Uint8Array(bytes) : bytes)
    }
    if (endStream) this.bodyEnded = true
    this.wake()
  }

  /** Trailers: the body has ended. They are not passed on (Fetch requests carry none). */
  trailersReceived(): void {
    this.bodyEnded = true
    this.wake()
  }

  /** Reset by the peer or the engine, or the connection is gone: the request aborts. */
  reset(): void {
    if (this.closed) return
    this.closed = true
    if (this.request !== null) abortRequest(this.request)
    this.chunks.length = 0
    this.wake()
    this.windowOpened()
  }

  /** A send window grew. */
  windowOpened(): void {
    const wake = this.wakeWriter
    this.wakeWriter = null
    wake?.()
  }

  /**
   * The exchange is over. An unread body is discarded; one the client is still sending is
   * stopped with RST_STREAM(NO_ERROR) after the complete response (RFC 9113 §8.1).
   */
  finish(): void {
    this.discard()
    if (!this.bodyEnded && !this.closed && !this.responded) return
    if (!this.bodyEnded && !this.closed) {
      this.host.conn.reset(this.id, ErrorCode.NO_ERROR)
      this.closed = true
      void this.host.output()
    }
  }

  private discard(): void {
    if (this.discarding) return
    this.discarding = true
    let unread = 0
    for (const chunk of this.chunks) unread += chunk.length
    this.chunks.length = 0
    if (unread > 0) {
      this.host.conn.consume(this.id, unread)
      void this.host.output()
    }
  }

  private wake(): void {
    const wake = this.wakeReader
    this.wakeReader = null
    wake?.()
  }

  // ---- BodySource ----------------------------------------------------------------------

  readBuffered(): Uint8Array | null | undefined {
    const chunk = this.chunks.shift()
    if (chunk !== undefined) {
      // Read by the app: the client may send as much again.
      this.host.conn.consume(this.id, chunk.length)
      void this.host.output()
      return chunk
    }
    if (this.closed) throw new Error('the request was reset')
    if (this.bodyEnded) return null
    if (this.expectsContinue) {
      // RFC 9110 §10.1.1: the client waits for this before sending the body; sent once the
      // app reads, so an app that answers without reading spares the client the upload.
      this.expectsContinue = false
      if (!this.responded) this.host.conn.informational(this.id, 100)
      void this.host.output()
    }
    return undefined
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.readBuffered()
      if (chunk !== undefined) return chunk
      await new Promise<void>((resolve) => (this.wakeReader = resolve))
    }
  }

  // ---- ResponseSink --------------------------------------------------------------------

  get canRespond(): boolean {
    return !this.responded && !this.closed
  }

  whole(head: ResponseHead, body: Uint8Array | string | null): number | Promise<number> {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    const noBody = this.method === 'HEAD' || statusHasNoContent(head.status)
    // A HEAD answered without a body says nothing about the length (RFC 9110 §8.6).
    const length = bytes === null ? (noBody ? null : 0) : bytes.length
    this.respondHead(head, length, noBody || length === 0 || length === null)
    if (noBody || bytes === null || bytes.length === 0) return this.flushed(0)
    const sent = this.send(bytes, true)
    return sent === undefined ? bytes.length : sent.then(() => bytes.length)
  }

  start(head: ResponseHead, first: Uint8Array): void | Promise<void> {
    const declared = this.respondHead(head, null, false)
    this.remaining = declared
    return this.data(first)
  }

  data(bytes: Uint8Array): void | Promise<void> {
    if (this.closed) throw CLOSED
    if (this.method === 'HEAD' || bytes.length === 0) return
    if (this.remaining >= 0) {
      // The app declared a length and sends more: the client would read a broken message.
      if ((this.remaining -= bytes.length) < 0) throw new Error('response body longer than its Content-Length')
    }
    return this.send(bytes, false)
  }

  end(): void | Promise<void> {
    if (this.closed) throw CLOSED
    if (this.remaining > 0 && this.method !== 'HEAD') throw new Error('response body shorter than its Content-Length')
    this.host.conn.endStream(this.id)
    return this.flushed(undefined)
  }

  fail(): void {
    if (this.closed) return
    // The message must reach the client visibly broken, not as a complete-looking response.
    this.host.conn.reset(this.id, ErrorCode.INTERNAL_ERROR)
    this.reset()
    void this.host.output()
  }

  /**
   * HEADERS for the response: the app's fields, a Date, and `length` as Content-Length when
   * known (a declared one is kept for a streamed body). Returns the declared length or -1.
   */
  private respondHead(head: ResponseHead, length: number | null, endStream: boolean): number {
    if (this.closed) throw CLOSED
    const fields: string[] = []
    const list = head.headers
    let declared = -1
    let hasDate = false
    const noContent = statusHasNoContent(head.status)
    for (let i = 0; i < list.length; i += 2) {
      let name = list[i]!
      // Only the two names that matter here are compared case-insensitively (no string per
      // field); the engine lowercases the rest as it encodes them.
      if (name.length === 14 || name.length === 4) name = name.toLowerCase()
      if (name === 'content-length') {
        if (length !== null || noContent) continue
        declared = Number(list[i + 1])
        if (!Number.isSafeInteger(declared) || declared < 0) throw new Error(`invalid Content-Length ${list[i + 1]}`)
      } else if (name === 'date') {
        hasDate = true
      }
      fields.push(name, list[i + 1]!)
    }
    if (length !== null && !noContent) fields.push('content-length', String(length))
    if (!hasDate) fields.push('date', httpDate(this.host.now()))
    // Validates everything before queueing anything: a refused head leaves room for a 500.
    this.host.conn.respond(this.id, head.status, fields, endStream)
    this.responded = true
    return declared
  }

  /** Sends `bytes` as the windows allow, waiting for WINDOW_UPDATEs and for the socket. */
  private send(bytes: Uint8Array, endStream: boolean): void | Promise<void> {
    const taken = this.host.conn.sendData(this.id, bytes, endStream)
    const pending = this.host.output()
    if (taken === bytes.length) return pending
    return this.sendRest(bytes.subarray(taken), endStream, pending)
  }

  private async sendRest(rest: Uint8Array, endStream: boolean, pending: Promise<void> | void): Promise<void> {
    for (;;) {
      if (pending !== undefined) await pending
      if (this.closed) throw CLOSED
      if (this.host.conn.sendWindow(this.id) === 0) this.stalledSince = this.host.now()
      while (this.host.conn.sendWindow(this.id) === 0) {
        await new Promise<void>((resolve) => (this.wakeWriter = resolve))
        if (this.closed) throw CLOSED
      }
      this.stalledSince = 0
      const taken = this.host.conn.sendData(this.id, rest, endStream)
      pending = this.host.output()
      if (taken === rest.length) return pending
      rest = rest.subarray(taken)
    }
  }

  private flushed<T>(value: T): T | Promise<T> {
    const pending = this.host.output()
    return pending === undefined ? value : pending.then(() => value)
  }
}

