/**
 * Theory of operation
 * -------------------
 * `Http2Connection` is the server side of one HTTP/2 connection (RFC 9113) without I/O:
 *
 *   receive(bytes) → events (request, data, trailers, stream-reset, window-update, …)
 *   respond / informational / sendData / endStream / reset / consume → frames queued
 *   takeOutput() → the queued frames, in order, for one writev
 *
 * It owns the connection preface, the frame sequence rules (SETTINGS first, a field block's
 * CONTINUATIONs uninterrupted), stream ids and states, both directions of flow control, the
 * HPACK contexts, graceful shutdown and the flood budgets. It knows nothing of Request,
 * Response, sockets or time: the server owns timeouts (SETTINGS ACK, idle, a zero-window
 * stall, which it can see as `sendWindow(id) === 0`).
 *
 * The work is split by direction, as the Rust h2 crate splits `Recv` from `Send`: this file
 * is the public face and the send side; `frame-receiver.ts` is the receive side; what both
 * act on (stream table, connection windows, output queue, flood budgets, GOAWAY state) is
 * `ConnectionState` in `connection-state.ts`.
 *
 * Invariants:
 * - `receive()` never throws for the peer's mistakes. A stream error queues RST_STREAM and,
 *   if the request had surfaced, yields 'stream-reset'; a connection error queues GOAWAY,
 *   yields 'connection-error', and every later `receive()` returns nothing.
 * - Every field block is decoded, even for streams we ignore or refuse, so the HPACK table
 *   stays in sync with the peer's (RFC 9113 §4.3).
 * - Request body bytes are only given back to the peer's windows by `consume()`: buffered
 *   body bytes per connection never exceed `connectionWindowSize`. A stream reset by
 *   either side gives its unconsumed bytes back itself; `consume()` on it is then a no-op.
 * - We never send beyond the peer's windows or its SETTINGS_MAX_FRAME_SIZE.
 * - A HEADERS frame and its CONTINUATIONs are queued together: nothing can come between.
 * @module
 */
import { ConnectionState, SHUTDOWN_PING } from './connection-state.ts'
import { Http2LocalError } from './errors.ts'
import type { Http2Event } from './events.ts'
import { FrameReceiver } from './frame-receiver.ts'
import { dataFrameHeader, goawayFrame, pingFrame, rstStreamFrame, settingsFrame, windowUpdateFrame } from './frame-serializer.ts'
import { DEFAULT_WINDOW_SIZE, ErrorCode, MAX_STREAM_ID } from './frame-types.ts'
import { resolveHttp2Limits, type Http2Limits } from './limits.ts'
import { checkStatus, responseFields } from './response-head.ts'
import { localSettingsPairs } from './settings.ts'
import type { Stream } from './stream.ts'

/** Options of one connection. */
export interface Http2ConnectionOptions {
  /** Limits; unset fields take `DEFAULT_HTTP2_LIMITS`. */
  limits?: Partial<Http2Limits>
}

/** A DATA frame we send earns a control-frame token if it carries at least this much. */
const EARNING_DATA_BYTES = 1024

/** The sans-I/O HTTP/2 server side of one connection. */
export class Http2Connection {
  /** The limits in force. */
  readonly limits: Http2Limits
  readonly #state: ConnectionState
  readonly #receiver: FrameReceiver
  #initiated = false
  #pings = 0

  constructor(options: Http2ConnectionOptions = {}) {
    this.limits = resolveHttp2Limits(options.limits)
    this.#state = new ConnectionState(this.limits)
    this.#receiver = new FrameReceiver(this.#state)
  }

  /** Bytes queued but not yet taken (the server stops reading while this is large). */
  get outputBytes(): number {
    return this.#state.output.bytes
  }

  /** Streams that are open or half-closed (what MAX_CONCURRENT_STREAMS counts). */
  get activeStreams(): number {
    return this.#state.streams.active
  }

  /** True while our SETTINGS were sent and not yet acknowledged. */
  get awaitingSettingsAck(): boolean {
    return this.#state.settingsUnacked > 0
  }

  /** True once a GOAWAY was sent or received (or the connection failed) and no stream remains. */
  get isDone(): boolean {
    return this.#state.isDone
  }

  /** Queues our SETTINGS and the connection WINDOW_UPDATE. Call once, before anything else is sent. */
  initiate(): void {
    if (this.#initiated) return
    this.#initiated = true
    const output = this.#state.output
    output.push(settingsFrame(localSettingsPairs(this.limits)))
    this.#state.settingsUnacked++
    const raise = this.limits.connectionWindowSize - DEFAULT_WINDOW_SIZE
    if (raise > 0) output.push(windowUpdateFrame(0, raise))
  }

  /**
   * Feeds bytes from the peer (starting with the client preface); returns the events they
   * complete. Never throws for the peer's errors.
   */
  receive(bytes: Uint8Array): Http2Event[] {
    return this.#receiver.receive(bytes)
  }

  /** Frames waiting to be written, in order; empties the queue. */
  takeOutput(): Uint8Array[] {
    return this.#state.output.take()
  }

  /**
   * Response head. Throws Http2LocalError on an invalid status or field, a second final head,
   * or a stream that never existed; does nothing for a stream already reset.
   */
  respond(streamId: number, status: number, headers: readonly string[], endStream: boolean): void {
    const stream = this.#sendable(streamId)
    if (stream === null) return
    if (stream.responded) throw new Http2LocalError(`stream ${streamId} already has a response head`)
    checkStatus(status, false)
    this.#queueFieldBlock(streamId, responseFields(status, headers), endStream)
    stream.responded = true
    this.#state.resets.earn()
    if (endStream) this.#state.endLocal(stream)
  }

  /** A 1xx response (100, 103; never 101). */
  informational(streamId: number, status: number, headers: readonly string[] = []): void {
    const stream = this.#sendable(streamId)
    if (stream === null) return
    if (stream.responded) throw new Http2LocalError(`stream ${streamId} already has a final response head`)
    checkStatus(status, true)
    this.#queueFieldBlock(streamId, responseFields(status, headers), false)
  }

  /**
   * Sends as much of `bytes` as both send windows allow, in frames of the peer's max frame
   * size; returns how many bytes were taken (the rest waits for a 'window-update').
   * END_STREAM only if all was taken. Returns 0 for a stream already reset.
   */
  sendData(streamId: number, bytes: Uint8Array, endStream: boolean): number {
    const stream = this.#sendable(streamId)
    if (stream === null) return 0
    if (!stream.responded) throw new Http2LocalError(`DATA before the response head on stream ${streamId}`)
    const state = this.#state
    const maxFrame = state.peer.maxFrameSize
    let taken = 0
    while (taken < bytes.length) {
      const room = Math.min(stream.sendWindow, state.sendWindow, maxFrame, bytes.length - taken)
      if (room <= 0) break
      const end = endStream && taken + room === bytes.length
      state.output.push(dataFrameHeader(streamId, room, end))
      state.output.push(room === bytes.length ? bytes : bytes.subarray(taken, taken + room))
      stream.sendWindow -= room
      state.sendWindow -= room
      taken += room
      if (room >= EARNING_DATA_BYTES || end) state.control.earn()
    }
    if (endStream && bytes.length === 0) state.output.push(dataFrameHeader(streamId, 0, true))
    if (endStream && taken === bytes.length) state.endLocal(stream)
    return taken
  }

  /** min(stream send window, connection send window), 0 for a closed stream or a negative window. */
  sendWindow(streamId: number): number {
    const stream = this.#state.streams.get(streamId)
    if (stream === undefined || !stream.localOpen || this.#state.failed) return 0
    return Math.max(0, Math.min(stream.sendWindow, this.#state.sendWindow))
  }

  /** Ends our side: trailers if given (and not empty), else an empty DATA with END_STREAM. */
  endStream(streamId: number, trailers?: readonly string[]): void {
    const stream = this.#sendable(streamId)
    if (stream === null) return
    if (!stream.responded) throw new Http2LocalError(`end of stream ${streamId} before its response head`)
    if (trailers !== undefined && trailers.length > 0) this.#queueFieldBlock(streamId, responseFields(null, trailers), true)
    else this.#state.output.push(dataFrameHeader(streamId, 0, true))
    this.#state.endLocal(stream)
  }

  /** RST_STREAM(code) (e.g. CANCEL when a response body fails). No event follows. */
  reset(streamId: number, code: number): void {
    const stream = this.#state.streams.get(streamId)
    if (stream === undefined || stream.state === 'closed' || this.#state.failed) return
    this.#state.output.push(rstStreamFrame(streamId, code))
    this.#state.close(stream, 'reset-by-us')
  }

  /** The server consumed `n` body bytes of the stream: re-opens the receive windows (batched). */
  consume(streamId: number, n: number): void {
    const state = this.#state
    const stream = state.streams.get(streamId)
    if (stream === undefined || n <= 0 || state.failed) return
    const k = Math.min(n, stream.unconsumed)
    stream.unconsumed -= k
    if (stream.remoteOpen) {
      const increment = stream.receiveWindow.consume(k)
      if (increment > 0) state.output.push(windowUpdateFrame(streamId, increment))
    }
    state.giveBack(k)
    state.streams.forgetIfDrained(stream)
  }

  /**
   * Graceful shutdown (RFC 9113 §6.8): GOAWAY(2^31-1) and a PING now; when the PING is
   * acknowledged, GOAWAY(last stream id). Streams already open finish; later ones are ignored.
   */
  shutdown(): void {
    const state = this.#state
    if (state.failed || state.shutdownPingPending || state.goawayLastStreamId >= 0) return
    state.output.push(goawayFrame(MAX_STREAM_ID, ErrorCode.NO_ERROR))
    state.output.push(pingFrame(SHUTDOWN_PING, false))
    state.shutdownPingPending = true
  }

  /** Ends the connection now with GOAWAY(code) (e.g. SETTINGS_TIMEOUT, NO_ERROR on a forced close). */
  fail(code: number, _message?: string): void {
    if (this.#state.failed) return
    this.#state.goaway(code)
    this.#state.failed = true
  }

  /** Sends a PING (keep-alive, liveness). */
  ping(): void {
    if (this.#state.failed) return
    const opaque = new Uint8Array(8)
    const n = ++this.#pings
    opaque[4] = n >>> 24
    opaque[5] = (n >>> 16) & 0xff
    opaque[6] = (n >>> 8) & 0xff
    opaque[7] = n & 0xff
    this.#state.output.push(pingFrame(opaque, false))
  }

  /** The stream a send method may write to; null if it was reset (the write is moot). */
  #sendable(id: number): Stream | null {
    if (this.#state.failed) return null
    return this.#state.streams.sendable(id)
  }

  #queueFieldBlock(id: number, fields: string[], endStream: boolean): void {
    this.#state.output.fieldBlock(id, fields, endStream, this.#state.peer.maxFrameSize)
  }
}
