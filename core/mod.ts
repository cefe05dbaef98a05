/**
 * Portico's sans-I/O HTTP/1.1 engine: bytes in, events out; response events in, bytes out.
 *
 * ```ts
 * const conn = new Connection({ clock: Date.now })
 * conn.receive(bytes)
 * for (let ev = conn.next(); ev !== NEED_DATA && ev !== PAUSED; ev = conn.next()) handle(ev)
 * const out = conn.send({ type: 'response', status: 200, headers: [], contentLength: 0 })
 * ```
 * @module
 */
export { Connection, type ConnectionOptions } from './http1/connection.ts'
export * from './http1/events.ts'
export * from './http1/errors.ts'
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './http1/limits.ts'
export { getHeader } from './http1/fields.ts'
export { httpDate } from './http1/date.ts'
export { STATUS_TEXT } from './http1/status.ts'
export type { ClientState, ServerState } from './http1/state.ts'
export { parseProxyHeader, type ProxyInfo } from './proxy/proxy-protocol.ts'
export { resolveForwarded, type ForwardedHeaders } from './proxy/forwarded.ts'
export { compileTrustedProxies, isTrustedProxy, type TrustedProxies } from './proxy/ip-address.ts'
