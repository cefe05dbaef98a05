/**
 * WebSocket clients against the real engine, for `portico/testing`: `server.websocket(path)`
 * sends the opening handshake over an in-memory connection, checks the 101 (accept key,
 * subprotocol), then reads the server's frames as a client would (RFC 6455 §5) and writes
 * masked client frames: whole messages, or raw frames to script faults (fragments with
 * control frames between them, unmasked or reserved frames, a reader that stops).
 *
 * The client answers pings and the server's Close as a browser does, unless told not to,
 * and checks what a client must check of server frames (unmasked, known opcodes, control
 * frames short and unfragmented, UTF-8 text); violations go to `errors` instead of throwing.
 * It does not inflate permessage-deflate: offer it through `headers` and read the raw frames.
 * Runtime-free: ECMAScript and Web APIs only.
 * @module
 */
import { concatBytes, latin1Decode, latin1Encode } from '../core/http/ascii.ts'
import { acceptKey } from '../core/ws/sha1.ts'
import type { ConnectOptions, TestConnection } from './memory-transport.ts'

/** An opcode by name, or any 4-bit number (to send reserved ones). */
export type FrameOpcode = 'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong' | number

/** A frame for `sendFrame()`; everything but `opcode` has a well-behaved default. */
export interface ClientFrame {
  opcode: FrameOpcode
  /** A string is sent as UTF-8. */
  payload?: string | Uint8Array
  /** Default true. */
  fin?: boolean
  /** RSV bits as a 3-bit number: RSV1 = 4, RSV2 = 2, RSV3 = 1. Default 0. */
  rsv?: number
  /** The masking key (4 bytes), or false for an unmasked frame (the server answers 1002). */
  mask?: readonly number[] | false
}

/** A frame the server sent. */
export interface ReceivedFrame {
  fin: boolean
  rsv: number
  opcode: number
  payload: Uint8Array
}

/** How `server.websocket()` opens a socket. */
export interface WebSocketClientOptions extends ConnectOptions {
  /** Offered in `Sec-WebSocket-Protocol`, in order of preference. */
  protocols?: string[]
  /** More request headers (Origin, Cookie, Sec-WebSocket-Extensions…). */
  headers?: HeadersInit
  /** `Sec-WebSocket-Key`. Default RFC 6455's sample nonce. */
  key?: string
  /** Answer each ping with a pong, as browsers do. Default true. */
  autoPong?: boolean
  /** Echo the server's Close (completing the closing handshake). Default true. */
  autoCloseReply?: boolean
}

/** The server answered the handshake with something other than 101. */
export class WebSocketHandshakeError extends Error {
  override name = 'WebSocketHandshakeError'
  /** 0 when the connection closed before a response head. */
  readonly status: number
  readonly headers: Headers

  constructor(message: string, status: number, headers: Headers) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

const OPCODES: Record<string, number> = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 }
/** RFC 6455 §5.7's sample masking key: deterministic bytes on the wire. */
const DEFAULT_MASK: readonly number[] = [0x37, 0xfa, 0x21, 0x3d]
const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

function toBytes(data: string | Uint8Array | ArrayBuffer | undefined): Uint8Array {
  if (data === undefined) return EMPTY
  if (typeof data === 'string') return encoder.encode(data)
  return data instanceof Uint8Array ? data : new Uint8Array(data)
}

/** One masked (by default) client frame, RFC 6455 §5.2. */
export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  const payload = toBytes(frame.payload)
  const opcode = typeof frame.opcode === 'number' ? frame.opcode : OPCODES[frame.opcode]!
  const mask = frame.mask === undefined ? DEFAULT_MASK : frame.mask
  const length = payload.length
  const head: number[] = [((frame.fin ?? true) ? 0x80 : 0) | (((frame.rsv ?? 0) & 7) << 4) | (opcode & 0x0f)]
  const maskBit = mask === false ? 0 : 0x80
  if (length < 126) head.push(maskBit | length)
  else if (length < 0x10000) head.push(maskBit | 126, length >>> 8, length & 0xff)
  else {
    const high = Math.floor(length / 2 ** 32)
    head.push(maskBit | 127, high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff)
    head.push(length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff)
  }
  if (mask !== false) head.push(...mask)
  const out = new Uint8Array(head.length + length)
  out.set(head)
  for (let i = 0; i < length; i++) out[head.length + i] = payload[i]! ^ (mask === false ? 0 : mask[i & 3]!)
  return out
}

/**
 * Opens a WebSocket on `connection` (from `server.connect()`): sends the handshake for
 * `path` and resolves once the 101 has arrived and checks out. Rejects with a
 * `WebSocketHandshakeError` for any other answer. `server.websocket()` is the short form.
 */
export function openWebSocket(connection: TestConnection, path: string, options: WebSocketClientOptions = {}): Promise<TestWebSocket> {
  const key = options.key ?? SAMPLE_KEY
  const headers = new Headers(options.headers)
  if (!headers.has('host')) headers.set('host', 'localhost')
  headers.set('upgrade', 'websocket')
  headers.set('connection', 'Upgrade')
  headers.set('sec-websocket-key', key)
  if (!headers.has('sec-websocket-version')) headers.set('sec-websocket-version', '13')
  if (options.protocols !== undefined && options.protocols.length > 0) headers.set('sec-websocket-protocol', options.protocols.join(', '))
  let head = `GET ${path} HTTP/1.1\r\n`
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`
  return new Promise((resolve, reject) => {
    let received: Uint8Array = EMPTY
    const unwatch = connection.watch((chunk) => {
      if (chunk === null) {
        unwatch()
        return reject(new WebSocketHandshakeError('the connection closed before a response', 0, new Headers()))
      }
      received = concatBytes([received, chunk])
      const text = latin1Decode(received, 0, received.length)
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return
      unwatch()
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0)
      const response = new Headers()
      for (const line of lines) {
        const colon = line.indexOf(':')
        response.append(line.slice(0, colon), line.slice(colon + 1).trim())
      }
      if (status !== 101) return reject(new WebSocketHandshakeError(`the server answered ${statusLine}`, status, response))
      // RFC 6455 §4.1: the client fails the connection unless the accept key is right.
      if (response.get('sec-websocket-accept') !== acceptKey(key)) {
        return reject(new WebSocketHandshakeError('wrong Sec-WebSocket-Accept', status, response))
      }
      const protocol = response.get('sec-websocket-protocol') ?? ''
      if (protocol !== '' && !(options.protocols ?? []).includes(protocol)) {
        return reject(new WebSocketHandshakeError(`the server chose subprotocol ${protocol}, which was not offered`, status, response))
      }
      resolve(new TestWebSocket(connection, response, options, { chunk, rest: received.subarray(end + 4) }))
    })
    connection.send(`${head}\r\n`)
  })
}

/**
 * The client end of a WebSocket to a `TestServer`, from `server.websocket(path)`. Messages
 * the server sent are in `messages` (text as strings, binary as bytes); `nextMessage()` waits
 * for the next one. Virtual time and `server.settle()` work as for HTTP connections.
 *
 * @example
 * ```ts
 * const ws = await server.websocket('/chat')
 * ws.send('hello')
 * await server.settle()
 * ws.messages // ['hello'] from an echo server
 * ws.close(1000, 'bye')
 * await server.settle()
 * ws.closeFrame // { code: 1000, reason: '' }: the server's echo
 * ws.closed     // true: the server closed the TCP connection
 * ```
 */
export class TestWebSocket {
  /** The in-memory connection underneath (for `end()`, `resetAfter()`, raw output). */
  readonly connection: TestConnection
  /** The 101's headers. */
  readonly headers: Headers
  /** The subprotocol the server chose, or ''. */
  readonly protocol: string
  /** The extensions the server agreed to, or ''. */
  readonly extensions: string
  /** Every message the server sent, in order: text as a string, binary as bytes. */
  readonly messages: (string | Uint8Array)[] = []
  /** Every frame the server sent, control frames and fragments included. */
  readonly frames: ReceivedFrame[] = []
  /** Payloads of the server's pings and pongs. */
  readonly pings: Uint8Array[] = []
  readonly pongs: Uint8Array[] = []
  /** The server's Close frame (1005 when it had no code), or null. */
  closeFrame: { code: number; reason: string } | null = null
  /** What the server did that a client must reject (masked frames, bad UTF-8…). */
  readonly errors: string[] = []

  private readonly autoPong: boolean
  private readonly autoCloseReply: boolean
  private buffer: Uint8Array = EMPTY
  private paused = false
  private closeSent = false
  private fragments: { opcode: number; compressed: boolean; parts: Uint8Array[] } | null = null
  private readCursor = 0
  private waiters: { resolve: (message: string | Uint8Array) => void; reject: (error: Error) => void }[] = []

  /** Use `server.websocket()` or `openWebSocket()`. */
  constructor(
    connection: TestConnection,
    headers: Headers,
    options: WebSocketClientOptions,
    /** The write that ended the 101 (its watchers may still be running) and its bytes after the head. */
    handshake: { chunk: Uint8Array; rest: Uint8Array },
  ) {
    this.connection = connection
    this.headers = headers
    this.protocol = headers.get('sec-websocket-protocol') ?? ''
    this.extensions = headers.get('sec-websocket-extensions') ?? ''
    this.autoPong = options.autoPong !== false
    this.autoCloseReply = options.autoCloseReply !== false
    let skip: Uint8Array | null = handshake.chunk
    connection.watch((chunk) => {
      const seen = chunk === skip
      skip = null
      if (!seen) this.receive(chunk)
    })
    if (handshake.rest.length > 0) this.receive(handshake.rest.slice())
  }

  /** The server closed the TCP connection (or the client reset it). */
  get closed(): boolean {
    return this.connection.closed || this.connection.reset
  }

  /** Sends a message: a string as text, bytes as binary; `fragmentSize` splits it into frames. */
  send(data: string | Uint8Array | ArrayBuffer, options: { fragmentSize?: number } = {}): void {
    const opcode = typeof data === 'string' ? 1 : 2
    const bytes = toBytes(data)
    const size = Math.max(1, options.fragmentSize ?? Infinity)
    if (bytes.length <= size) return this.sendFrame({ opcode, payload: bytes })
    const frames: ClientFrame[] = []
    for (let at = 0; at < bytes.length; at += size) {
      const end = Math.min(at + size, bytes.length)
      frames.push({ opcode: at === 0 ? opcode : 0, payload: bytes.subarray(at, end), fin: end === bytes.length })
    }
    this.sendFrames(...frames)
  }

  /** Sends one frame, exactly as described (see `ClientFrame`). */
  sendFrame(frame: ClientFrame): void {
    this.sendFrames(frame)
  }

  /** Sends frames in one write: e.g. a fragment, a ping, then the last fragment. */
  sendFrames(...frames: ClientFrame[]): void {
    for (const frame of frames) if (frame.opcode === 'close' || frame.opcode === 8) this.closeSent = true
    this.sendBytes(concatBytes(frames.map(encodeClientFrame)))
  }

  /** Sends raw bytes (a string as latin1): half a frame, garbage, anything. */
  sendBytes(bytes: Uint8Array | string): void {
    this.connection.send(typeof bytes === 'string' ? latin1Encode(bytes) : bytes)
  }

  ping(data?: string | Uint8Array): void {
    this.sendFrame({ opcode: 'ping', payload: data })
  }

  pong(data?: string | Uint8Array): void {
    this.sendFrame({ opcode: 'pong', payload: data })
  }

  /** Starts (or answers) the closing handshake; without `code`, the Close has no body. */
  close(code?: number, reason = ''): void {
    if (this.closeSent || this.closed) return
    const reasonBytes = encoder.encode(reason)
    const payload = code === undefined ? EMPTY : concatBytes([new Uint8Array([code >>> 8, code & 0xff]), reasonBytes])
    this.sendFrame({ opcode: 'close', payload })
  }

  /** The next message not yet taken by `nextMessage()`; rejects if the connection ends first. */
  nextMessage(): Promise<string | Uint8Array> {
    if (this.readCursor < this.messages.length) return Promise.resolve(this.messages[this.readCursor++]!)
    if (this.closed) return Promise.reject(new Error('the WebSocket connection is closed'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  /**
   * Stops reading: frames stay unread (no pong, no messages) and, once `bytes` more are
   * buffered, the server's writes wait (backpressure: its sends return -1, then `drain`).
   */
  stopReading(bytes = 0): void {
    this.paused = true
    this.connection.stopReadingAfter(bytes)
  }

  /** Reads again: what was held back is processed, and the server's writes are released. */
  resume(): void {
    this.paused = false
    this.parse()
    this.connection.resume()
  }

  private receive(chunk: Uint8Array | null): void {
    if (chunk === null) {
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the WebSocket connection is closed'))
      return
    }
    this.buffer = this.buffer.length === 0 ? chunk : concatBytes([this.buffer, chunk])
    if (!this.paused) this.parse()
  }

  /** RFC 6455 §5.2, from the client's side. */
  private parse(): void {
    let at = 0
    const bytes = this.buffer
    while (bytes.length - at >= 2) {
      const b0 = bytes[at]!
      const b1 = bytes[at + 1]!
      let length = b1 & 0x7f
      let offset = at + 2
      if (length === 126) {
        if (bytes.length - offset < 2) break
        length = (bytes[offset]! << 8) | bytes[offset + 1]!
        offset += 2
      } else if (length === 127) {
        if (bytes.length - offset < 8) break
        const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8)
        length = view.getUint32(0) * 2 ** 32 + view.getUint32(4)
        offset += 8
      }
      const masked = (b1 & 0x80) !== 0
      if (masked) offset += 4
      if (bytes.length - offset < length) break
      const payload = bytes.slice(offset, offset + length)
      // §5.1: "A server MUST NOT mask any frames that it sends to the client."
      if (masked) this.errors.push('a masked frame')
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= bytes[offset - 4 + (i & 3)]!
      at = offset + length
      this.frame({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, payload })
    }
    this.buffer = at === bytes.length ? EMPTY : bytes.subarray(at)
  }

  private frame(frame: ReceivedFrame): void {
    this.frames.push(frame)
    const { opcode, payload, fin } = frame
    if (frame.rsv !== 0 && !(frame.rsv === 4 && this.extensions !== '')) this.errors.push(`RSV bits ${frame.rsv} without an extension`)
    if (opcode >= 8) {
      if (!fin || payload.length > 125) this.errors.push(`control frame ${opcode} fragmented or over 125 bytes`)
      if (opcode === 8) return this.closeReceived(payload)
      if (opcode === 9) {
        this.pings.push(payload)
        if (this.autoPong && !this.closeSent) this.pong(payload)
      } else if (opcode === 10) this.pongs.push(payload)
      else this.errors.push(`reserved opcode ${opcode}`)
      return
    }
    if (opcode === 0) {
      if (this.fragments === null) return void this.errors.push('a continuation frame with no message to continue')
      this.fragments.parts.push(payload)
    } else if (opcode === 1 || opcode === 2) {
      if (this.fragments !== null) this.errors.push('a new message before the last one ended')
      this.fragments = { opcode, compressed: frame.rsv === 4, parts: [payload] }
    } else {
      return void this.errors.push(`reserved opcode ${opcode}`)
    }
    if (!fin) return
    const { opcode: type, compressed, parts } = this.fragments
    this.fragments = null
    const data = parts.length === 1 ? parts[0]! : concatBytes(parts)
    let message: string | Uint8Array = data
    // A compressed message is kept as received: this client does not inflate.
    if (type === 1 && !compressed) {
      try {
        message = new TextDecoder('utf-8', { fatal: true }).decode(data)
      } catch {
        this.errors.push('a text message that is not UTF-8')
      }
    }
    this.messages.push(message)
    const waiter = this.waiters.shift()
    if (waiter !== undefined) {
      this.readCursor++
      waiter.resolve(message)
    }
  }

  private closeReceived(payload: Uint8Array): void {
    if (payload.length === 1) this.errors.push('a Close body of 1 byte')
    const code = payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005
    let reason = ''
    try {
      reason = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(2))
    } catch {
      this.errors.push('a Close reason that is not UTF-8')
    }
    this.closeFrame = { code, reason }
    // §5.5.1: the endpoint that receives a Close answers with one, echoing the code.
    if (this.autoCloseReply && !this.closeSent) this.close(payload.length >= 2 ? code : undefined)
  }
}
