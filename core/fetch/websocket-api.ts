/**
 * The WebSocket side of the public API, in the `serve({ fetch, websocket })` shape,
 * so that apps written for it run unchanged: handlers declared once per server, `info.upgrade(request,
 * { data, headers })` in `fetch`, and a `ServerWebSocket` per connection.
 * https://bun.com/docs/api/websockets
 * @module
 */

/** A message as the app receives it: text as a string, binary as bytes. */
export type WebSocketMessageData = string | Uint8Array

/** What `send`-like methods take. */
export type WebSocketSendData = string | ArrayBufferView | ArrayBuffer

/** One WebSocket connection, as the handlers see it (`ServerWebSocket`). */
export interface ServerWebSocket<Data = unknown> {
  /** What `upgrade(request, { data })` attached. */
  data: Data
  /** 0 connecting, 1 open, 2 closing, 3 closed (the browser's values). */
  readonly readyState: 0 | 1 | 2 | 3
  /** The client's address (after trusted proxies). */
  readonly remoteAddress: string
  /** The subprotocol agreed in the handshake, or ''. */
  readonly protocol: string
  /** The extensions agreed in the handshake (`permessage-deflate; …`), or ''. */
  readonly extensions: string
  /**
   * How binary messages reach `message`: `'nodebuffer'` (a `Buffer` view, no copy: the
   * default wherever the driver provides Buffer, as every bundled driver does),
   * `'uint8array'` or `'arraybuffer'` (a copy).
   */
  binaryType: 'nodebuffer' | 'uint8array' | 'arraybuffer'
  /**
   * Sends a message: a string as text, bytes as binary. `compress` deflates it when the client
   * agreed to permessage-deflate. Returns the bytes written, -1 when they are queued behind
   * backpressure (wait for `drain`), or 0 when dropped (closed, or over `backpressureLimit`).
   */
  send(data: WebSocketSendData, compress?: boolean): number
  sendText(data: string, compress?: boolean): number
  sendBinary(data: ArrayBufferView | ArrayBuffer, compress?: boolean): number
  /** Starts the closing handshake (default 1000). */
  close(code?: number, reason?: string): void
  /** Closes the TCP connection at once, without a closing handshake. */
  terminate(): void
  ping(data?: WebSocketSendData): number
  pong(data?: WebSocketSendData): number
  /** Sends to every subscriber of `topic` except this socket (unless `publishToSelf`). */
  publish(topic: string, data: WebSocketSendData, compress?: boolean): number
  publishText(topic: string, data: string, compress?: boolean): number
  publishBinary(topic: string, data: ArrayBufferView | ArrayBuffer, compress?: boolean): number
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  isSubscribed(topic: string): boolean
  /** The topics this socket is subscribed to. */
  readonly subscriptions: string[]
  /** Runs `callback`, sending what it sends in one write. */
  cork<T>(callback: (ws: ServerWebSocket<Data>) => T): T
  /** Bytes written and not yet taken by the peer. */
  getBufferedAmount(): number
}

/** permessage-deflate (RFC 7692): off by default. */
export type PerMessageDeflateOption =
  | boolean
  | {
    /** Compress outgoing messages sent with `compress: true`. Default true when enabled. */
    compress?: boolean
    /** Accept compressed messages. Default true when enabled. */
    decompress?: boolean
  }

/** `websocket` in `ServeOptions`: `WebSocketHandler`. */
export interface WebSocketHandler<Data = unknown> {
  open?(ws: ServerWebSocket<Data>): void | Promise<void>
  message(ws: ServerWebSocket<Data>, message: WebSocketMessageData): void | Promise<void>
  /** After the close handshake, or 1006 when the connection ended without one. */
  close?(ws: ServerWebSocket<Data>, code: number, reason: string): void | Promise<void>
  /** The socket took all queued bytes after a send returned -1. */
  drain?(ws: ServerWebSocket<Data>): void | Promise<void>
  ping?(ws: ServerWebSocket<Data>, data: Uint8Array): void | Promise<void>
  pong?(ws: ServerWebSocket<Data>, data: Uint8Array): void | Promise<void>
  /** Largest message accepted, bytes; a larger one closes with 1009. Default 16 MiB. */
  maxPayloadLength?: number
  /** Seconds without a received frame before the socket is pinged, then closed. Default 120; 0 disables. */
  idleTimeout?: number
  /** Bytes queued per socket beyond which sends are dropped (return 0). Default 16 MiB. */
  backpressureLimit?: number
  /** Close the socket (1008) instead of dropping when `backpressureLimit` is passed. Default false. */
  closeOnBackpressureLimit?: boolean
  /** Ping an idle socket once before closing it for `idleTimeout`. Default true. */
  sendPings?: boolean
  /** Negotiate permessage-deflate. Default false. */
  perMessageDeflate?: PerMessageDeflateOption
  /** `ws.publish()` also sends to the publishing socket. Default false. */
  publishToSelf?: boolean
}

/** The second argument of `info.upgrade()` (`server.upgrade(request, options)`). */
export interface UpgradeOptions<Data = unknown> {
  /** Attached to the socket as `ws.data`. */
  data?: Data
  /** Extra headers for the 101 (`Set-Cookie`, `Sec-WebSocket-Protocol` to pick a subprotocol). */
  headers?: HeadersInit
  /**
   * Handlers for this socket alone, instead of the server's `websocket` (how
   * `upgradeWebSocket()` gives each socket its own events). Limits come from it too.
   */
  handler?: WebSocketHandler<Data>
}
