/**
 * The receive side of one HTTP/2 connection: the client preface, the frame sequence rules
 * (SETTINGS first, a field block's CONTINUATIONs uninterrupted), and what each frame type
 * does (RFC 9113 §6), turned into events. HEADERS and CONTINUATION go to `HeadersReceiver`;
 * the rest is handled here. What it shares with the send side is in `ConnectionState`.
 *
 * Errors: a handler throws `StreamError` or `ConnectionError` (or the decoder `HpackError`);
 * `receive()` catches them. A stream error queues RST_STREAM and the loop goes on; a
 * connection error queues GOAWAY, yields 'connection-error' and ends the connection.
 * @module
 */
import { HpackError } from './hpack/mod.ts'
import { SHUTDOWN_PING, type ConnectionState } from './connection-state.ts'
import { ConnectionError, protocolError, StreamError } from './errors.ts'
import type { Http2Event } from './events.ts'
import { addToSendWindow } from './flow-window.ts'
import { FrameParser, readUint31, readUint32 } from './frame-parser.ts'
import { pingFrame, rstStreamFrame, settingsAckFrame, windowUpdateFrame } from './frame-serializer.ts'
import { CONNECTION_PREFACE, ErrorCode, Flag, FrameType, MAX_WINDOW_SIZE } from './frame-types.ts'
import { HeadersReceiver } from './headers-receiver.ts'
import type { OutputQueue } from './output-queue.ts'
import { closedStreamRule } from './stream.ts'
import type { StreamTable } from './stream-table.ts'

/** A WINDOW_UPDATE below this increment spends a control-frame token (a dribble). */
const TINY_WINDOW_INCREMENT = 1024

/** Turns the peer's bytes into events and the frames they call for. */
export class FrameReceiver {
  readonly #state: ConnectionState
  readonly #streams: StreamTable
  readonly #output: OutputQueue
  readonly #parser: FrameParser
  readonly #headers: HeadersReceiver
  #phase: 'preface' | 'settings' | 'frames' = 'preface'
  #prefaceRead = 0
  /** The events of the current `receive()` call. */
  #events: Http2Event[] = []

  constructor(state: ConnectionState) {
    this.#state = state
    this.#streams = state.streams
    this.#output = state.output
    this.#parser = new FrameParser(state.limits.maxFrameSize)
    this.#headers = new HeadersReceiver(state)
  }

  /** Feeds bytes from the peer; returns the events they complete. Never throws for the peer's errors. */
  receive(bytes: Uint8Array): Http2Event[] {
    const events: Http2Event[] = (this.#events = [])
    if (this.#state.failed || bytes.length === 0) return events
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
    if (this.#headers.blockInProgress && p.type !== FrameType.CONTINUATION) {
      throw protocolError('a frame other than CONTINUATION inside a field block (§6.10)')
    }
    if (this.#phase === 'settings') {
      if (p.type !== FrameType.SETTINGS || (p.flags & Flag.ACK) !== 0) throw protocolError('the first frame is not SETTINGS (§3.4)')
      this.#phase = 'frames'
    }
    switch (p.type) {
      case FrameType.DATA: return this.#onData()
      case FrameType.HEADERS: return this.#headers.onHeaders(p, this.#events)
      case FrameType.CONTINUATION: return this.#headers.onContinuation(p, this.#events)
      case FrameType.PRIORITY: return this.#onPriority()
      case FrameType.RST_STREAM: return this.#onRstStream()
      case FrameType.SETTINGS: return this.#onSettings()
      case FrameType.PING: return this.#onPing()
      case FrameType.GOAWAY: return this.#onGoaway()
      case FrameType.WINDOW_UPDATE: return this.#onWindowUpdate()
      default: return this.#state.spendControl() // §5.5: unknown types are ignored
    }
  }

  #onData(): void {
    const p = this.#parser
    const id = p.streamId
    const n = p.length
    if (id > this.#streams.highestId) throw protocolError(`DATA on idle stream ${id} (§5.1)`)
    if (!this.#state.receiveWindow.receive(n)) {
      throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the connection window (§6.9)')
    }
    const stream = this.#streams.get(id)
    if (stream === undefined || !stream.remoteOpen) {
      this.#state.giveBack(n)
      if (closedStreamRule(this.#streams.closeReason(id), FrameType.DATA) === 'ignore') return this.#state.spendControl()
      throw new StreamError(id, ErrorCode.STREAM_CLOSED, `DATA on closed stream ${id} (§5.1)`)
    }
    if (!stream.receiveWindow.receive(n)) {
      this.#state.giveBack(n)
      throw new StreamError(id, ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the stream window (§6.9)')
    }
    const data = p.fragment
    const padding = n - data.length
    if (padding > 0) {
      // Padding is nobody's to consume: it is given back at once.
      this.#state.giveBack(padding)
      const increment = stream.receiveWindow.consume(padding)
      if (increment > 0) this.#output.push(windowUpdateFrame(id, increment))
    }
    const end = (p.flags & Flag.END_STREAM) !== 0
    stream.received += data.length
    const declared = stream.contentLength
    if (declared !== null && (stream.received > declared || (end && stream.received !== declared))) {
      this.#state.giveBack(data.length)
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'DATA does not add up to content-length (§8.1.1)')
    }
    if (data.length > 0) {
      stream.unconsumed += data.length
      this.#state.control.earn()
    } else if (!end) {
      return this.#state.spendControl() // CVE-2019-9518: empty frames cost work and carry nothing
    }
    this.#events.push({ type: 'data', streamId: id, bytes: data, endStream: end })
    if (end) {
      stream.endRemote()
      this.#state.settle(stream)
    }
  }

  #onPriority(): void {
    this.#state.spendControl()
    const p = this.#parser
    if (p.dependency === p.streamId) throw new StreamError(p.streamId, ErrorCode.PROTOCOL_ERROR, 'stream depends on itself (§5.3.1)')
    // RFC 9113 §5.3.2: the priority scheme is deprecated; the frame is accepted and ignored.
  }

  #onRstStream(): void {
    const p = this.#parser
    const id = p.streamId
    if (id > this.#streams.highestId) throw protocolError(`RST_STREAM on idle stream ${id} (§6.4)`)
    const stream = this.#streams.get(id)
    if (stream === undefined || stream.state === 'closed') return this.#state.spendControl()
    if (stream.responded) this.#state.spendControl()
    else this.#state.spendReset()
    const code = readUint32(p.payload, 0)
    this.#state.close(stream, 'reset-by-peer')
    this.#events.push({ type: 'stream-reset', streamId: id, code, byPeer: true })
  }

  #onSettings(): void {
    this.#state.spendControl()
    const p = this.#parser
    if ((p.flags & Flag.ACK) !== 0) {
      if (this.#state.settingsUnacked === 0) return // an ACK for nothing: harmless, ignored
      this.#state.settingsUnacked--
      this.#state.settingsAcked = true
      this.#events.push({ type: 'settings-acked' })
      return
    }
    const { windowDelta, headerTableSize } = this.#state.peer.apply(p.payload)
    if (headerTableSize !== null) this.#output.setPeerMaxTableSize(headerTableSize)
    if (windowDelta !== 0) {
      // §6.9.2: the change applies to every stream's send window, which may go negative.
      for (const stream of this.#streams.locallyOpen()) {
        const next = stream.sendWindow + windowDelta
        if (next > MAX_WINDOW_SIZE) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window (§6.9.2)')
        stream.sendWindow = next
        if (windowDelta > 0) this.#events.push({ type: 'window-update', streamId: stream.id })
      }
    }
    this.#output.reply(settingsAckFrame())
  }

  #onPing(): void {
    this.#state.spendControl()
    const p = this.#parser
    if ((p.flags & Flag.ACK) === 0) return this.#output.reply(pingFrame(p.payload, true))
    if (this.#state.shutdownPingPending && sameBytes(p.payload, SHUTDOWN_PING)) {
      this.#state.shutdownPingPending = false
      this.#state.goaway(ErrorCode.NO_ERROR)
    }
  }

  #onGoaway(): void {
    this.#state.spendControl()
    const p = this.#parser
    this.#state.goawayReceived = true
    this.#events.push({ type: 'goaway', lastStreamId: readUint31(p.payload, 0), code: readUint32(p.payload, 4) })
  }

  #onWindowUpdate(): void {
    const p = this.#parser
    const id = p.streamId
    const increment = readUint31(p.payload, 0)
    if (increment < TINY_WINDOW_INCREMENT) this.#state.spendControl()
    if (id === 0) {
      if (increment === 0) throw protocolError('WINDOW_UPDATE of 0 on the connection (§6.9)')
      const next = addToSendWindow(this.#state.sendWindow, increment)
      if (next < 0) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'connection window above 2^31-1 (§6.9.1)')
      this.#state.sendWindow = next
      this.#events.push({ type: 'window-update', streamId: 0 })
      return
    }
    if (id > this.#streams.highestId) throw protocolError(`WINDOW_UPDATE on idle stream ${id} (§5.1)`)
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
    this.#state.spendControl()
    this.#output.reply(rstStreamFrame(id, error.code))
    const stream = this.#streams.get(id)
    if (stream !== undefined && stream.state !== 'closed') {
      this.#state.close(stream, 'reset-by-us')
      if (stream.surfaced) this.#events.push({ type: 'stream-reset', streamId: id, code: error.code, byPeer: false })
    } else if (id <= this.#streams.highestId) {
      this.#streams.remember(id, 'reset-by-us')
    }
  }

  /** A method, not a field read, so TypeScript does not narrow it away inside the receive loop. */
  #failed(): boolean {
    return this.#state.failed
  }

  #failByPeer(code: number, message: string, sendGoaway: boolean): void {
    const state = this.#state
    if (state.failed) return
    if (sendGoaway) state.goaway(code)
    else state.goawayLastStreamId = this.#streams.highestId
    state.failed = true
    this.#events.push({ type: 'connection-error', code, message })
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
