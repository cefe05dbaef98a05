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
export { Connection, type ConnectionOptions } from './connection.ts'
export * from './events.ts'
export * from './errors.ts'
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.ts'
export { getHeader } from './headers.ts'
export { httpDate } from './date.ts'
export { STATUS_TEXT } from './status.ts'
export type { ClientState, ServerState } from './state.ts'
export { parseProxyHeader, type ProxyInfo } from './proxy-protocol.ts'
export { resolveForwarded, type ForwardedHeaders } from './forwarded.ts'
export { compileTrustedProxies, isTrustedProxy, type TrustedProxies } from './ip-address.ts'
