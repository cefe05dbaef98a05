/**
 * Portico's core, runtime-free: the sans-I/O HTTP/1.1 engine (bytes in, events out; response
 * events in, bytes out), the HTTP/2 and WebSocket engines under their own namespaces
 * (`http2`, `ws`), and the server loop that drives them over any `Transport`, for writing a
 * driver of your own.
 *
 * ```ts
 * const conn = new Connection({ clock: Date.now })
 * conn.receive(bytes)
 * for (let ev = conn.next(); ev !== NEED_DATA && ev !== PAUSED; ev = conn.next()) handle(ev)
 * const out = conn.send({ type: 'response', status: 200, headers: [], contentLength: 0 })
 * ```
 * @module
 */

// http1/: the engine.
export { Connection, type ConnectionOptions } from './http1/connection.ts'
export * from './http1/events.ts'
export * from './http1/errors.ts'
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './http1/limits.ts'
export { httpDate } from './http/date.ts'
export type { ClientState, ServerState } from './http1/state.ts'

// http/: field lists and status text, the same for every protocol.
export { getHeader, type HeaderList } from './http/field-list.ts'
export { STATUS_TEXT } from './http/status.ts'

// server/: the loop around the engine, for custom drivers (see examples/custom-driver.ts).
export { startServer, formatUrl, type Listen, type Listener } from './server/server.ts'
export type { Transport } from './server/transport.ts'
export type { Runtime, Timers } from './server/runtime.ts'
export type * from './server/options.ts'

// fetch/: upgradeWebSocket() returning a standard WebSocket, for any server built on startServer.
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from './fetch/upgrade-websocket.ts'

// proxy/: who the client is behind proxies (optional; used when `trustProxy` is set).
export { parseProxyHeader, type ProxyInfo } from './proxy/proxy-protocol.ts'
export { resolveForwarded, type ForwardedHeaders } from './proxy/forwarded.ts'
export { compileTrustedProxies, isTrustedProxy, type TrustedProxies } from './proxy/ip-address.ts'

// ws/: the WebSocket engine (RFC 6455 + RFC 7692), sans-I/O, under its own namespace
// (its NEED_DATA and errors are not HTTP/1.1's).
export * as ws from './ws/mod.ts'

// http2/: the HTTP/2 engine (RFC 9113 + RFC 7541 HPACK), sans-I/O, under its own namespace.
export * as http2 from './http2/mod.ts'
