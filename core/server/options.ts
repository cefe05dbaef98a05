/**
 * The options and the server object shared by every driver. Names follow the runtimes'
 * own serve() functions where they overlap (port, hostname, signal, onListen, onError, tls, reusePort).
 * @module
 */
import type { App, FetchHandler, ServeInfo } from '../fetch/app.ts'
import type { WebSocketHandler, WebSocketSendData } from '../fetch/websocket-api.ts'
import type { Limits } from '../http1/limits.ts'
import type { Http2Limits } from '../http2/limits.ts'
import type { Telemetry } from './telemetry.ts'
import type { StaticOptions } from '../static/serve-static.ts'
import type { ServeStaticOptions } from '../static/static-app.ts'
import type { CompressionOptions } from './compression.ts'

export type { App, FetchHandler, ServeInfo, CompressionOptions, StaticOptions, ServeStaticOptions, Http2Limits }
export type { ContentCoding } from '../http/accept-encoding.ts'
export type * from '../fetch/websocket-api.ts'
export type * from './telemetry.ts'

/** One line of the access log, handed to `accessLog` after each response. */
export interface AccessLogEntry {
  /** Time the request head was parsed, ms since the epoch. */
  time: number
  remoteAddress: string | undefined
  method: string
  target: string
  /** The protocol version: `'2'` for HTTP/2. */
  version: '1.0' | '1.1' | '2'
  status: number
  /** Body bytes written (after framing removed). */
  bytes: number
  durationMs: number
  referer: string | undefined
  userAgent: string | undefined
}

/** TLS certificate and key, PEM text. */
export interface TlsOptions {
  cert: string
  key: string
}

/** Options for `serve()`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 8000. */
  port?: number
  /** Address to bind. Default `0.0.0.0`. */
  hostname?: string
  /** Listen on this unix socket path instead of TCP. */
  unix?: string
  /** Serve HTTPS with this certificate and key. */
  tls?: TlsOptions
  /** Let several processes bind the same port (Linux SO_REUSEPORT), where the runtime can. */
  reusePort?: boolean
  /** Aborting it closes the server gracefully. */
  signal?: AbortSignal
  /** Called once listening; default prints `Listening on <url>`. */
  onListen?: (address: ServerAddress) => void
  /** Turns a handler error into a response; default: a bare 500. */
  onError?: (error: unknown, request: Request) => Response | Promise<Response>
  /** Error log; default is the runtime's console.error. */
  log?: (message: string, error?: unknown) => void
  /** Called after each response, for an access log. */
  accessLog?: (entry: AccessLogEntry) => void
  /** Size limits of the HTTP engine. */
  limits?: Partial<Limits>
  /**
   * HTTP/2 beside HTTP/1.1 on the same port (default true): over TLS a client that offers `h2`
   * in ALPN gets it, and on a cleartext port a client that starts with the HTTP/2 connection
   * preface gets h2c (prior knowledge). An object sets the engine's limits (`Http2Limits`:
   * concurrent streams, windows, frame and header sizes, flood budgets). `false`: HTTP/1.1 only.
   */
  http2?: boolean | Partial<Http2Limits>
  /**
   * WebSocket handlers, in the `serve({ fetch, websocket })` shape; `info.upgrade(request)` in the handler
   * turns a request into a socket. An app object's own `websocket` is used when this is unset.
   */
  websocket?: WebSocketHandler<unknown>
  /** A request head must arrive within this many ms of its first byte or the connection start. Default 60 000; 0 disables. */
  headersTimeout?: number
  /** A request (head and body) must arrive within this many ms. Default 300 000; 0 disables. */
  requestTimeout?: number
  /** Idle keep-alive connections close after this many ms. Default 5 000; 0 disables. */
  keepAliveTimeout?: number
  /** `close()` force-closes connections still busy after this many ms. Default 10 000. */
  gracefulTimeout?: number
  /**
   * Install Portico's light `Response` as the global `Response` (default true). It records its
   * body and init and builds the runtime's own Response only if something needs more, so a
   * string or bytes body goes out with the head in one write, without a stream: a runtime's
   * own `new Response()` alone costs 10–13 µs. `instanceof Response` holds for both kinds.
   * `false` leaves the global alone (responses are then read as streams).
   */
  lightResponse?: boolean
  /** Request body bytes discarded after an early response before closing instead. Default 64 KiB. */
  maxDrainBytes?: number
  /**
   * Expect a PROXY protocol header (v1 or v2, haproxy's `send-proxy`/`send-proxy-v2`) before
   * HTTP on every connection, and take the client's address from it. Accepted only from peers
   * in `trustProxy`; other peers are disconnected, since the spec forbids guessing whether a
   * header is present. Default false.
   */
  proxyProtocol?: boolean
  /**
   * Proxies whose word is believed: addresses and CIDRs (`'10.0.0.0/8'`, `'fd00::/8'`) and the
   * keywords `'loopback'`, `'private'`, `'linklocal'` and `'unix'` (unix socket peers). From
   * these peers the PROXY header (with `proxyProtocol`) and the forwarding headers (see
   * `forwardedHeaders`) set `info.remoteAddress` and the request URL's scheme and host.
   * Trusting a proxy means trusting it to overwrite or strip those headers. Default: none.
   */
  trustProxy?: string[]
  /**
   * Which forwarding headers the trusted proxies write: `'x-forwarded'` (X-Forwarded-For,
   * -Proto, -Host: nginx, haproxy, most load balancers) or `'forwarded'` (RFC 7239). The other
   * family is ignored, since a proxy passes it through from the client. Default `'x-forwarded'`.
   */
  forwardedHeaders?: 'x-forwarded' | 'forwarded'
  /**
   * Requests in flight (being answered, on every connection) beyond which a new request gets
   * 503 with `Retry-After: 1` at once instead of waiting (uvicorn's `--limit-concurrency`).
   * An app that never returns holds its place. Default: no limit.
   */
  maxConcurrentRequests?: number
  /** Open connections (WebSockets included) beyond which a new one is closed at accept. Default: no limit. */
  maxConnections?: number
  /**
   * On a graceful `close()` (SIGTERM in the CLI), keep listening and serving for this many ms
   * before stopping, with every response marked `Connection: close` and the health path
   * answering 503, so a load balancer takes the instance out of rotation before it stops
   * accepting. Then the usual drain follows. Default 0.
   */
  shutdownDelay?: number
  /**
   * A path Portico answers itself, before the app and any limit: 200 while serving, 503 from
   * the start of a graceful close, for load balancer health checks and readiness probes.
   * Any method; a query string is ignored. Not traced. Default: none.
   */
  healthPath?: string
  /**
   * Observes every request and connection. `true`: OpenTelemetry through the global providers
   * of `@opentelemetry/api` (an optional peer dependency, imported only then; a no-op until an
   * SDK is registered), loaded before the server listens: if it cannot be imported, `ready()`
   * rejects with an error that says to install it. `otel({ … })` from `portico/otel` chooses
   * the providers; any other `Telemetry` is used as it is. Default (`false`): none, at the
   * cost of one check per request.
   */
  telemetry?: Telemetry | boolean
  /**
   * Serve on an inherited listening socket, by file descriptor (systemd socket activation:
   * fds start at 3), instead of binding `port`/`hostname`/`unix`. Where the runtime's own
   * listen() cannot adopt a descriptor, the driver serves it through the runtime's
   * compatibility net module (README: Runtime differences).
   */
  fd?: number
  /**
   * Serve the files of a folder in front of the app (`'public'`, or `{ dir, ...StaticOptions }`):
   * GET and HEAD requests that name a file get it; everything else goes to the app. See
   * `serveStatic()` for the options.
   */
  static?: string | (StaticOptions & { dir: string })
  /**
   * Compress responses: `true` for the defaults, or `{ encodings, minBytes, level }` (see
   * `CompressionOptions`). Compressible types only, chosen by Accept-Encoding. Default off.
   */
  compression?: boolean | CompressionOptions
}

/** Where the server listens. */
export type ServerAddress =
  | { transport: 'tcp'; hostname: string; port: number; url: string }
  | { transport: 'unix'; path: string; url: string }

/** A running server. */
export interface Server {
  /** Where it listens. Throws before the server listens; see `ready()`. */
  readonly address: ServerAddress
  /** `http(s)://host:port/`, or `http+unix://…` for a unix socket. */
  readonly url: string
  /** Resolves once the server has closed and every connection has ended. */
  readonly finished: Promise<void>
  /** Resolves once the server listens (`address` and `url` are set); rejects if it cannot. */
  ready(): Promise<Server>
  /**
   * Stops accepting, lets in-flight requests finish, closes idle keep-alive connections, and
   * force-closes what is left after `gracefulTimeout` ms. Resolves like `finished`. With a
   * `shutdownDelay` (the option, or this call's), it keeps serving that long first.
   */
  close(options?: { force?: boolean; shutdownDelay?: number }): Promise<void>
  /** Sends to every WebSocket subscribed to `topic` (`server.publish`). */
  publish(topic: string, data: WebSocketSendData, compress?: boolean): number
  /** How many WebSockets are subscribed to `topic`. */
  subscriberCount(topic: string): number
}
