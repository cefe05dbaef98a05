/**
 * HTTP/2 (RFC 9113) for servers, sans-I/O: `Http2Connection` takes the client's bytes and
 * returns events, takes responses and queues frames. HPACK (RFC 7541) is in `./hpack/`.
 *
 * ```ts
 * const conn = new Http2Connection({ limits: { maxConcurrentStreams: 100 } })
 * conn.initiate()                                   // our SETTINGS
 * for (const ev of conn.receive(chunk)) {
 *   if (ev.type === 'request') conn.respond(ev.streamId, 200, ['content-type', 'text/plain'], false)
 * }
 * socket.writev(conn.takeOutput())
 * ```
 * @module
 */
export { Http2Connection, type Http2ConnectionOptions } from './connection.ts'
export { Http2LocalError } from './errors.ts'
export type { Http2Event, Http2RequestEvent } from './events.ts'
export { CONNECTION_PREFACE, ErrorCode } from './frame-types.ts'
export { DEFAULT_HTTP2_LIMITS, resolveHttp2Limits, type Http2Limits } from './limits.ts'
