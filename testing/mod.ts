/**
 * `portico/testing`: runs an app behind the real Portico engine (parser, framing, timeouts,
 * error responses, serializer) over in-memory connections on a virtual clock. No sockets, no
 * sleeps, no runtime globals: it runs the same on Node, Deno, Bun and in a browser.
 *
 * - `request(app, req)`: one exchange, `Request` in, `Response` out, through real HTTP/1.1 bytes.
 * - `createTestServer(app)`: open connections by hand, send exact bytes, read exact bytes, and
 *   script faults (slow clients, resets, clients that stop reading) on virtual time.
 * - `server.websocket(path)`: a WebSocket client on the same engine and clock: messages or raw
 *   frames in, messages and frames out, pings on idle, a reader that stops.
 * - `server.http2()`: an HTTP/2 client (h2c) on the same engine and clock: many requests on
 *   one connection, every frame the server sent, windows held shut on demand.
 *
 * @example
 * ```ts
 * import { createTestServer, request } from 'portico/testing'
 *
 * const res = await request(app, new Request('http://x/echo', { method: 'POST', body: 'hi' }))
 * res.status // 200, parsed from the bytes the engine wrote
 *
 * const server = createTestServer(app, { headersTimeout: 10_000 })
 * const conn = server.connect()
 * conn.trickle('GET / HTTP/1.1\r\nHost: x\r\n', { bytes: 1, everyMs: 500 })
 * await server.advance(10_000)
 * conn.text   // 'HTTP/1.1 408 Request Timeout\r\n…'
 * conn.closed // true
 * ```
 * @module
 */
import type { App, Server, ServerAddress, ServeOptions, WebSocketSendData } from '../core/server/options.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import type { Runtime } from '../core/server/runtime.ts'
import type { Transport } from '../core/server/transport.ts'
import { TestConnection, type ConnectOptions } from './memory-transport.ts'
import { requestBytes } from './request-bytes.ts'
import { ResponseReader } from './response-reader.ts'
import { VirtualClock } from './virtual-clock.ts'
import { openWebSocket, type TestWebSocket, type WebSocketClientOptions } from './websocket-client.ts'
import { TestHttp2Client, type Http2ClientOptions } from './http2-client.ts'

export { TestConnection, VirtualClock, ResponseReader }
export { encodeClientFrame, openWebSocket, TestWebSocket, WebSocketHandshakeError } from './websocket-client.ts'
export type { ClientFrame, FrameOpcode, ReceivedFrame, WebSocketClientOptions } from './websocket-client.ts'
export type { ConnectOptions, TrickleOptions } from './memory-transport.ts'
export { Http2ClientStream, TestHttp2Client } from './http2-client.ts'
export type { Http2ClientOptions, Http2Frame, Http2RequestInit } from './http2-client.ts'
export type { ResponseReaderEvent } from './response-reader.ts'
export type * from '../core/server/options.ts'

/** Options of a test server: `serve()`'s options, plus where virtual time starts. */
export interface TestServerOptions extends ServeOptions {
  /** Virtual time at start, ms since the epoch. Default 1 700 000 000 000 (fixed, for stable Date headers). */
  startTime?: number
}

/** How long `settle()` lets the engine run. */
export interface SettleOptions {
  /** Stop after this many macrotask turns even if work continues. Default 1000. */
  maxTurns?: number
  /** Stop after this many turns in a row without transport activity. Default 3. */
  idleTurns?: number
}

/** One line of the engine's error log, kept by the test server. */
export interface LogEntry {
  message: string
  error: unknown
}

/** Statuses whose Response must have a null body (Fetch "null body status"; 101/103 never reach here). */
const NULL_BODY = new Set([204, 205, 304])

/**
 * An app behind the real engine, on in-memory connections and a virtual clock. It is a
 * `Server` (address, url, ready, close, finished) like the one `serve()` returns.
 *
 * @example
 * ```ts
 * const server = createTestServer(app, { limits: { maxHeaderBytes: 1024 } })
 * const conn = server.connect()
 * conn.send(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`)
 * await server.settle()
 * conn.text.startsWith('HTTP/1.1 431 ') // true
 * conn.closed                          // true
 * ```
 */
export class TestServer implements Server {
  /** The virtual clock driving every timeout of this server. */
  readonly clock: VirtualClock
  /** Errors the engine logged (handler failures, broken responses), in order. */
  readonly logs: LogEntry[] = []
  /** Every connection opened so far, in order. */
  readonly connections: TestConnection[] = []
  private readonly server: Server
  private readonly localAddress: string
  private readonly localPort: number
  private accept: ((transport: Transport) => void) | null = null
  private readonly waiting: Transport[] = []
  private activity = 0

  /** Starts `app`; see `createTestServer()`. */
  constructor(app: App, options: TestServerOptions = {}) {
    this.clock = new VirtualClock(options.startTime)
    this.localAddress = options.hostname ?? '127.0.0.1'
    this.localPort = options.port || 8000
    const userLog = options.log
    const log = (message: string, error?: unknown): void => {
      this.logs.push({ message, error })
      userLog?.(message, error)
    }
    const runtime: Runtime = {
      name: 'memory',
      now: () => this.clock.now,
      timers: this.clock.timers,
      log,
      print: () => {},
    }
    const address: ServerAddress = {
      transport: 'tcp',
      hostname: this.localAddress,
      port: this.localPort,
      url: formatUrl(options.tls !== undefined ? 'https' : 'http', this.localAddress, this.localPort),
    }
    const engineOptions: ServeOptions = { ...options, log, onListen: options.onListen ?? ((): void => {}) }
    this.server = startServer(app, engineOptions, runtime, (onConnection): Listener => {
      // connect() may run before the engine listens (it does so a microtask later).
      this.accept = onConnection
      for (const transport of this.waiting.splice(0)) onConnection(transport)
      return { address, close: () => {} }
    })
  }

  /** Where the server pretends to listen (after `ready()`). */
  get address(): ServerAddress {
    return this.server.address
  }

  /** `http://127.0.0.1:8000/` unless `hostname`/`port` say otherwise. */
  get url(): string {
    return this.server.url
  }

  /** Resolves once the server has closed and every connection has ended. */
  get finished(): Promise<void> {
    return this.server.finished
  }

  /** Resolves once the engine has started. */
  ready(): Promise<Server> {
    return this.server.ready().then(() => this)
  }

  /**
   * Graceful close, as `serve()`'s: in-flight requests finish, idle connections close, and
   * the rest are aborted after `gracefulTimeout` virtual ms (so advance the clock).
   */
  close(options?: { force?: boolean; shutdownDelay?: number }): Promise<void> {
    return this.server.close(options)
  }

  /** Sends to every WebSocket subscribed to `topic`. */
  publish(topic: string, data: WebSocketSendData, compress?: boolean): number {
    return this.server.publish(topic, data, compress)
  }

  /** How many WebSockets are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    return this.server.subscriberCount(topic)
  }

  /** Opens a connection; the test plays the client. */
  connect(options: ConnectOptions = {}): TestConnection {
    const conn = new TestConnection(
      {
        clock: this.clock,
        onActivity: () => void this.activity++,
        localAddress: this.localAddress,
        localPort: this.localPort,
      },
      {
        remoteAddress: options.remoteAddress ?? '127.0.0.1',
        remotePort: options.remotePort ?? 40000 + this.connections.length,
        alpnProtocol: options.alpnProtocol,
      },
    )
    this.connections.push(conn)
    if (this.accept === null) this.waiting.push(conn.transport)
    else this.accept(conn.transport)
    return conn
  }

  /**
   * Opens a WebSocket to `path` on a new connection: resolves once the server answered the
   * handshake with a valid 101, rejects with a `WebSocketHandshakeError` otherwise.
   *
   * @example
   * ```ts
   * const ws = await server.websocket('/chat', { protocols: ['chat'] })
   * ws.send('hi')
   * await server.settle()
   * ws.messages // what the server sent back
   * ```
   */
  websocket(path: string, options: WebSocketClientOptions = {}): Promise<TestWebSocket> {
    return openWebSocket(this.connect(options), path, options)
  }

  /**
   * Opens an HTTP/2 connection (h2c, prior knowledge) and returns its client.
   *
   * @example
   * ```ts
   * const h2 = server.http2()
   * const [a, b] = await Promise.all([h2.fetch('/a'), h2.fetch('/b', { method: 'POST', body: 'hi' })])
   * ```
   */
  http2(options: Http2ClientOptions & ConnectOptions = {}): TestHttp2Client {
    return new TestHttp2Client(this.connect(options), options)
  }

  /**
   * Lets the engine run: macrotask turns until no connection saw activity for `idleTurns`
   * turns, at most `maxTurns`. Virtual time stands still; real timers of the app are not
   * waited for.
   */
  async settle(options: SettleOptions = {}): Promise<void> {
    const maxTurns = options.maxTurns ?? 1000
    const idleTurns = options.idleTurns ?? 3
    const turns = macrotasks()
    try {
      for (let turn = 0, idle = 0; turn < maxTurns && idle < idleTurns; turn++) {
        const before = this.activity
        await turns.next()
        idle = this.activity === before ? idle + 1 : 0
      }
    } finally {
      turns.close()
    }
  }

  /**
   * Advances virtual time by `ms`, one due timer at a time, settling the engine after each:
   * the engine reacts to every trickled byte and every timeout before the next one fires.
   * (`clock.advance()` fires the timers all at once, without letting the engine run between.)
   */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now + Math.max(0, ms)
    await this.settle()
    for (let due = this.clock.nextDue(); due !== null && due <= end; due = this.clock.nextDue()) {
      this.clock.advanceTo(due)
      await this.settle()
    }
    this.clock.advanceTo(end)
    await this.settle()
  }

  /**
   * Sends a request over a new connection and parses the response bytes into a `Response`
   * (resolved once its head arrived; the body streams). Takes what `fetch` takes; a path is
   * relative to `http://localhost`.
   */
  request(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    return exchange(this.connect(), toRequest(input, init)).response
  }
}

/**
 * Starts `app` behind the real engine, with in-memory connections and a virtual clock.
 *
 * @example
 * ```ts
 * const server = createTestServer(app)
 * const conn = server.connect()
 * conn.send('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
 * await server.settle()
 * conn.chunks.length // 1: the head and a small body go out in one write
 * conn.closed        // true
 * ```
 */
export function createTestServer(app: App, options: TestServerOptions = {}): TestServer {
  return new TestServer(app, options)
}

/**
 * One request through the real engine: the `Request` is serialized to HTTP/1.1 bytes (body
 * with Content-Length), the app's response is serialized by the engine, and those bytes are
 * parsed back into a new `Response` (status, every header field incl. repeated Set-Cookie,
 * Content-Length, chunked or close-delimited body; none for HEAD, 204 and 304).
 *
 * @example
 * ```ts
 * import { request } from 'portico/testing'
 * import app from '../runtimes/app.ts'
 *
 * const res = await request(app, new Request('http://x/users/1'))
 * console.log(res.status, await res.json())
 * const post = await request(app, new Request('http://x/echo', { method: 'POST', body: '{"a":1}' }))
 * ```
 */
export async function request(app: App, input: Request | string | URL, options?: TestServerOptions): Promise<Response> {
  const server = createTestServer(app, options)
  const { response, done } = exchange(server.connect(), toRequest(input))
  // Nothing is left to serve once the body is read (or the exchange failed).
  void done.then(() => server.close({ force: true }))
  return await response
}

function toRequest(input: Request | string | URL, init?: RequestInit): Request {
  if (input instanceof Request && init === undefined) return input
  const url = typeof input === 'string' && input.startsWith('/') ? `http://localhost${input}` : input
  return new Request(url, init)
}

/** Sends `req` on `conn`; `response` resolves at the head, `done` once the exchange is over. */
function exchange(conn: TestConnection, req: Request): { response: Promise<Response>; done: Promise<void> } {
  let markDone!: () => void
  const done = new Promise<void>((resolve) => (markDone = resolve))
  const response = new Promise<Response>((resolve, reject) => {
    const reader = new ResponseReader([req.method])
    let body: ReadableStreamDefaultController<Uint8Array> | null = null
    let phase: 'head' | 'body' | 'done' = 'head'
    const finish = (error?: unknown): void => {
      if (phase === 'done') return
      const before = phase
      phase = 'done'
      unwatch()
      req.signal.removeEventListener('abort', onAbort)
      if (error === undefined) body?.close()
      else if (before === 'head') reject(error)
      else body?.error(error)
      markDone()
    }
    const onAbort = (): void => {
      finish(req.signal.reason)
      conn.resetAfter(0)
    }
    const unwatch = conn.watch((chunk) => {
      if (phase === 'done') return
      try {
        for (const event of chunk === null ? reader.end() : reader.push(chunk)) {
          if (event.type === 'head') {
            const headers = new Headers()
            for (const [name, value] of event.headers) headers.append(name, value)
            const empty = req.method === 'HEAD' || NULL_BODY.has(event.status)
            const stream = empty ? null : bodyStream(conn, (c) => (body = c), () => finish(new TypeError('body cancelled')))
            phase = 'body'
            resolve(new Response(stream, { status: event.status, statusText: event.statusText, headers }))
          } else if (event.type === 'data') {
            body?.enqueue(event.bytes.slice())
            // Backpressure: the server's writes wait while the reader of the body lags.
            if (body !== null && (body.desiredSize ?? 1) <= 0) conn.stopReadingAfter(0)
          } else if (event.type === 'end') {
            return finish()
          }
        }
        if (chunk === null) finish(new TypeError(conn.reset ? 'connection reset' : 'connection closed before a response'))
      } catch (error) {
        conn.resetAfter(0)
        finish(error)
      }
    })
    if (req.signal.aborted) return onAbort()
    req.signal.addEventListener('abort', onAbort)
    requestBytes(req).then(
      (bytes) => {
        if (phase !== 'done' && !conn.closed) conn.send(bytes)
      },
      (error: unknown) => {
        conn.resetAfter(0)
        finish(error)
      },
    )
  })
  return { response, done }
}

function bodyStream(
  conn: TestConnection,
  started: (controller: ReadableStreamDefaultController<Uint8Array>) => void,
  cancelled: () => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start: started,
      pull: () => conn.resume(),
      cancel: () => {
        // A client that drops the body resets the connection, as a browser does.
        conn.resetAfter(0)
        cancelled()
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk?.byteLength ?? 0 },
  )
}

/** Macrotask turns (a MessageChannel where there is one: it is not clamped like setTimeout). */
function macrotasks(): { next(): Promise<void>; close(): void } {
  if (typeof MessageChannel !== 'function') {
    return { next: () => new Promise((resolve) => setTimeout(resolve, 0)), close: () => {} }
  }
  const channel = new MessageChannel()
  let wake: () => void = () => {}
  channel.port1.onmessage = () => wake()
  return {
    next: () =>
      new Promise<void>((resolve) => {
        wake = resolve
        channel.port2.postMessage(null)
      }),
    close: () => {
      channel.port1.close()
      channel.port2.close()
    },
  }
}
