/**
 * `portico/hono`: Hono's WebSocket helper for Portico, with the names and behaviour of
 * `hono/bun` (`upgradeWebSocket`, `websocket`), so that an app written for Bun runs on
 * Node, Deno and Bun by changing one import. (`hono/bun` itself cannot even be imported
 * outside Bun.) Built on Hono's `defineWebSocketHelper`; Hono is an optional peer dependency.
 * https://hono.dev/docs/helpers/websocket
 *
 * ```ts
 * import { Hono } from 'hono'
 * import { upgradeWebSocket, websocket } from 'portico/hono'
 *
 * const app = new Hono()
 * app.get('/ws', upgradeWebSocket(() => ({
 *   onMessage: (event, ws) => ws.send(`echo: ${event.data}`),
 * })))
 * export default { fetch: app.fetch, websocket }
 * ```
 *
 * Runtime-free like core/: it only calls `info.upgrade()`, the second argument of `fetch`.
 * @module
 */
import type { Context } from 'hono'
import { createWSMessageEvent, defineWebSocketHelper, WSContext, type UpgradeWebSocket, type WSEvents } from 'hono/ws'
import type { ServeInfo } from '../core/fetch/app.ts'
import type { ServerWebSocket, WebSocketHandler } from '../core/fetch/websocket-api.ts'

/** What `upgradeWebSocket` attaches to each socket (hono/bun's `BunWebSocketData`). */
export interface HonoWebSocketData {
  events: WSEvents<ServerWebSocket<HonoWebSocketData>>
  url: URL
  protocol: string
}

type Socket = ServerWebSocket<HonoWebSocketData>

/** A socket as Hono's event listeners see it. */
function createWSContext(ws: Socket): WSContext<Socket> {
  return new WSContext<Socket>({
    send: (source, options) => void ws.send(source, options?.compress),
    raw: ws,
    readyState: ws.readyState,
    url: ws.data.url,
    protocol: ws.data.protocol,
    close: (code, reason) => ws.close(code, reason),
  })
}

/** Runs a listener; what it throws or rejects goes to `onError`, else to the server (1011). */
function runHandler(ws: Socket, handler: () => unknown): void | Promise<void> {
  const handleError = (error: unknown): void => {
    const onError = ws.data.events.onError
    if (onError === undefined) throw error
    const event = Object.assign(new Event('error'), { error })
    onError(event, createWSContext(ws))
  }
  try {
    const result = handler()
    if (result instanceof Promise) return result.then(() => {}, handleError)
  } catch (error) {
    handleError(error)
  }
}

/** A message's bytes as an ArrayBuffer of exactly their length (Hono's `MessageEvent.data`). */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes
  if (byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer) return buffer
  // A copy: on a Node Buffer (the default binaryType on Node) slice() is a view, not a copy.
  return new Uint8Array(bytes).buffer
}

/** Node 20 has no `CloseEvent`; Hono's listeners get one of the same shape there. */
function closeEvent(code: number, reason: string): CloseEvent {
  if (typeof CloseEvent === 'function') return new CloseEvent('close', { code, reason })
  return Object.assign(new Event('close'), { code, reason, wasClean: code !== 1006 }) as CloseEvent
}

/**
 * The WebSocket handlers for `export default { fetch: app.fetch, websocket }`, as hono/bun's:
 * they dispatch to the listeners `upgradeWebSocket` attached to each socket.
 */
export const websocket: WebSocketHandler<HonoWebSocketData> = {
  open(ws) {
    const onOpen = ws.data.events.onOpen
    if (onOpen !== undefined) return runHandler(ws, () => onOpen(new Event('open'), createWSContext(ws)))
  },
  message(ws, message) {
    const onMessage = ws.data.events.onMessage
    if (onMessage === undefined) return
    const data = typeof message === 'string' ? message : toArrayBuffer(message)
    return runHandler(ws, () => onMessage(createWSMessageEvent(data), createWSContext(ws)))
  },
  close(ws, code, reason) {
    const onClose = ws.data.events.onClose
    if (onClose !== undefined) return runHandler(ws, () => onClose(closeEvent(code, reason), createWSContext(ws)))
  },
}

/** The `info` Portico passes as `fetch`'s second argument, which Hono keeps as `c.env`. */
function serveInfo(c: Context): ServeInfo | undefined {
  const env = c.env as { server?: unknown; upgrade?: unknown } | undefined
  const info = env !== undefined && env !== null && 'server' in env ? env.server : env
  return typeof (info as ServeInfo | undefined)?.upgrade === 'function' ? info as ServeInfo : undefined
}

/**
 * Hono middleware (or helper) that upgrades the request, as hono/bun's: answers the
 * upgrade when the request is a valid WebSocket handshake, else calls the next handler.
 * The server's `websocket` handlers (the `websocket` export above) run the listeners; if the
 * app did not pass them to the server, this socket gets them on its own.
 */
export const upgradeWebSocket: UpgradeWebSocket<Socket> = defineWebSocketHelper<Socket>((c, events) => {
  const info = serveInfo(c)
  if (info === undefined) throw new TypeError('env has to include the 2nd argument of fetch.')
  const data: HonoWebSocketData = {
    events: events as HonoWebSocketData['events'],
    url: new URL(c.req.url),
    protocol: c.req.header('sec-websocket-protocol')?.split(',')[0]?.trim() ?? '',
  }
  // Bun.serve confirms the client's first subprotocol unless told otherwise; so does this.
  const headers = data.protocol === '' ? undefined : { 'sec-websocket-protocol': data.protocol }
  // The server's handlers first, so that its limits (maxPayloadLength, idleTimeout…) apply.
  if (info.upgrade(c.req.raw, { data, headers }) || info.upgrade(c.req.raw, { data, headers, handler: websocket })) {
    return new Response(null)
  }
})
