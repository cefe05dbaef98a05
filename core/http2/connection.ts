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
import { HpackDecoder, HpackEncoder, HpackError } from './hpack/mod.ts'
import { ConnectionError, Http2LocalError, StreamError } from './errors.ts'
import type { Http2Event } from './events.ts'
import { FieldBlock } from './field-block.ts'
import { Budget } from './flood-guard.ts'
import { addToSendWindow, ReceiveWindow } from './flow-window.ts'
import { FrameParser, readUint31, readUint32 } from './frame-parser.ts'
import {
  dataFrameHeader, goawayFrame, pingFrame, pushHeaderFrames, rstStreamFrame, settingsAckFrame, settingsFrame,
  windowUpdateFrame,
} from './frame-serializer.ts'
import {
  CONNECTION_PREFACE, DEFAULT_WINDOW_SIZE, ErrorCode, Flag, FrameType, MAX_STREAM_ID, MAX_WINDOW_SIZE,
} from './frame-types.ts'
import { resolveHttp2Limits, type Http2Limits } from './limits.ts'
import { readRequestHead, readTrailers } from './request-head.ts'
import { checkStatus, responseFields } from './response-head.ts'
import { localSettingsPairs, PeerSettings } from './settings.ts'
import { closedStreamRule, Stream, type CloseReason } from './stream.ts'

/** Options of one connection. */
export interface Http2ConnectionOptions {
  /** Limits; unset fields take `DEFAULT_HTTP2_LIMITS`. */
  limits?: Partial<Http2Limits>
}

/** The opaque data of the PING that ends the first phase of a graceful shutdown. */
const SHUTDOWN_PING = new Uint8Array([0x73, 0x68, 0x75, 0x74, 0x64, 0x6f, 0x77, 0x6e]) // 'shutdown'
/** A DATA frame we send earns a control-frame token if it carries at least this much. */
const EARNING_DATA_BYTES = 1024
/** A WINDOW_UPDATE below this increment spends a control-frame token (a dribble). */
const TINY_WINDOW_INCREMENT = 1024

/** The sans-I/O HTTP/2 server side of one connection. */
export class Http2Connection {
  /** The limits in force. */
  readonly limits: Http2Limits
  #parser: FrameParser
  #decoder: HpackDecoder
  #encoder: HpackEncoder
  #peer = new PeerSettings()
  #phase: 'preface' | 'settings' | 'frames' | 'failed' = 'preface'
  #prefaceRead = 0
  #streams = new Map<number, Stream>()
  /** How recently closed streams ended, for late frames (§5.1); oldest evicted first. */
  #closed = new Map<number, CloseReason>()
  #closedMemory: number
  #active = 0
  #highestStreamId = 0
  #connectionSendWindow = DEFAULT_WINDOW_SIZE
  #connectionReceive: ReceiveWindow
  #block: FieldBlock | null = null
  #output: Uint8Array[] = []
  #outputBytes = 0
  /** Bytes of replies the peer made us queue since the last `takeOutput()`. */
  #replyBytes = 0
  #events: Http2Event[] = []
  #initiated = false
  #settingsUnacked = 0
  #settingsAcked = false
  /** Last stream id of our final GOAWAY, or -1. */
  #goawayLastStreamId = -1
  #goawayReceived = false
  #shutdownPingPending = false
  #pings = 0
  #control: Budget
  #resets: Budget

  constructor(options: Http2ConnectionOptions = {}) {
    const limits = (this.limits = resolveHttp2Limits(options.limits))
    this.#parser = new FrameParser(limits.maxFrameSize)
    this.#decoder = new HpackDecoder({ maxTableSize: limits.headerTableSize, maxHeaderListSize: limits.maxHeaderListSize })
    this.#encoder = new HpackEncoder()
    this.#connectionReceive = new ReceiveWindow(limits.connectionWindowSize)
    this.#control = new Budget(limits.maxControlFrames)
    this.#resets = new Budget(limits.maxUnansweredResets)
    this.#closedMemory = Math.min(4 * limits.maxConcurrentStreams + 64, 4096)
  }

  /** Bytes queued but not yet taken (the server stops reading while this is large). */
  get outputBytes(): number {
    return this.#outputBytes
  }

  /** Streams that are open or half-closed (what MAX_CONCURRENT_STREAMS counts). */
  get activeStreams(): number {
    return this.#active
  }

  /** True while our SETTINGS were sent and not yet acknowledged. */
  get awaitingSettingsAck(): boolean {
    return this.#settingsUnacked > 0
  }

  /** True once a GOAWAY was sent or received (or the connection failed) and no stream remains. */
  get isDone(): boolean {
    if (this.#phase === 'failed') return true
    return (this.#goawayLastStreamId >= 0 || this.#goawayReceived) && this.#active === 0
  }

  /** Queues our SETTINGS and the connection WINDOW_UPDATE. Call once, before anything else is sent. */
  initiate(): void {
    if (this.#initiated) return
    this.#initiated = true
    this.#push(settingsFrame(localSettingsPairs(this.limits)))
    this.#settingsUnacked++
    const raise = this.limits.connectionWindowSize - DEFAULT_WINDOW_SIZE
    if (raise > 0) this.#push(windowUpdateFrame(0, raise))
  }

  /**
   * Feeds bytes from the peer (starting with the client preface); returns the events they
   * complete. Never throws for the peer's errors.
   */
  receive(bytes: Uint8Array): Http2Event[] {
    const events: Http2Event[] = (this.#events = [])
    if (this.#phase === 'failed' || bytes.length === 0) return events
    try {
      let at = 0
      if (this.#phase === 'preface') {
        at = this.#readPreface(bytes)
        if (this.#phase === 'preface') return events
      }
      this.#parser.push(at === 0 ? bytes : bytes.subarray(at))
      while (!this.#failed()) {
        try {
          if (!this.#parser.next()) break
          this.#onFrame()
        } catch (error) {
          if (!(error instanceof StreamError)) throw error
          this.#onStreamError(error)
        }
      }
    } catch (error) {
      if (error instanceof ConnectionError) this.#failByPeer(error.code, error.message, true)
      else if (error instanceof HpackError) this.#failByPeer(ErrorCode.COMPRESSION_ERROR, error.message, true)
      else throw error
    }
    return events
  }

  /** Frames waiting to be written, in order; empties the queue. */
  takeOutput(): Uint8Array[] {
    const out = this.#output
    this.#output = []
    this.#outputBytes = 0
    this.#replyBytes = 0
    return out
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
    this.#resets.earn()
    if (endStream) this.#endLocal(stream)
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
    const maxFrame = this.#peer.maxFrameSize
    let taken = 0
    while (taken < bytes.length) {
      const room = Math.min(stream.sendWindow, this.#connectionSendWindow, maxFrame, bytes.length - taken)
      if (room <= 0) break
      const end = endStream && taken + room === bytes.length
      this.#push(dataFrameHeader(streamId, room, end))
      this.#push(room === bytes.length ? bytes : bytes.subarray(taken, taken + room))
      stream.sendWindow -= room
      this.#connectionSendWindow -= room
      taken += room
      if (room >= EARNING_DATA_BYTES || end) this.#control.earn()
    }
    if (endStream && bytes.length === 0) this.#push(dataFrameHeader(streamId, 0, true))
    if (endStream && taken === bytes.length) this.#endLocal(stream)
    return taken
  }

  /** min(stream send window, connection send window), 0 for a closed stream or a negative window. */
  sendWindow(streamId: number): number {
    const stream = this.#streams.get(streamId)
    if (stream === undefined || !stream.localOpen || this.#phase === 'failed') return 0
    return Math.max(0, Math.min(stream.sendWindow, this.#connectionSendWindow))
  }

  /** Ends our side: trailers if given (and not empty), else an empty DATA with END_STREAM. */
  endStream(streamId: number, trailers?: readonly string[]): void {
    const stream = this.#sendable(streamId)
    if (stream === null) return
    if (!stream.responded) throw new Http2LocalError(`end of stream ${streamId} before its response head`)
    if (trailers !== undefined && trailers.length > 0) this.#queueFieldBlock(streamId, responseFields(null, trailers), true)
    else this.#push(dataFrameHeader(streamId, 0, true))
    this.#endLocal(stream)
  }

  /** RST_STREAM(code) (e.g. CANCEL when a response body fails). No event follows. */
  reset(streamId: number, code: number): void {
    const stream = this.#streams.get(streamId)
    if (stream === undefined || stream.state === 'closed' || this.#phase === 'failed') return
    this.#push(rstStreamFrame(streamId, code))
    this.#close(stream, 'reset-by-us')
  }

  /** The server consumed `n` body bytes of the stream: re-opens the receive windows (batched). */
  consume(streamId: number, n: number): void {
    const stream = this.#streams.get(streamId)
    if (stream === undefined || n <= 0 || this.#phase === 'failed') return
    const k = Math.min(n, stream.unconsumed)
    stream.unconsumed -= k
    if (stream.remoteOpen) {
      const increment = stream.receiveWindow.consume(k)
      if (increment > 0) this.#push(windowUpdateFrame(streamId, increment))
    }
    this.#giveBack(k)
    if (stream.state === 'closed' && stream.unconsumed === 0) this.#streams.delete(streamId)
  }

  /**
   * Graceful shutdown (RFC 9113 §6.8): GOAWAY(2^31-1) and a PING now; when the PING is
   * acknowledged, GOAWAY(last stream id). Streams already open finish; later ones are ignored.
   */
  shutdown(): void {
    if (this.#phase === 'failed' || this.#shutdownPingPending || this.#goawayLastStreamId >= 0) return
    this.#push(goawayFrame(MAX_STREAM_ID, ErrorCode.NO_ERROR))
    this.#push(pingFrame(SHUTDOWN_PING, false))
    this.#shutdownPingPending = true
  }

  /** Ends the connection now with GOAWAY(code) (e.g. SETTINGS_TIMEOUT, NO_ERROR on a forced close). */
  fail(code: number, _message?: string): void {
    if (this.#phase === 'failed') return
    this.#push(goawayFrame(this.#highestStreamId, code))
    this.#goawayLastStreamId = this.#highestStreamId
    this.#phase = 'failed'
  }

  /** Sends a PING (keep-alive, liveness). */
  ping(): void {
    if (this.#phase === 'failed') return
    const opaque = new Uint8Array(8)
    const n = ++this.#pings
    opaque[4] = n >>> 24
    opaque[5] = (n >>> 16) & 0xff
    opaque[6] = (n >>> 8) & 0xff
    opaque[7] = n & 0xff
    this.#push(pingFrame(opaque, false))
  }

  // ---- receiving ---------------------------------------------------------------------

  /** Matches the preface byte by byte; returns where the frames start. */
  #readPreface(bytes: Uint8Array): number {
    let i = 0
    for (; i < bytes.length && this.#prefaceRead < CONNECTION_PREFACE.length; i++, this.#prefaceRead++) {
      const b = bytes[i]!
      if (b === CONNECTION_PREFACE[this.#prefaceRead]) continue
      // RFC 9113 §3.4: GOAWAY MAY be omitted. "GET /", "POST /" … differ within the first
      // bytes by an uppercase letter: an HTTP/1.x client would only read a GOAWAY as garbage.
      const http1 = this.#prefaceRead < 4 && b >= 0x41 && b <= 0x5a
      this.#failByPeer(ErrorCode.PROTOCOL_ERROR, http1 ? 'HTTP/1.x request on an HTTP/2 connection' : 'invalid connection preface', !http1)
      return bytes.length
    }
    if (this.#prefaceRead === CONNECTION_PREFACE.length) this.#phase = 'settings'
    return i
  }

  #onFrame(): void {
    const p = this.#parser
    if (this.#block !== null && p.type !== FrameType.CONTINUATION) {
      throw protocolError('a frame other than CONTINUATION inside a field block (§6.10)')
    }
    if (this.#phase === 'settings') {
      if (p.type !== FrameType.SETTINGS || (p.flags & Flag.ACK) !== 0) throw protocolError('the first frame is not SETTINGS (§3.4)')
      this.#phase = 'frames'
    }
    switch (p.type) {
      case FrameType.DATA: return this.#onData()
      case FrameType.HEADERS: return this.#onHeaders()
      case FrameType.CONTINUATION: return this.#onContinuation()
      case FrameType.PRIORITY: return this.#onPriority()
      case FrameType.RST_STREAM: return this.#onRstStream()
      case FrameType.SETTINGS: return this.#onSettings()
      case FrameType.PING: return this.#onPing()
      case FrameType.GOAWAY: return this.#onGoaway()
      case FrameType.WINDOW_UPDATE: return this.#onWindowUpdate()
      default: return this.#spendControl() // §5.5: unknown types are ignored
    }
  }

  #onHeaders(): void {
    const p = this.#parser
    const endStream = (p.flags & Flag.END_STREAM) !== 0
    if ((p.flags & Flag.END_HEADERS) !== 0) return this.#onFieldBlock(p.streamId, p.fragment, endStream, p.dependency)
    if (p.fragment.length === 0) this.#spendControl()
    if (p.fragment.length > this.limits.maxHeaderListSize) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `field block larger than ${this.limits.maxHeaderListSize} bytes`)
    }
    this.#block = new FieldBlock(p.streamId, endStream, p.dependency, p.fragment)
  }

  #onContinuation(): void {
    const p = this.#parser
    const block = this.#block
    if (block === null) throw protocolError('CONTINUATION without a field block in progress (§6.10)')
    if (p.streamId !== block.streamId) throw protocolError('CONTINUATION on another stream (§6.10)')
    const last = (p.flags & Flag.END_HEADERS) !== 0
    if (p.fragment.length === 0 && !last) this.#spendControl()
    block.add(p.fragment, this.limits.maxHeaderListSize, this.limits.maxContinuationFrames)
    if (!last) return
    this.#block = null
    this.#onFieldBlock(block.streamId, block.bytes(), block.endStream, block.dependency)
  }

  /** A complete field block: a new request, trailers, or a mistake. Always decoded first (§4.3). */
  #onFieldBlock(id: number, block: Uint8Array, endStream: boolean, dependency: number): void {
    const fields = this.#decoder.decode(block)
    const stream = this.#streams.get(id)
    if (stream !== undefined && stream.state !== 'closed') return this.#onTrailers(stream, fields, endStream)
    if (id <= this.#highestStreamId) {
      const reason = stream?.closeReason ?? this.#closed.get(id)
      const rule = closedStreamRule(reason, FrameType.HEADERS)
      if (rule === 'ignore') return this.#spendControl()
      if (rule === 'stream-error') throw new StreamError(id, ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (§5.1)`)
      if (reason === undefined) throw protocolError(`stream id ${id} not above ${this.#highestStreamId} (§5.1.1)`)
      throw new ConnectionError(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (§5.1)`)
    }
    if (id % 2 === 0) throw protocolError(`even stream id ${id} from a client (§5.1.1)`)
    this.#highestStreamId = id
    if (this.#goawayLastStreamId >= 0 && id > this.#goawayLastStreamId) {
      // §6.8: after our GOAWAY, newer streams are ignored; the client retries them elsewhere.
      this.#remember(id, 'reset-by-us')
      return this.#spendControl()
    }
    if (dependency === id) throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'stream depends on itself (§5.3.1)')
    if (fields === null) return this.#answerTooLarge(id, endStream)
    if (this.#active >= this.limits.maxConcurrentStreams) {
      this.#spendReset()
      throw new StreamError(id, ErrorCode.REFUSED_STREAM, `more than ${this.limits.maxConcurrentStreams} concurrent streams (§5.1.2)`)
    }
    const head = readRequestHead(fields)
    if (typeof head === 'string') throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, `malformed request: ${head} (§8.1.1)`)
    if (endStream && head.contentLength !== null && head.contentLength !== 0) {
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'content-length without a body (§8.1.1)')
    }
    // Until our SETTINGS are acknowledged the peer may still count with 65,535 (§6.9.2).
    const windowSize = this.#settingsAcked ? this.limits.initialWindowSize : Math.max(this.limits.initialWindowSize, DEFAULT_WINDOW_SIZE)
    const created = new Stream(id, this.#peer.initialWindowSize, windowSize, head.contentLength, endStream)
    created.surfaced = true
    this.#streams.set(id, created)
    this.#active++
    this.#control.earn()
    this.#events.push({
      type: 'request', streamId: id, method: head.method, scheme: head.scheme, authority: head.authority,
      path: head.path, headers: head.headers, endStream, contentLength: head.contentLength,
    })
  }

  #onTrailers(stream: Stream, fields: string[] | null, endStream: boolean): void {
    const id = stream.id
    if (!stream.remoteOpen) throw new StreamError(id, ErrorCode.STREAM_CLOSED, 'HEADERS after END_STREAM (§5.1)')
    if (!endStream) throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'trailers without END_STREAM (§8.1)')
    if (fields === null) throw new StreamError(id, ErrorCode.ENHANCE_YOUR_CALM, 'trailers larger than maxHeaderListSize')
    const trailers = readTrailers(fields)
    if (typeof trailers === 'string') throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, `malformed trailers: ${trailers} (§8.1)`)
    if (stream.contentLength !== null && stream.received !== stream.contentLength) {
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'body shorter than content-length (§8.1.1)')
    }
    this.#events.push({ type: 'trailers', streamId: id, headers: trailers })
    stream.endRemote()
    this.#settle(stream)
  }

  /**
   * RFC 9113 §10.5.1: a request head above maxHeaderListSize is answered 431 by the engine
   * itself (the app never sees it), then, if the request body is still coming,
   * RST_STREAM(NO_ERROR) asks the client to stop sending it (§8.1).
   */
  #answerTooLarge(id: number, endStream: boolean): void {
    this.#spendControl()
    this.#queueFieldBlock(id, [':status', '431'], true)
    if (endStream) return this.#remember(id, 'ended')
    this.#reply(rstStreamFrame(id, ErrorCode.NO_ERROR))
    this.#remember(id, 'reset-by-us')
  }

  #onData(): void {
    const p = this.#parser
    const id = p.streamId
    const n = p.length
    if (id > this.#highestStreamId) throw protocolError(`DATA on idle stream ${id} (§5.1)`)
    if (!this.#connectionReceive.receive(n)) {
      throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the connection window (§6.9)')
    }
    const stream = this.#streams.get(id)
    if (stream === undefined || !stream.remoteOpen) {
      this.#giveBack(n)
      if (closedStreamRule(stream?.closeReason ?? this.#closed.get(id), FrameType.DATA) === 'ignore') return this.#spendControl()
      throw new StreamError(id, ErrorCode.STREAM_CLOSED, `DATA on closed stream ${id} (§5.1)`)
    }
    if (!stream.receiveWindow.receive(n)) {
      this.#giveBack(n)
      throw new StreamError(id, ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the stream window (§6.9)')
    }
    const data = p.fragment
    const padding = n - data.length
    if (padding > 0) {
      // Padding is nobody's to consume: it is given back at once.
      this.#giveBack(padding)
      const increment = stream.receiveWindow.consume(padding)
      if (increment > 0) this.#push(windowUpdateFrame(id, increment))
    }
    const end = (p.flags & Flag.END_STREAM) !== 0
    stream.received += data.length
    const declared = stream.contentLength
    if (declared !== null && (stream.received > declared || (end && stream.received !== declared))) {
      this.#giveBack(data.length)
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'DATA does not add up to content-length (§8.1.1)')
    }
    if (data.length > 0) {
      stream.unconsumed += data.length
      this.#control.earn()
    } else if (!end) {
      return this.#spendControl() // CVE-2019-9518: empty frames cost work and carry nothing
    }
    this.#events.push({ type: 'data', streamId: id, bytes: data, endStream: end })
    if (end) {
      stream.endRemote()
      this.#settle(stream)
    }
  }

  #onPriority(): void {
    this.#spendControl()
    const p = this.#parser
    if (p.dependency === p.streamId) throw new StreamError(p.streamId, ErrorCode.PROTOCOL_ERROR, 'stream depends on itself (§5.3.1)')
    // RFC 9113 §5.3.2: the priority scheme is deprecated; the frame is accepted and ignored.
  }

  #onRstStream(): void {
    const p = this.#parser
    const id = p.streamId
    if (id > this.#highestStreamId) throw protocolError(`RST_STREAM on idle stream ${id} (§6.4)`)
    const stream = this.#streams.get(id)
    if (stream === undefined || stream.state === 'closed') return this.#spendControl()
    if (stream.responded) this.#spendControl()
    else this.#spendReset()
    const code = readUint32(p.payload, 0)
    this.#close(stream, 'reset-by-peer')
    this.#events.push({ type: 'stream-reset', streamId: id, code, byPeer: true })
  }

  #onSettings(): void {
    this.#spendControl()
    const p = this.#parser
    if ((p.flags & Flag.ACK) !== 0) {
      if (this.#settingsUnacked === 0) return // an ACK for nothing: harmless, ignored
      this.#settingsUnacked--
      this.#settingsAcked = true
      this.#events.push({ type: 'settings-acked' })
      return
    }
    const { windowDelta, headerTableSize } = this.#peer.apply(p.payload)
    if (headerTableSize !== null) this.#encoder.setPeerMaxTableSize(headerTableSize)
    if (windowDelta !== 0) {
      // §6.9.2: the change applies to every stream's send window, which may go negative.
      for (const stream of this.#streams.values()) {
        if (!stream.localOpen) continue
        const next = stream.sendWindow + windowDelta
        if (next > MAX_WINDOW_SIZE) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window (§6.9.2)')
        stream.sendWindow = next
        if (windowDelta > 0) this.#events.push({ type: 'window-update', streamId: stream.id })
      }
    }
    this.#reply(settingsAckFrame())
  }

  #onPing(): void {
    this.#spendControl()
    const p = this.#parser
    if ((p.flags & Flag.ACK) === 0) return this.#reply(pingFrame(p.payload, true))
    if (this.#shutdownPingPending && sameBytes(p.payload, SHUTDOWN_PING)) {
      this.#shutdownPingPending = false
      this.#push(goawayFrame(this.#highestStreamId, ErrorCode.NO_ERROR))
      this.#goawayLastStreamId = this.#highestStreamId
    }
  }

  #onGoaway(): void {
    this.#spendControl()
    const p = this.#parser
    this.#goawayReceived = true
    this.#events.push({ type: 'goaway', lastStreamId: readUint31(p.payload, 0), code: readUint32(p.payload, 4) })
  }

  #onWindowUpdate(): void {
    const p = this.#parser
    const id = p.streamId
    const increment = readUint31(p.payload, 0)
    if (increment < TINY_WINDOW_INCREMENT) this.#spendControl()
    if (id === 0) {
      if (increment === 0) throw protocolError('WINDOW_UPDATE of 0 on the connection (§6.9)')
      const next = addToSendWindow(this.#connectionSendWindow, increment)
      if (next < 0) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'connection window above 2^31-1 (§6.9.1)')
      this.#connectionSendWindow = next
      this.#events.push({ type: 'window-update', streamId: 0 })
      return
    }
    if (id > this.#highestStreamId) throw protocolError(`WINDOW_UPDATE on idle stream ${id} (§5.1)`)
    const stream = this.#streams.get(id)
    if (stream === undefined || stream.state === 'closed') return
    if (increment === 0) throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0 (§6.9)')
    const next = addToSendWindow(stream.sendWindow, increment)
    if (next < 0) throw new StreamError(id, ErrorCode.FLOW_CONTROL_ERROR, 'stream window above 2^31-1 (§6.9.1)')
    stream.sendWindow = next
    this.#events.push({ type: 'window-update', streamId: id })
  }

  #onStreamError(error: StreamError): void {
    const id = error.streamId
    this.#spendControl()
    this.#reply(rstStreamFrame(id, error.code))
    const stream = this.#streams.get(id)
    if (stream !== undefined && stream.state !== 'closed') {
      this.#close(stream, 'reset-by-us')
      if (stream.surfaced) this.#events.push({ type: 'stream-reset', streamId: id, code: error.code, byPeer: false })
    } else if (id <= this.#highestStreamId) {
      this.#remember(id, 'reset-by-us')
    }
  }

  /** A method, not a field read, so TypeScript does not narrow it away inside the receive loop. */
  #failed(): boolean {
    return this.#phase === 'failed'
  }

  #failByPeer(code: number, message: string, sendGoaway: boolean): void {
    if (this.#phase === 'failed') return
    if (sendGoaway) this.#push(goawayFrame(this.#highestStreamId, code))
    this.#goawayLastStreamId = this.#highestStreamId
    this.#phase = 'failed'
    this.#events.push({ type: 'connection-error', code, message })
  }

  #spendControl(): void {
    if (!this.#control.spend()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxControlFrames} frames that carry no request`)
    }
  }

  #spendReset(): void {
    if (!this.#resets.spend()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxUnansweredResets} streams ended before an answer (rapid reset)`)
    }
  }

  // ---- stream bookkeeping ------------------------------------------------------------

  /** The stream a send method may write to; null if it was reset (the write is moot). */
  #sendable(id: number): Stream | null {
    if (this.#phase === 'failed') return null
    const stream = this.#streams.get(id)
    const reason = stream !== undefined ? stream.closeReason : this.#closed.get(id)
    if (stream !== undefined && stream.localOpen) return stream
    if (reason === 'reset-by-us' || reason === 'reset-by-peer') return null
    if (stream === undefined && reason === undefined && id <= this.#highestStreamId && id % 2 === 1) return null // forgotten
    throw new Http2LocalError(stream !== undefined || reason !== undefined ? `stream ${id} already ended` : `no stream ${id}`)
  }

  #endLocal(stream: Stream): void {
    stream.endLocal()
    this.#settle(stream)
  }

  #close(stream: Stream, reason: CloseReason): void {
    stream.close(reason)
    this.#settle(stream)
  }

  /** Once a stream is closed: it stops counting, a reset one gives its bytes back, it is forgotten when drained. */
  #settle(stream: Stream): void {
    if (stream.state !== 'closed' || stream.retired) return
    stream.retired = true
    this.#active--
    if (stream.closeReason !== 'ended') {
      this.#giveBack(stream.unconsumed)
      stream.unconsumed = 0
    }
    if (stream.unconsumed === 0) this.#streams.delete(stream.id)
    this.#remember(stream.id, stream.closeReason!)
  }

  #remember(id: number, reason: CloseReason): void {
    this.#closed.delete(id)
    this.#closed.set(id, reason)
    if (this.#closed.size > this.#closedMemory) this.#closed.delete(this.#closed.keys().next().value!)
  }

  /** Connection-level bytes nobody will consume (padding, frames on closed streams, resets). */
  #giveBack(n: number): void {
    if (n <= 0) return
    const increment = this.#connectionReceive.consume(n)
    if (increment > 0) this.#push(windowUpdateFrame(0, increment))
  }

  // ---- output ------------------------------------------------------------------------

  #push(frame: Uint8Array): void {
    this.#output.push(frame)
    this.#outputBytes += frame.length
  }

  /** A frame the peer's frame made us queue: bounded while the peer does not read. */
  #reply(frame: Uint8Array): void {
    this.#push(frame)
    this.#replyBytes += frame.length
    if (this.#replyBytes > this.limits.maxQueuedControlBytes) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxQueuedControlBytes} bytes of replies not read`)
    }
  }

  #queueFieldBlock(id: number, fields: string[], endStream: boolean): void {
    const block = this.#encoder.encode(fields)
    this.#outputBytes += pushHeaderFrames(this.#output, id, block, endStream, this.#peer.maxFrameSize)
  }
}

function protocolError(message: string): ConnectionError {
  return new ConnectionError(ErrorCode.PROTOCOL_ERROR, message)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
