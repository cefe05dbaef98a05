/**
 * An HTTP/2 client on a `TestConnection` (h2c with prior knowledge): requests in, `Response`s
 * out, through the real engine's frames, on the test server's virtual clock. It keeps to the
 * protocol (acknowledges SETTINGS, answers PINGs, respects the server's windows, opens its
 * own as it reads) unless told otherwise, and records every frame it received, so tests can
 * both use it as a client and assert on the wire (`frames`, `goaway`).
 *
 * Flow control: `autoWindow: false` keeps the client's receive windows shut after the first
 * `initialWindowSize` bytes (a client that does not read); `openWindow()` opens them by hand.
 * @module
 */
import { concatBytes } from '../core/http/ascii.ts'
import { HpackDecoder, HpackEncoder } from '../core/http2/hpack/mod.ts'
import {
  dataFrameHeader, goawayFrame, pingFrame, pushHeaderFrames, rstStreamFrame, settingsAckFrame, settingsFrame, windowUpdateFrame,
} from '../core/http2/frame-serializer.ts'
import { CONNECTION_PREFACE, DEFAULT_WINDOW_SIZE, Flag, FrameType } from '../core/http2/frame-types.ts'
import type { TestConnection } from './memory-transport.ts'

/** Options of `server.http2()`. */
export interface Http2ClientOptions {
  /** SETTINGS_INITIAL_WINDOW_SIZE the client advertises (its receive window per stream). Default 65,535. */
  initialWindowSize?: number
  /** SETTINGS_MAX_FRAME_SIZE the client accepts. Default 16,384. */
  maxFrameSize?: number
  /** Acknowledge the server's SETTINGS (default true; false tests the SETTINGS timeout). */
  ackSettings?: boolean
  /** Open receive windows as DATA arrives (default true; false: a client that stops reading). */
  autoWindow?: boolean
  /** `:authority` of requests. Default `localhost`. */
  authority?: string
}

/** A frame the server sent, decoded as far as the client understood it. */
export interface Http2Frame {
  type: 'DATA' | 'HEADERS' | 'PRIORITY' | 'RST_STREAM' | 'SETTINGS' | 'PUSH_PROMISE' | 'PING' | 'GOAWAY' | 'WINDOW_UPDATE' | 'CONTINUATION' | 'UNKNOWN'
  streamId: number
  flags: number
  length: number
  /** HEADERS: the decoded fields `[name, value, …]`; RST_STREAM and GOAWAY: `code`. */
  fields?: string[]
  code?: number
}

/** What `request()` takes besides the path. */
export interface Http2RequestInit {
  method?: string
  headers?: Record<string, string> | [string, string][]
  body?: Uint8Array | string
  /** Leave the request body open after `body` (send more with `stream.write()`). */
  keepOpen?: boolean
}

const TYPE_NAMES: Http2Frame['type'][] = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION']
const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)

/** One request the client sent; `response` resolves at the response head. */
export class Http2ClientStream {
  readonly id: number
  readonly response: Promise<Response>
  /** The RST_STREAM code the server sent, if it reset the stream. */
  resetCode: number | null = null
  /** Response trailers, once they arrived. */
  trailers: string[] | null = null
  private readonly client: TestHttp2Client
  private resolve!: (response: Response) => void
  private reject!: (error: Error) => void
  private body: ReadableStreamDefaultController<Uint8Array> | null = null
  private headed = false
  /** The server's send window for this stream (what we may send it). */
  sendWindow: number
  private pending: { bytes: Uint8Array; end: boolean }[] = []

  constructor(client: TestHttp2Client, id: number, sendWindow: number) {
    this.client = client
    this.id = id
    this.sendWindow = sendWindow
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    // A test that never reads `response` must not see an unhandled rejection.
    this.response.catch(() => {})
  }

  /** Sends more request body (as the server's windows allow); `end` closes the body. */
  write(data: Uint8Array | string, end = false): void {
    this.pending.push({ bytes: typeof data === 'string' ? encoder.encode(data) : data, end })
    this.client.pump()
  }

  /** Resets the stream (RST_STREAM CANCEL by default), as a client that gives up does. */
  cancel(code = 8): void {
    this.client.send(rstStreamFrame(this.id, code))
    this.failed(new Error('cancelled'))
  }

  /** @internal Sends what the windows allow; true while something is left. */
  flush(): boolean {
    while (this.pending.length > 0) {
      const next = this.pending[0]!
      const room = Math.min(this.sendWindow, this.client.sendWindow, this.client.peerMaxFrameSize)
      if (next.bytes.length > 0 && room <= 0) return true
      const n = Math.min(room, next.bytes.length)
      const end = next.end && n === next.bytes.length
      this.client.send(concatBytes([dataFrameHeader(this.id, n, end), next.bytes.subarray(0, n)]))
      this.sendWindow -= n
      this.client.sendWindow -= n
      if (n === next.bytes.length) this.pending.shift()
      else next.bytes = next.bytes.subarray(n)
    }
    return false
  }

  /** @internal */
  headers(fields: string[], endStream: boolean): void {
    if (this.headed) {
      this.trailers = fields
      this.body?.close()
      return
    }
    const status = Number(fields[1])
    if (fields[0] !== ':status') return this.failed(new Error('response without :status'))
    if (status < 200) return
    this.headed = true
    const headers = new Headers()
    for (let i = 2; i < fields.length; i += 2) headers.append(fields[i]!, fields[i + 1]!)
    const nullBody = status === 204 || status === 205 || status === 304
    const stream = nullBody ? null : new ReadableStream<Uint8Array>({ start: (c) => void (this.body = c) })
    this.resolve(new Response(stream, { status, headers }))
    if (endStream) this.body?.close()
  }

  /** @internal */
  data(bytes: Uint8Array, endStream: boolean): void {
    if (bytes.length > 0) this.body?.enqueue(bytes.slice())
    if (endStream) this.body?.close()
  }

  /** @internal */
  failed(error: Error): void {
    this.pending.length = 0
    if (!this.headed) this.reject(error)
    else {
      try {
        this.body?.error(error)
      } catch {
        // Already closed.
      }
    }
  }
}

/**
 * The client end of an HTTP/2 connection to a `TestServer`, from `server.http2()`.
 *
 * @example
 * ```ts
 * const h2 = server.http2()
 * const res = await h2.fetch('/hello')
 * await res.text()
 * h2.frames.map((f) => f.type) // ['SETTINGS', 'WINDOW_UPDATE', 'SETTINGS', 'HEADERS', 'DATA']
 * ```
 */
export class TestHttp2Client {
  readonly connection: TestConnection
  /** Every frame the server sent, in order. */
  readonly frames: Http2Frame[] = []
  /** The server's GOAWAY, once it sent one (the last, if several). */
  goaway: { lastStreamId: number; code: number } | null = null
  /** The server's SETTINGS, as id → value. */
  readonly serverSettings = new Map<number, number>()
  /** @internal The connection send window (what we may send the server). */
  sendWindow = DEFAULT_WINDOW_SIZE
  /** @internal */
  peerMaxFrameSize = 16384
  private readonly options: Required<Http2ClientOptions>
  private readonly streams = new Map<number, Http2ClientStream>()
  private readonly decoder = new HpackDecoder()
  private readonly hpack = new HpackEncoder()
  private nextId = 1
  private buffered: Uint8Array = EMPTY
  private block: { streamId: number; parts: Uint8Array[]; endStream: boolean } | null = null
  private peerInitialWindow = DEFAULT_WINDOW_SIZE

  constructor(connection: TestConnection, options: Http2ClientOptions = {}) {
    this.connection = connection
    this.options = {
      initialWindowSize: options.initialWindowSize ?? DEFAULT_WINDOW_SIZE,
      maxFrameSize: options.maxFrameSize ?? 16384,
      ackSettings: options.ackSettings ?? true,
      autoWindow: options.autoWindow ?? true,
      authority: options.authority ?? 'localhost',
    }
    connection.watch((chunk) => (chunk === null ? this.closedByServer() : this.receive(chunk)))
    const settings = [0x2, 0, 0x4, this.options.initialWindowSize, 0x5, this.options.maxFrameSize]
    connection.send(concatBytes([CONNECTION_PREFACE, settingsFrame(settings)]))
  }

  /** Sends a request; its `response` resolves at the response head. */
  request(path: string, init: Http2RequestInit = {}): Http2ClientStream {
    const id = this.nextId
    this.nextId += 2
    const stream = new Http2ClientStream(this, id, this.peerInitialWindow)
    this.streams.set(id, stream)
    const method = init.method ?? 'GET'
    const fields = [':method', method, ':scheme', 'http', ':authority', this.options.authority, ':path', path]
    const headers = init.headers === undefined ? [] : Array.isArray(init.headers) ? init.headers : Object.entries(init.headers)
    for (const [name, value] of headers) fields.push(name.toLowerCase(), value)
    const body = init.body === undefined ? null : typeof init.body === 'string' ? encoder.encode(init.body) : init.body
    const endStream = body === null && init.keepOpen !== true
    const out: Uint8Array[] = []
    pushHeaderFrames(out, id, this.hpack.encode(fields), endStream, this.peerMaxFrameSize)
    this.send(concatBytes(out))
    if (body !== null) stream.write(body, init.keepOpen !== true)
    return stream
  }

  /** `request()` and its response. */
  fetch(path: string, init: Http2RequestInit = {}): Promise<Response> {
    return this.request(path, init).response
  }

  /** Raw bytes to the server (frames built by hand). */
  send(bytes: Uint8Array): void {
    this.connection.send(bytes)
  }

  ping(): void {
    this.send(pingFrame(new Uint8Array(8), false))
  }

  /** GOAWAY from the client. */
  close(code = 0): void {
    this.send(goawayFrame(0, code))
  }

  /** Gives back `n` bytes of receive window on the stream and the connection (with `autoWindow: false`). */
  openWindow(streamId: number, n: number): void {
    this.send(concatBytes([windowUpdateFrame(0, n), windowUpdateFrame(streamId, n)]))
  }

  /** @internal Sends what request bodies the windows now allow. */
  pump(): void {
    for (const stream of this.streams.values()) stream.flush()
  }

  private receive(chunk: Uint8Array): void {
    let bytes = this.buffered.length === 0 ? chunk : concatBytes([this.buffered, chunk])
    while (bytes.length >= 9) {
      const length = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!
      if (bytes.length < 9 + length) break
      const type = bytes[3]!
      const flags = bytes[4]!
      const streamId = ((bytes[5]! & 0x7f) << 24) | (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!
      this.frame(type, flags, streamId, bytes.subarray(9, 9 + length))
      bytes = bytes.subarray(9 + length)
    }
    this.buffered = bytes.slice()
  }

  private frame(type: number, flags: number, streamId: number, payload: Uint8Array): void {
    const frame: Http2Frame = { type: TYPE_NAMES[type] ?? 'UNKNOWN', streamId, flags, length: payload.length }
    this.frames.push(frame)
    const word = (at: number): number => ((payload[at]! << 24) | (payload[at + 1]! << 16) | (payload[at + 2]! << 8) | payload[at + 3]!) >>> 0
    const stream = this.streams.get(streamId)
    switch (type) {
      case FrameType.SETTINGS:
        if (flags & Flag.ACK) break
        for (let at = 0; at + 6 <= payload.length; at += 6) this.setting((payload[at]! << 8) | payload[at + 1]!, word(at + 2))
        if (this.options.ackSettings) this.send(settingsAckFrame())
        this.pump()
        break
      case FrameType.PING:
        if (!(flags & Flag.ACK)) this.send(pingFrame(payload, true))
        break
      case FrameType.WINDOW_UPDATE: {
        const increment = word(0) & 0x7fffffff
        if (streamId === 0) this.sendWindow += increment
        else if (stream !== undefined) stream.sendWindow += increment
        this.pump()
        break
      }
      case FrameType.HEADERS:
      case FrameType.CONTINUATION: {
        if (type === FrameType.HEADERS) {
          let at = 0
          let end = payload.length
          if (flags & Flag.PADDED) end -= payload[at++]!
          if (flags & Flag.PRIORITY) at += 5
          this.block = { streamId, parts: [], endStream: (flags & Flag.END_STREAM) !== 0 }
          payload = payload.subarray(at, end)
        }
        if (this.block === null) break
        this.block.parts.push(payload)
        if (flags & Flag.END_HEADERS) {
          const fields = this.decoder.decode(concatBytes(this.block.parts)) ?? []
          const block = this.block
          this.block = null
          for (let i = this.frames.length - 1; i >= 0; i--) {
            const f = this.frames[i]!
            if (f.type === 'HEADERS' && f.streamId === block.streamId) {
              f.fields = fields
              break
            }
          }
          this.streams.get(block.streamId)?.headers(fields, block.endStream)
          if (block.endStream) this.streams.delete(block.streamId)
        }
        break
      }
      case FrameType.DATA: {
        let bytes = payload
        if (flags & Flag.PADDED) bytes = payload.subarray(1, payload.length - payload[0]!)
        stream?.data(bytes, (flags & Flag.END_STREAM) !== 0)
        if (flags & Flag.END_STREAM) this.streams.delete(streamId)
        if (payload.length > 0) this.received(streamId, payload.length, (flags & Flag.END_STREAM) !== 0)
        break
      }
      case FrameType.RST_STREAM:
        frame.code = word(0)
        if (stream !== undefined) {
          stream.resetCode = frame.code
          stream.failed(new Error(`stream reset by the server (code ${frame.code})`))
          this.streams.delete(streamId)
        }
        break
      case FrameType.GOAWAY:
        frame.code = word(4)
        this.goaway = { lastStreamId: word(0) & 0x7fffffff, code: frame.code }
        for (const [id, s] of this.streams) {
          if (id > this.goaway.lastStreamId) {
            s.failed(new Error('refused by GOAWAY'))
            this.streams.delete(id)
          }
        }
        break
    }
  }

  private setting(id: number, value: number): void {
    this.serverSettings.set(id, value)
    if (id === 0x4) {
      // §6.9.2: a new initial window changes the windows of open streams by the difference.
      for (const stream of this.streams.values()) stream.sendWindow += value - this.peerInitialWindow
      this.peerInitialWindow = value
    } else if (id === 0x5) {
      this.peerMaxFrameSize = value
    }
  }

  /** DATA arrived: open the windows again at once, or keep count for `openWindow()`. */
  private received(streamId: number, n: number, ended: boolean): void {
    if (!this.options.autoWindow) return
    this.send(ended ? windowUpdateFrame(0, n) : concatBytes([windowUpdateFrame(0, n), windowUpdateFrame(streamId, n)]))
  }

  private closedByServer(): void {
    for (const stream of this.streams.values()) stream.failed(new Error('the server closed the connection'))
    this.streams.clear()
  }
}
