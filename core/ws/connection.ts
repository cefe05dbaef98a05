/**
 * Theory of operation
 * -------------------
 * `WebSocketConnection` is the server side of one WebSocket connection after the 101,
 * without I/O (wsproto's `Connection`, h11's shape):
 *
 *   receive(bytes) → next() → message | ping | pong | close | closed | NEED_DATA
 *   send(message | ping | pong | close) → bytes to write
 *
 * It glues the frame parser (frame grammar, fragmentation order, size limit), the message
 * buffer, the UTF-8 validator and the close rules, and runs the closing handshake
 * (RFC 6455 §7). It never awaits: compressed messages are handed over as received, and
 * `finishMessage()` inflates them with the injected codec in the async layer above.
 *
 * Invariants:
 * - Events own their bytes; input chunks are only read (`ByteQueue`), unless the caller
 *   hands them over (`ownsInput`): then a message that is one frame lying whole in one
 *   chunk is unmasked in place and handed out as a view of the chunk (no allocation, no
 *   copy), if that view keeps at most `MAX_RETAINED_RATIO`× its size of memory alive;
 *   otherwise it is copied out as usual.
 * - Memory per connection: the unparsed input the caller passed in, at most 14 header
 *   bytes, and the message being assembled, which the parser keeps within
 *   `maxPayloadLength` (1009 from the header alone) and `MessageBuffer` within twice what
 *   has arrived.
 * - Uncompressed text is validated as its bytes arrive, so invalid UTF-8 fails the
 *   connection (1007) at the first bad byte, even in the middle of a frame (Autobahn 6.4).
 * - Control frames may come between the fragments of a message (§5.4); they are reported
 *   at once, and the message when its last fragment arrives.
 * - Nothing after the peer's Close is parsed (§5.5.1: it is the last frame); bytes are dropped.
 * - A Close frame is sent at most once. The peer's Close is answered only when the caller
 *   sends `{ type: 'close' }` in `'remote-closing'`, which echoes the peer's code.
 * - After a `RemoteWebSocketError` the state is `'failed'`: the caller writes the error's
 *   `closeFrame` and closes the socket (§7.1.7). `fail()` does the same for errors found
 *   above the engine (a corrupt deflate stream, a message too big once inflated).
 * - A refused `send()` (`LocalWebSocketError`) writes nothing and changes no state.
 * @module
 */
import { ByteQueue } from './byte-queue.ts'
import { closePayload, CloseCode, parseClosePayload } from './close.ts'
import { FrameError, LocalWebSocketError, RemoteWebSocketError } from './errors.ts'
import {
  NEED_DATA,
  type MessageOpcode,
  type WebSocketEvent,
  type WebSocketSendEvent,
  type WebSocketState,
} from './events.ts'
import { FrameParser, type FrameHeader } from './frame-parser.ts'
import { encodeControlFrame, encodeMessage, type FrameAllocator, writeTextFrame } from './frame-serializer.ts'
import { MessageBuffer } from './message-buffer.ts'
import { isControlOpcode, Opcode } from './opcode.ts'
import type { DeflateParams } from './permessage-deflate.ts'
import { decodeUtf8, isValidUtf8, Utf8Validator } from './utf8.ts'

/** 16 MiB: a common default; 100 MiB is more than most apps want to buffer. */
export const DEFAULT_MAX_PAYLOAD_LENGTH: number = 16 * 1024 * 1024

/** Options for one connection. */
export interface WebSocketOptions {
  /**
   * Largest message payload accepted, in bytes: the sum of its frames, compressed size for
   * compressed messages (give the same number to `finishMessage()` for the inflated size).
   * A frame that would pass it fails the connection with 1009. Default 16 MiB.
   */
  maxPayloadLength?: number
  /** permessage-deflate parameters from the handshake (`negotiateDeflate()`), or null. */
  permessageDeflate?: DeflateParams | null
  /**
   * The chunks given to `receive()` are the engine's from then on: nothing else reads or
   * reuses their memory (a socket driver's fresh read buffers). The engine may then unmask
   * payloads in place and hand out messages as views of the chunks. Default false: chunks
   * are only read, so the caller may reuse them.
   */
  ownsInput?: boolean
  /**
   * Where `send()` builds an unfragmented data frame of `size` bytes: a new array by
   * default. A caller that knows when its writes are done with an array may reuse one.
   */
  allocateFrame?: FrameAllocator
}

/**
 * A message handed out as a view of an input chunk keeps the chunk's whole buffer alive as
 * long as the app holds it: allowed while that buffer is at most this many times the message
 * (a read of several pipelined messages; the same order as a pooled Buffer's slab). A
 * smaller message is copied out. Text never escapes as bytes: it is decoded.
 */
const MAX_RETAINED_RATIO = 8

const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

/** The sans-I/O server side of one WebSocket connection. */
export class WebSocketConnection {
  /** Limit in force (see `WebSocketOptions`). */
  readonly maxPayloadLength: number
  /** Negotiated permessage-deflate parameters, or null. */
  readonly permessageDeflate: DeflateParams | null
  private readonly ownsInput: boolean
  private readonly allocateFrame: FrameAllocator | undefined
  private current: WebSocketState = 'open'
  private readonly queue = new ByteQueue()
  private eof = false
  private readonly parser: FrameParser
  /** The frame whose payload is being read, if any. */
  private frame: FrameHeader | null = null
  /** The data message being assembled: its kind, whether compressed. */
  private messageOpcode: MessageOpcode | null = null
  private messageCompressed = false
  private readonly message = new MessageBuffer()
  /** Validates the current text message; null for binary and compressed messages. */
  private utf8: Utf8Validator | null = null
  private readonly validator = new Utf8Validator()
  /** The current message's text, when it was decoded on arrival (a whole frame in one chunk). */
  private text: string | undefined = undefined
  private control: Uint8Array = EMPTY
  private controlLength = 0
  private closeSent = false
  private closeReceived = false
  private peerCloseCode: number = CloseCode.noStatus

  constructor(options: WebSocketOptions = {}) {
    const max = options.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH
    if (!(max >= 0)) throw new RangeError('maxPayloadLength must be a number ≥ 0')
    this.maxPayloadLength = max
    this.permessageDeflate = options.permessageDeflate ?? null
    this.ownsInput = options.ownsInput === true
    this.allocateFrame = options.allocateFrame
    this.parser = new FrameParser({ maxPayloadLength: max, permessageDeflate: this.permessageDeflate !== null })
  }

  /** Where the closing handshake stands; `'closed'` and `'failed'` mean: close the socket. */
  get state(): WebSocketState {
    return this.current
  }

  /** Bytes held: input not yet parsed plus the message being assembled (for backpressure). */
  get bufferedBytes(): number {
    return this.queue.length + this.message.bytes.length
  }

  /** Feeds bytes read from the peer. An empty array means the peer closed its side (EOF). */
  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) this.eof = true
    // §5.5.1: the Close is the last frame; once it arrived (or we failed) input is ignored.
    else if (!this.eof && (this.current === 'open' || this.current === 'closing')) this.queue.push(bytes)
  }

  /** Parses the next event. Throws `RemoteWebSocketError` if the peer broke RFC 6455. */
  next(): WebSocketEvent | typeof NEED_DATA {
    switch (this.current) {
      case 'failed':
        throw new LocalWebSocketError('invalid-state', 'cannot receive after the connection failed')
      case 'closed':
        return { type: 'closed', clean: this.closeSent && this.closeReceived }
      case 'remote-closing':
        return this.eof ? this.finish() : NEED_DATA
    }
    try {
      return this.read()
    } catch (error) {
      if (!(error instanceof FrameError)) throw error
      const closeFrame = this.failWith(error.closeCode)
      throw new RemoteWebSocketError(error.code, error.message, error.closeCode, closeFrame, { cause: error })
    }
  }

  private read(): WebSocketEvent | typeof NEED_DATA {
    for (;;) {
      let frame = this.frame
      if (frame === null) {
        frame = this.parser.readHeader(this.queue)
        if (frame === null) return this.eof ? this.finish() : NEED_DATA
        this.startFrame(frame)
      }
      if (!this.readPayload(frame)) return this.eof ? this.finish() : NEED_DATA
      this.frame = null
      const event = this.endFrame(frame)
      if (event !== null) return event
    }
  }

  private startFrame(frame: FrameHeader): void {
    this.frame = frame
    if (isControlOpcode(frame.opcode)) {
      this.control = new Uint8Array(frame.length)
      this.controlLength = 0
    } else if (frame.opcode !== Opcode.continuation) {
      // The parser has checked the order (§5.4): this starts a new message.
      this.messageOpcode = frame.opcode === Opcode.text ? 'text' : 'binary'
      this.messageCompressed = frame.rsv1
      this.utf8 = this.messageOpcode === 'text' && !frame.rsv1 ? this.validator : null
      this.utf8?.reset()
    }
  }

  /** Reads what is available of the current payload; true once it is complete. */
  private readPayload(frame: FrameHeader): boolean {
    const parser = this.parser
    if (parser.remaining === 0) return true
    if (isControlOpcode(frame.opcode)) {
      this.controlLength += parser.readPayload(this.queue, this.control, this.controlLength)
      return parser.remaining === 0
    }
    const incoming = Math.min(parser.remaining, this.queue.length)
    if (incoming === 0) return false
    const message = this.message
    if (this.ownsInput && message.length === 0 && frame.fin && frame.opcode !== Opcode.continuation && this.liesWhole(frame)) {
      // The whole message, in one chunk that is ours: unmask it where it is. Uncompressed text
      // is checked by decoding it (the bytes are all here: failing now is failing fast).
      message.adopt(parser.unmaskInPlace(this.queue))
      if (this.utf8 !== null) {
        const text = decodeUtf8(message.bytes)
        if (text === null) throw new FrameError('invalid-utf8', 'text message is not UTF-8', CloseCode.invalidPayload)
        this.text = text
        this.utf8 = null
      }
      return true
    }
    message.reserve(incoming, parser.remaining)
    const start = message.length
    message.length += parser.readPayload(this.queue, message.bytes, start)
    // RFC 6455 §8.1: invalid UTF-8 in a text message → _Fail the WebSocket Connection_ (1007).
    if (this.utf8 !== null && !this.utf8.write(message.bytes, start, message.length)) {
      throw new FrameError('invalid-utf8', 'text message is not UTF-8', CloseCode.invalidPayload)
    }
    return parser.remaining === 0
  }

  /** The rest of `frame` is in the front chunk, and a view of it would not pin too much memory. */
  private liesWhole(frame: FrameHeader): boolean {
    const remaining = this.parser.remaining
    if (this.queue.frontLength() < remaining) return false
    if (frame.opcode === Opcode.text || frame.rsv1) return true
    return this.queue.frontRetained() <= MAX_RETAINED_RATIO * remaining
  }

  private endFrame(frame: FrameHeader): WebSocketEvent | null {
    switch (frame.opcode) {
      case Opcode.ping:
        return { type: 'ping', data: this.control }
      case Opcode.pong:
        return { type: 'pong', data: this.control }
      case Opcode.close:
        return this.receiveClose(this.control)
    }
    if (!frame.fin) return null
    if (this.utf8 !== null && !this.utf8.complete) {
      throw new FrameError('invalid-utf8', 'text message ends inside a code point', CloseCode.invalidPayload)
    }
    const event = { type: 'message', opcode: this.messageOpcode!, data: this.message.take(), compressed: this.messageCompressed, text: this.text } as const
    this.messageOpcode = null
    this.utf8 = null
    this.text = undefined
    return event
  }

  private receiveClose(payload: Uint8Array): WebSocketEvent {
    const { code, reason } = parseClosePayload(payload)
    this.closeReceived = true
    this.peerCloseCode = code
    this.drop()
    // §5.5.1: after sending a Close, receiving one completes the handshake; otherwise we owe one.
    this.current = this.closeSent ? 'closed' : 'remote-closing'
    return { type: 'close', code, reason }
  }

  /** EOF: whatever was pending is lost (an unclean close, 1006 for the app: §7.1.5). */
  private finish(): WebSocketEvent {
    this.drop()
    this.current = 'closed'
    return { type: 'closed', clean: this.closeSent && this.closeReceived }
  }

  private drop(): void {
    this.queue.clear()
    this.message.take()
    this.frame = null
    this.messageOpcode = null
    this.utf8 = null
    this.text = undefined
  }

  /** §7.1.7: send a Close with `code` (unless one was sent already), then the socket is closed. */
  private failWith(code: number, reason = ''): Uint8Array {
    const frame = this.closeSent ? EMPTY : encodeControlFrame(Opcode.close, closePayload(code, reason))
    this.closeSent = true
    this.drop()
    this.current = 'failed'
    return frame
  }

  /**
   * Fails the connection from above the engine (e.g. 1007 for a corrupt deflate stream,
   * 1009 for a message too big once inflated, 1011 on a server error). Returns the Close
   * frame to write (empty if a Close was sent already, or the connection is over); the
   * caller then closes the socket.
   */
  fail(code: number, reason = ''): Uint8Array {
    if (this.current === 'closed' || this.current === 'failed') return EMPTY
    closePayload(code, reason) // validate before changing state
    return this.failWith(code, reason)
  }

  /**
   * Serializes an event to send. Throws `LocalWebSocketError` (nothing written, state
   * unchanged) for an event not allowed now or that would break RFC 6455.
   */
  send(event: WebSocketSendEvent): Uint8Array {
    switch (event.type) {
      case 'message': {
        this.requireOpen('message')
        const compressed = event.compressed === true
        if (compressed && this.permessageDeflate === null) {
          throw new LocalWebSocketError('invalid-event', 'compressed message without permessage-deflate')
        }
        const data = typeof event.data === 'string' ? encoder.encode(event.data) : event.data
        // §5.6: text is UTF-8. Strings are by construction; bytes are checked.
        if (event.opcode === 'text' && !compressed && typeof event.data !== 'string' && event.validUtf8 !== true && !isValidUtf8(data)) {
          throw new LocalWebSocketError('invalid-event', 'text message is not UTF-8')
        }
        const size = event.fragmentSize
        if (size !== undefined && !(Number.isInteger(size) && size >= 1)) {
          throw new LocalWebSocketError('invalid-event', 'fragmentSize must be a positive integer')
        }
        const opcode = event.opcode === 'text' ? Opcode.text : Opcode.binary
        return encodeMessage(opcode, data, { compressed, fragmentSize: size, allocate: this.allocateFrame })
      }
      case 'ping':
      case 'pong': {
        this.requireOpen(event.type)
        const data = event.data === undefined ? EMPTY : typeof event.data === 'string' ? encoder.encode(event.data) : event.data
        // §5.5: control frame payloads are at most 125 bytes.
        if (data.length > 125) throw new LocalWebSocketError('invalid-event', `${event.type} payload over 125 bytes`)
        return encodeControlFrame(event.type === 'ping' ? Opcode.ping : Opcode.pong, data)
      }
      case 'close':
        return this.sendClose(event.code, event.reason)
    }
  }

  /**
   * Like `send({ type: 'message', opcode: 'text', data: text })`, uncompressed and unfragmented,
   * but the frame is built in `out` at `at` (the caller's write buffer, with `textFrameRoom()`
   * bytes free there). Returns its size, or 0 when it does not fit: then call `send()`.
   * Throws as `send()` does.
   */
  sendTextInto(text: string, out: Uint8Array, at: number): number {
    this.requireOpen('message')
    return writeTextFrame(out, at, text)
  }

  private requireOpen(what: string): void {
    // §5.5.1: after sending a Close, an endpoint sends nothing more. After receiving one it
    // MAY finish what it was sending before it answers.
    if (this.current !== 'open' && this.current !== 'remote-closing') {
      throw new LocalWebSocketError('invalid-state', `cannot send a ${what} in state ${this.current}`)
    }
  }

  private sendClose(code: number | undefined, reason: string | undefined): Uint8Array {
    if (this.current === 'open') {
      const frame = encodeControlFrame(Opcode.close, closePayload(code, reason))
      this.closeSent = true
      this.current = 'closing'
      return frame
    }
    if (this.current === 'remote-closing') {
      // §5.5.1: "it typically echos the status code it received"; no code received → no body.
      const echo = this.peerCloseCode === CloseCode.noStatus ? undefined : this.peerCloseCode
      const frame = encodeControlFrame(Opcode.close, closePayload(code ?? echo, reason))
      this.closeSent = true
      this.current = 'closed'
      return frame
    }
    throw new LocalWebSocketError('invalid-state', `cannot send a close in state ${this.current}`)
  }
}
