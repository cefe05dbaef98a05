/**
 * `upgradeWebSocket(request, options)`: the upgrade API that hands the app a standard
 * WebSocket object, so that an app written for it ports by changing one import. It rides on
 * the handler-based upgrade
 * (`info.upgrade(request, { handler })`): the per-socket handler below turns the session's
 * calls into the events of a browser `WebSocket` (`open`, `message`, `error`, `close`).
 *
 * Invariants:
 * - readyState walks CONNECTING → OPEN → CLOSING → CLOSED; `open` fires once the 101 is
 *   on its way, `close` exactly once (with `error` before it when the connection ended
 *   without a closing handshake, code 1006).
 * - Every event is dispatched from inside a session handler call, so a listener that throws
 *   or rejects is reported the way a `websocket` handler's error is (logged, close 1011)
 *   instead of reaching the runtime's uncaught-error path (which ends the process on some
 *   runtimes).
 * - `send` keeps the order of calls, also when a Blob is waiting to be read.
 * @module
 */
import type { ServeInfo } from './app.ts'
import { requestInfo } from './light-request.ts'
import { CloseEventClass, dispatchEvents, getEventHandler, ReportingEventTarget, setEventHandler, type EventHandler } from './reporting-event-target.ts'
import type { ServerWebSocket, WebSocketHandler } from './websocket-api.ts'

/** The second argument of `upgradeWebSocket()` (`UpgradeWebSocketOptions`). */
export interface UpgradeWebSocketOptions {
  /**
   * The subprotocol to confirm in the 101. It must be one the client offered in
   * `Sec-WebSocket-Protocol`, or `upgradeWebSocket` throws a TypeError.
   */
  protocol?: string
  /**
   * Seconds without a frame from the client before it is pinged; if it stays silent as long
   * again, the connection is closed. Default 120; 0 disables.
   */
  idleTimeout?: number
}

/** What `upgradeWebSocket()` returns (`WebSocketUpgrade`). */
export interface WebSocketUpgrade {
  /** The server's end of the connection, as a browser `WebSocket`. */
  socket: WebSocket
  /**
   * Return it from the handler. Portico sends the 101 itself once the handler
   * returns, whatever it returns; this Response only reads as one (status 101).
   */
  response: Response
}

const CONNECTING = 0
const OPEN = 1
const CLOSING = 2
const CLOSED = 3
/** Most bytes of a close reason (RFC 6455 §5.5: 125 minus the status code). */
const MAX_REASON_BYTES = 123
const encoder = new TextEncoder()

type ReadyState = 0 | 1 | 2 | 3
type Handler<E extends Event> = ((this: WebSocket, event: E) => unknown) | null

/**
 * May the server send `code` in a Close frame (RFC 6455 §7.4)? The browser lets a page send
 * only 1000 and 3000–4999; a server also needs 1001 (going away), 1008, 1011 and the rest
 * of the registered codes, as server sockets of this API allow.
 */
function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false
  if (code >= 1000 && code <= 1014) return code !== 1004 && code !== 1005 && code !== 1006
  return code >= 3000 && code <= 4999
}

/** Whether the list header `name` holds `token` (case-insensitive). */
function hasToken(headers: Headers, name: string, token: string): boolean {
  const value = headers.get(name)
  return value !== null && value.split(',').some((element) => element.trim().toLowerCase() === token)
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob === 'function' && data instanceof Blob
}

/** The request's URL with the WebSocket scheme. */
function socketUrl(url: string): string {
  return url.startsWith('https:') ? `wss:${url.slice(6)}` : url.startsWith('http:') ? `ws:${url.slice(5)}` : url
}

/** The per-socket handler the session calls (see the module comment); set in the class's static block. */
let socketHandler: (socket: UpgradedWebSocket, idleTimeout: number | undefined) => WebSocketHandler<unknown>
/** The request went away before the 101 was sent: the socket never opens. */
let abortBeforeOpen: (socket: UpgradedWebSocket) => void

/**
 * The server's end of an upgraded connection as a browser `WebSocket`. Built only by
 * `upgradeWebSocket()`.
 */
class UpgradedWebSocket extends ReportingEventTarget {
  static readonly CONNECTING = CONNECTING
  static readonly OPEN = OPEN
  static readonly CLOSING = CLOSING
  static readonly CLOSED = CLOSED
  declare readonly CONNECTING: 0
  declare readonly OPEN: 1
  declare readonly CLOSING: 2
  declare readonly CLOSED: 3

  readonly #url: string
  #ws: ServerWebSocket<unknown> | null = null
  #state: ReadyState = CONNECTING
  /** close() before the 101: its arguments, applied once the session starts. */
  #closeBeforeOpen: { code: number | undefined; reason: string } | null = null
  #binaryType: BinaryType = 'arraybuffer'
  /** Sends waiting behind a Blob being read, and their bytes (for bufferedAmount). */
  #chain: Promise<void> | null = null
  #chained = 0
  #queuedBytes = 0
  constructor(url: string) {
    super()
    this.#url = url
  }

  get url(): string {
    return this.#url
  }

  get readyState(): ReadyState {
    return this.#ws === null || this.#state === CLOSED ? this.#state : this.#ws.readyState
  }

  /** The subprotocol agreed in the 101; '' before `open`. */
  get protocol(): string {
    return this.#ws?.protocol ?? ''
  }

  /** Always '' here: `upgradeWebSocket` does not negotiate permessage-deflate (nor does the API it follows). */
  get extensions(): string {
    return this.#ws?.extensions ?? ''
  }

  /** Bytes sent and not yet taken by the peer, plus Blobs waiting to be read. */
  get bufferedAmount(): number {
    return (this.#ws?.getBufferedAmount() ?? 0) + this.#queuedBytes
  }

  /** How binary messages arrive: `'arraybuffer'` (the default) or `'blob'`. */
  get binaryType(): BinaryType {
    return this.#binaryType
  }

  set binaryType(type: BinaryType) {
    // WebIDL enum attribute: an unknown value is ignored.
    if (type === 'arraybuffer' || type === 'blob') this.#binaryType = type
  }

  get onopen(): Handler<Event> {
    return getEventHandler(this, 'open') as Handler<Event>
  }

  set onopen(handler: Handler<Event>) {
    setEventHandler(this, 'open', handler as EventHandler)
  }

  get onmessage(): Handler<MessageEvent> {
    return getEventHandler(this, 'message') as Handler<MessageEvent>
  }

  set onmessage(handler: Handler<MessageEvent>) {
    setEventHandler(this, 'message', handler as EventHandler)
  }

  get onclose(): Handler<CloseEvent> {
    return getEventHandler(this, 'close') as Handler<CloseEvent>
  }

  set onclose(handler: Handler<CloseEvent>) {
    setEventHandler(this, 'close', handler as EventHandler)
  }

  get onerror(): Handler<Event> {
    return getEventHandler(this, 'error') as Handler<Event>
  }

  set onerror(handler: Handler<Event>) {
    setEventHandler(this, 'error', handler as EventHandler)
  }

  /**
   * Sends a message: a string as text; an ArrayBuffer, a view or a Blob as binary. Throws
   * InvalidStateError before `open`; after `close()` the data is discarded, as in browsers.
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.#state === CONNECTING && this.#ws === null) {
      throw new DOMException("'readyState' not OPEN", 'InvalidStateError')
    }
    if (isBlob(data)) {
      const size = data.size
      this.#queuedBytes += size
      this.#enqueue(() => data.arrayBuffer().then((bytes) => {
        this.#queuedBytes -= size
        this.#sendNow(bytes)
      }))
      return
    }
    if (this.#chain !== null) return this.#enqueue(() => this.#sendNow(data))
    this.#sendNow(data)
  }

  /**
   * Starts the closing handshake. Throws InvalidAccessError for a code a server may not
   * send, SyntaxError for a reason over 123 bytes of UTF-8 (the browser's checks).
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined) {
      code = Number(code)
      if (!isSendableCloseCode(code)) {
        throw new DOMException(`The close code must be 1000-1003, 1007-1014 or 3000-4999 (got ${code})`, 'InvalidAccessError')
      }
    }
    reason = reason === undefined ? '' : String(reason)
    if (encoder.encode(reason).length > MAX_REASON_BYTES) {
      throw new DOMException(`The close reason may not be longer than ${MAX_REASON_BYTES} bytes`, 'SyntaxError')
    }
    const state = this.readyState
    if (state === CLOSING || state === CLOSED) return
    // RFC 6455 §7.1.6 / WHATWG: a reason without a code goes with 1000.
    if (code === undefined && reason !== '') code = 1000
    if (this.#ws === null) {
      this.#state = CLOSING
      this.#closeBeforeOpen = { code, reason }
      return
    }
    this.#ws.close(code, reason)
  }

  static {
    socketHandler = (socket, idleTimeout) => ({
      open: (ws) => {
        socket.#ws = ws
        ws.binaryType = 'arraybuffer'
        const early = socket.#closeBeforeOpen
        if (early !== null) return ws.close(early.code, early.reason)
        socket.#state = OPEN
        return dispatchEvents(socket, [new Event('open')])
      },
      message: (_ws, data) => {
        const message = typeof data === 'string' || socket.#binaryType === 'arraybuffer' ? data : new Blob([data as unknown as ArrayBuffer])
        return dispatchEvents(socket, [new MessageEvent('message', { data: message })])
      },
      close: (_ws, code, reason) => socket.#closed(code, reason),
      idleTimeout: idleTimeout ?? 120,
      // A browser closes a socket whose send buffer is full rather than drop data (WHATWG send()).
      closeOnBackpressureLimit: true,
    })
    abortBeforeOpen = (socket) => {
      if (socket.#ws !== null || socket.#state === CLOSED) return
      try {
        void socket.#closed(1006, '')?.catch(() => {})
      } catch {
        // No session, so no log to report a listener's error to; it must not escape into
        // the AbortSignal's dispatch (an uncaught error on some runtimes).
      }
    }
  }

  /** `error` (for 1006: no closing handshake), then `close`. */
  #closed(code: number, reason: string): void | Promise<void> {
    this.#state = CLOSED
    const wasClean = code !== 1006
    const close = new CloseEventClass('close', { code, reason, wasClean })
    return dispatchEvents(this, wasClean ? [close] : [new Event('error'), close])
  }

  #sendNow(data: string | ArrayBufferLike | ArrayBufferView): void {
    const ws = this.#ws
    if (ws === null) return // closed before it opened
    if (typeof data === 'string') ws.sendText(data)
    else if (ArrayBuffer.isView(data)) ws.sendBinary(data)
    else if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object SharedArrayBuffer]') {
      ws.sendBinary(new Uint8Array(data))
    } else ws.sendText(String(data)) // WebIDL: anything else is converted to a string
  }

  #enqueue(step: () => void | Promise<void>): void {
    this.#chained++
    this.#chain = (this.#chain ?? Promise.resolve()).then(step).catch(() => {
      // A Blob that cannot be read fails the connection, as in browsers.
      this.#ws?.close(1011, 'blob read failed')
    }).finally(() => {
      if (--this.#chained === 0) this.#chain = null
    })
  }

}

for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSING', CLOSING], ['CLOSED', CLOSED]] as const) {
  Object.defineProperty(UpgradedWebSocket.prototype, name, { value, enumerable: true })
}

/**
 * Upgrades a request to a WebSocket, as the API it follows does: returns the socket (a
 * browser `WebSocket`: `onopen`/`onmessage`/`onclose`/`onerror`, `send`, `close`, …) and a
 * response to return from the handler. Throws a TypeError when the request is not a
 * WebSocket handshake, asks for a subprotocol the client did not offer, or did not come
 * from a Portico server (it must be the Request object the handler received).
 *
 * ```ts
 * import { upgradeWebSocket } from 'portico'
 *
 * export default {
 *   fetch(request: Request): Response {
 *     if (request.headers.get('upgrade') !== 'websocket') return new Response('Hello')
 *     const { socket, response } = upgradeWebSocket(request)
 *     socket.onmessage = (event) => socket.send(event.data)
 *     return response
 *   },
 * }
 * ```
 */
export function upgradeWebSocket(request: Request, options: UpgradeWebSocketOptions = {}): WebSocketUpgrade {
  const headers = request.headers
  // The checks and messages of the API it follows, in its order.
  if (!hasToken(headers, 'upgrade', 'websocket')) throw new TypeError("Invalid Header: 'upgrade' header must contain 'websocket'")
  if (!hasToken(headers, 'connection', 'upgrade')) throw new TypeError("Invalid Header: 'connection' header must contain 'Upgrade'")
  if (headers.get('sec-websocket-key') === null) throw new TypeError("Invalid Header: 'sec-websocket-key' header must be set")
  const protocol = options.protocol
  if (protocol !== undefined && protocol !== '') {
    const offered = (headers.get('sec-websocket-protocol') ?? '').split(',').map((element) => element.trim())
    if (!offered.includes(protocol)) throw new TypeError(`Protocol '${protocol}' not in the request's protocol list (non negotiable)`)
  }
  const info = requestInfo(request) as ServeInfo | undefined
  if (info === undefined) {
    throw new TypeError('upgradeWebSocket() needs the Request a Portico server handed to the handler (not a copy of it)')
  }
  const socket = new UpgradedWebSocket(socketUrl(request.url))
  const responseHeaders = new Headers({ upgrade: 'websocket', connection: 'Upgrade' })
  if (protocol !== undefined && protocol !== '') responseHeaders.set('sec-websocket-protocol', protocol)
  const upgraded = info.upgrade(request, {
    headers: protocol !== undefined && protocol !== '' ? { 'sec-websocket-protocol': protocol } : undefined,
    handler: socketHandler(socket, options.idleTimeout),
  })
  if (!upgraded) {
    const version = headers.get('sec-websocket-version')
    throw new TypeError(
      request.method !== 'GET'
        ? `Invalid WebSocket upgrade: the method must be GET, not ${request.method}`
        : version !== '13'
        ? `Invalid Header: 'sec-websocket-version' must be 13${version === null ? '' : `, not ${version}`}`
        : 'Invalid WebSocket upgrade: a body, an invalid Sec-WebSocket-Key, or the request was already upgraded',
    )
  }
  // The socket never opens if the client leaves before the 101 goes out.
  request.signal.addEventListener('abort', () => abortBeforeOpen(socket), { once: true })
  // The Fetch standard cannot construct a 101; this one reads as one, and is never sent.
  const response = new Response(null, { headers: responseHeaders })
  Object.defineProperties(response, {
    status: { value: 101 },
    statusText: { value: 'Switching Protocols' },
    ok: { value: false },
  })
  return { socket: socket as unknown as WebSocket, response }
}
