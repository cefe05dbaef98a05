/**
 * Theory of operation
 * -------------------
 * `Connection` is the whole HTTP/1.1 server protocol for one connection, without I/O:
 *
 *   receive(bytes) → next() → request | data | end | closed | NEED_DATA | PAUSED
 *   send(response | informational | data | end) → bytes to write
 *
 * It glues the ReceiveBuffer, the head parser, the body decoders, the state machine and the
 * serializer, and applies the limits. It never awaits and never touches a socket or a clock:
 * the caller passes a `clock` if it wants a Date header.
 *
 * Invariants:
 * - Requests come out strictly one at a time: after a request's `end`, `next()` answers
 *   PAUSED until its response is complete, so pipelined requests wait in the buffer, in
 *   order (RFC 9112 §9.3.2). A caller that stops reading while PAUSED bounds its memory.
 * - After a RemoteProtocolError the client side is `error`: the caller sends the error
 *   response it hints at (keep-alive is off, so it carries `connection: close`) and closes.
 * - After a LocalProtocolError from `send()` the server side is `error`; the caller must
 *   abort the connection, since a partial response is already on the wire.
 * - A protocol switch (101 to Upgrade, 2xx to CONNECT) hands the connection over:
 *   `takeTrailingData()` returns the bytes that followed the request.
 * @module
 */
import { ChunkedDecoder, LengthDecoder, type BodyDecoder } from './body-decoder.ts'
import { BodyEncoder } from './body-encoder.ts'
import { httpDate } from '../http/date.ts'
import { LocalProtocolError, ParseError, RemoteProtocolError } from './errors.ts'
import {
  NEED_DATA,
  PAUSED,
  type RequestEvent,
  type ResponseEvent,
  type ResponseHeadEvent,
  type ServerEvent,
} from './events.ts'
import { requestFraming } from './framing.ts'
import { HeadParser } from './head-parser.ts'
import { serializeInformational, serializeResponseHead, type SerializedHead } from './head-serializer.ts'
import { utf8Encode } from '../http/ascii.ts'
import { allocBytes } from '../http/byte-pool.ts'
import { resolveLimits, type Limits } from './limits.ts'
import { ReceiveBuffer } from './receive-buffer.ts'
import { ConnectionState, type ClientState, type ServerState } from './state.ts'

/** Options for one connection. */
export interface ConnectionOptions {
  /** Size limits; unset fields take `DEFAULT_LIMITS`. */
  limits?: Partial<Limits>
  /** Milliseconds since the epoch, for the Date header. Without it no Date is sent. */
  clock?: () => number
}

const EMPTY = new Uint8Array(0)
/** The decoder of every body-less request: a LengthDecoder at 0 only ever answers `end`. */
const NO_BODY = new LengthDecoder(0)

const encoder = new TextEncoder()
/** Strings up to this many chars are UTF-8 encoded into `scratch` (3 bytes per char at most). */
const SCRATCH_CHARS = 16 * 1024
const scratchBuffer = new ArrayBuffer(3 * SCRATCH_CHARS)
const scratch = new Uint8Array(scratchBuffer)

/** The last head encoded: alike responses share one head text (head-serializer.ts), copied, not encoded again. */
let lastHeadText = ''
/** The largest buffer the last head may be kept a view of: a pooled slab (byte-pool.ts), not a body's. */
const MAX_PINNED_BYTES = 8 * 1024
let lastHeadBytes: Uint8Array = new Uint8Array(0)

/** Writes the latin1 head `text` at the start of `out`. */
function encodeHead(text: string, out: Uint8Array): void {
  if (text === lastHeadText) {
    out.set(lastHeadBytes)
    return
  }
  // The head is latin1; encodeInto is exact when it is ASCII (it then reads every char
  // into as many bytes), which is the rule. Anything else takes the byte loop.
  const r = encoder.encodeInto(text, out)
  if (r.read !== text.length || r.written !== text.length) {
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  }
  // A view of bytes handed out is never written again (byte-pool.ts), so it can be read later;
  // kept only from a small buffer (a pooled slab), never pinning a large body's memory.
  if (out.buffer.byteLength <= MAX_PINNED_BYTES) {
    lastHeadText = text
    lastHeadBytes = out.subarray(0, text.length)
  }
}

/** The sans-I/O HTTP/1.1 server side of one connection. */
export class Connection {
  /** Limits in force, defaults filled in. */
  readonly limits: Limits
  private readonly clock: (() => number) | undefined
  private readonly state = new ConnectionState()
  private readonly buffer = new ReceiveBuffer()
  private readonly headParser: HeadParser
  private decoder: BodyDecoder | null = null
  private encoder: BodyEncoder | null = null
  private request: RequestEvent | null = null
  private continueSent = false
  /** Body bytes of the last response `respond()` serialized (0 for HEAD, 204, 304). */
  respondedBodyBytes = 0

  constructor(options: ConnectionOptions = {}) {
    this.limits = resolveLimits(options.limits)
    this.clock = options.clock
    this.headParser = new HeadParser(this.limits)
  }

  /** The client's state as the server sees it. */
  get clientState(): ClientState {
    return this.state.client
  }

  /** The server's own state. */
  get serverState(): ServerState {
    return this.state.server
  }

  /** The request being answered, if any. */
  get currentRequest(): RequestEvent | null {
    return this.request
  }

  /** False once this connection will close after the current response. */
  get keepAlive(): boolean {
    return this.state.keepAlive
  }

  /** The client sent `Expect: 100-continue` and no 100 or final response has been sent yet. */
  get waitingForContinue(): boolean {
    // RFC 9110 §10.1.1: the 100 invites the content; a request without content (Content-Length:
    // 0) has nothing to hold back, so there is nothing to wait for and no reason to close.
    return (
      this.request !== null && this.request.expectContinue && this.request.contentLength !== 0 && !this.continueSent &&
      this.state.client === 'send-body' && this.state.server === 'send-response'
    )
  }

  /** Bytes received but not yet parsed (pipelined requests, or a tunnel's first bytes). */
  get bufferedBytes(): number {
    return this.buffer.length
  }

  /** Feeds bytes read from the peer. An empty array means the peer closed its side (EOF). */
  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) this.buffer.eof = true
    else this.buffer.append(bytes)
  }

  /** Parses the next event. Throws `RemoteProtocolError` if the peer broke HTTP/1.1. */
  next(): ServerEvent | typeof NEED_DATA | typeof PAUSED {
    try {
      switch (this.state.client) {
        case 'idle':
          return this.state.server === 'idle' ? this.nextRequest() : PAUSED
        case 'send-body':
          return this.nextBodyEvent()
        case 'closed':
          return { type: 'closed' }
        case 'error':
          throw new ParseError('invalid-state', 'cannot receive after a protocol error')
        default:
          return PAUSED
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error
      this.state.error('client')
      throw new RemoteProtocolError(error.code, error.message, error.statusHint, { cause: error })
    }
  }

  private nextRequest(): RequestEvent | typeof NEED_DATA | { type: 'closed' } {
    const head = this.headParser.parse(this.buffer)
    if (head === null) {
      if (!this.buffer.eof) return NEED_DATA
      if (this.buffer.length > 0) throw new ParseError('unexpected-eof', 'connection closed mid-head')
      this.state.clientEvent('closed')
      return { type: 'closed' }
    }
    const framing = requestFraming(head, this.limits.maxBodyBytes)
    const length = framing.contentLength
    this.decoder = length === null ? new ChunkedDecoder(this.limits) : length === 0 ? NO_BODY : new LengthDecoder(length)
    if (!framing.keepAlive) this.state.disableKeepAlive()
    this.state.pendingSwitch = framing.upgrade
    this.continueSent = false
    const request: RequestEvent = {
      type: 'request',
      method: head.method,
      target: head.target,
      version: head.version,
      headers: head.headers,
      expectContinue: framing.expectContinue,
      upgrade: framing.upgrade,
      keepAlive: framing.keepAlive,
      contentLength: framing.contentLength,
    }
    this.request = request
    this.state.clientEvent('request')
    return request
  }

  private nextBodyEvent(): ServerEvent | typeof NEED_DATA {
    const event = this.decoder!.read(this.buffer)
    if (event === null) {
      if (this.buffer.eof) throw new ParseError('unexpected-eof', 'connection closed mid-body')
      return NEED_DATA
    }
    if (event.type === 'end') {
      this.decoder = null
      this.state.clientEvent('end')
    }
    return event
  }

  /**
   * Serializes a response event. Throws `LocalProtocolError` for an event that is not
   * allowed now or that would put invalid bytes on the wire.
   */
  send(event: ResponseEvent): Uint8Array {
    try {
      switch (event.type) {
        case 'informational':
          return this.sendInformational(event.status, event.headers)
        case 'response':
          return this.sendHead(event.status, event.reason, event.headers, event.contentLength)
        case 'data':
          return this.requireEncoder().data(event.bytes)
        case 'end': {
          const bytes = this.requireEncoder().end(event.trailers)
          this.encoder = null
          this.state.serverEvent('end')
          if (this.state.server === 'idle') this.request = null
          return bytes
        }
      }
    } catch (error) {
      // A refused head or 1xx wrote nothing, so the caller may still send another
      // response (a 500); a failure mid-body leaves a partial message on the wire.
      if (error instanceof LocalProtocolError && (event.type === 'data' || event.type === 'end')) {
        this.state.error('server')
      }
      throw error
    }
  }

  /** Like `send({ type: 'data', bytes })`, but returns the framed parts without copying `bytes`. */
  sendParts(bytes: Uint8Array): Uint8Array[] {
    try {
      return this.requireEncoder().parts(bytes)
    } catch (error) {
      if (error instanceof LocalProtocolError) this.state.error('server')
      throw error
    }
  }

  /** Ends the connection after the current exchange (graceful shutdown, timeouts). */
  disableKeepAlive(): void {
    this.state.disableKeepAlive()
  }

  private sendInformational(status: number, headers: readonly string[] | undefined): Uint8Array {
    // RFC 9110 §15.2: a server MUST NOT send a 1xx response to an HTTP/1.0 client.
    if (this.request?.version === '1.0') return EMPTY
    const bytes = serializeInformational(status, headers)
    this.state.serverEvent('informational')
    if (status === 100) this.continueSent = true
    return bytes
  }

  private sendHead(status: number, reason: string | undefined, headers: readonly string[], length: number | undefined): Uint8Array {
    const text = this.startResponse(status, reason, headers, length).text
    const out = allocBytes(text.length)
    encodeHead(text, out)
    return out
  }

  /** Serializes a final response head and moves the state machine; the body encoder is set up. */
  private startResponse(status: number, reason: string | undefined, headers: readonly string[], length: number | undefined): SerializedHead {
    const request = this.request
    const state = this.state
    if (state.server === 'idle') {
      // A response without a request (a 408 on an idle connection, or an error response
      // to a request that failed to parse) ends the connection: we are out of step.
      if (state.client !== 'idle' && state.client !== 'error') {
        throw new LocalProtocolError('invalid-state', 'no request to respond to', 500)
      }
      state.disableKeepAlive()
      state.server = 'send-response'
    } else if (state.server !== 'send-response') {
      throw new LocalProtocolError('invalid-state', `cannot send a response in state ${state.server}`, 500)
    }
    if (status === 101 && !(request?.upgrade && request.method !== 'CONNECT')) {
      throw new LocalProtocolError('invalid-response', '101 without an Upgrade request', 500)
    }
    // RFC 9110 §10.1.1: answering before the client sent a body it was told to hold back
    // leaves the connection in an unknown state; close it after this response.
    const closeAfter = this.waitingForContinue
    const method = request?.method ?? 'GET'
    const head = serializeResponseHead(status, reason, headers, length, {
      method,
      version: request?.version ?? '1.1',
      keepAlive: state.keepAlive && !closeAfter,
      date: this.clock === undefined ? null : httpDate(this.clock()),
    })
    if (!head.keepAlive) state.disableKeepAlive()
    const switched = request?.upgrade === true &&
      (method === 'CONNECT' ? status >= 200 && status < 300 : status === 101)
    this.encoder = new BodyEncoder(head.framing, head.length)
    state.serverEvent('response', switched)
    return head
  }

  /**
   * Serializes a whole response whose body is known in full (a string is UTF-8) into one
   * buffer: head, body and end, ready for a single write. The hot path for small responses.
   */
  respond(event: ResponseHeadEvent, body: Uint8Array | string): Uint8Array {
    let bytes: Uint8Array
    if (typeof body !== 'string') bytes = body
    else if (body.length <= SCRATCH_CHARS) {
      // Small strings are encoded natively into a scratch buffer to learn their length. A view
      // made over the buffer costs less than `subarray` (about half, on V8 and JavaScriptCore).
      bytes = new Uint8Array(scratchBuffer, 0, encoder.encodeInto(body, scratch).written)
    } else bytes = utf8Encode(body)
    const length = bytes.length
    const head = this.startResponse(event.status, event.reason, event.headers, length)
    const text = head.text
    const sendsBody = head.framing !== 'none' && length > 0
    if (sendsBody && (head.framing !== 'length' || head.length !== length)) {
      this.state.error('server')
      throw new LocalProtocolError('invalid-response', 'body length differs from its Content-Length', 500)
    }
    const out = allocBytes(text.length + (sendsBody ? length : 0))
    encodeHead(text, out)
    if (sendsBody) out.set(bytes, text.length)
    this.respondedBodyBytes = sendsBody ? length : 0
    this.encoder = null
    this.state.serverEvent('end')
    if (this.state.server === 'idle') this.request = null
    return out
  }

  private requireEncoder(): BodyEncoder {
    if (this.encoder === null || this.state.server !== 'send-body') {
      throw new LocalProtocolError('invalid-state', `cannot send body in state ${this.state.server}`, 500)
    }
    return this.encoder
  }

  /** The caller failed mid-response (e.g. the app's body stream errored): mark our side broken. */
  sendFailed(): void {
    this.state.error('server')
  }

  /** After a protocol switch: the bytes that arrived after the request, for the new protocol. */
  takeTrailingData(): Uint8Array {
    if (this.state.client !== 'switched-protocol') {
      throw new LocalProtocolError('invalid-state', 'no protocol switch happened', 500)
    }
    return this.buffer.takeAll()
  }
}
