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
 *
 * The contract
 * ------------
 * The engine knows nothing of Request, Response, sockets or time. The server owns every
 * timeout (SETTINGS ACK, idle, a stalled zero send window, seen as `sendWindow(id) === 0`)
 * and decides when to read, write and close.
 *
 * Events (`receive()` returns them, in order):
 * - `request`: a request head, validated per §8 (a malformed one never surfaces: the engine
 *   resets the stream with PROTOCOL_ERROR; one above `maxHeaderListSize` is answered 431 by
 *   the engine). `headers` are the regular fields (lowercase, no pseudo-headers, `cookie`
 *   crumbs joined with '; '); `contentLength` is null if absent; `endStream` means no body.
 * - `data`: request body bytes, padding removed. They count against our receive windows until
 *   the server calls `consume(streamId, n)`: an unread upload stops the client.
 * - `trailers`: the request body has ended with trailers.
 * - `stream-reset`: the stream ended abnormally after its request surfaced, reset by the
 *   peer (`byPeer`) or by the engine (e.g. a body that does not add up to content-length).
 *   Abort the request. Not emitted for the server's own `reset()`.
 * - `window-update`: a send window grew (streamId 0: the connection; else that stream, also
 *   after the peer raised SETTINGS_INITIAL_WINDOW_SIZE). Resume blocked writes.
 * - `goaway`: the peer sent GOAWAY (`lastStreamId`, `code`).
 * - `settings-acked`: our SETTINGS were acknowledged (clear the SETTINGS-ACK timeout).
 * - `connection-error`: the connection failed. A GOAWAY with `code` is queued (none if the
 *   peer spoke HTTP/1.x instead of the preface); flush the output, then close. Later calls
 *   to `receive()` return nothing and send methods do nothing.
 *
 * `Http2Connection` promises:
 * - `initiate()` queues our SETTINGS and the WINDOW_UPDATE that raises the connection
 *   window to `connectionWindowSize`; call it once, as soon as the connection is known to
 *   be h2 (a second call does nothing).
 * - `receive(bytes)` starts with the client preface, never throws for the peer's mistakes
 *   (they become stream resets or a `connection-error`), and keeps the HPACK table in step
 *   even for streams it ignores or refuses.
 * - `takeOutput()` returns the queued frames in write order (one writev) and empties the
 *   queue; `outputBytes` is what is queued (stop reading while it is large). Replies the peer
 *   provokes beyond `maxQueuedControlBytes` without the output being taken end the
 *   connection (ENHANCE_YOUR_CALM).
 * - `respond(id, status, headers, endStream)` sends the final head; `informational(id,
 *   status, headers?)` a 1xx other than 101. Names are lowercased, values trimmed, and
 *   connection-specific fields (connection, keep-alive, proxy-connection, transfer-encoding,
 *   upgrade, `te` other than "trailers") dropped. Both throw `Http2LocalError` for an invalid
 *   status or field, a second final head, or a stream that never existed or already ended.
 * - `sendData(id, bytes, endStream)` sends what both send windows allow, in frames of the
 *   peer's max frame size, and returns the bytes taken (the rest waits for `window-update`);
 *   END_STREAM only if all was taken. Throws `Http2LocalError` before the response head.
 * - `sendWindow(id)` is min(stream window, connection window), 0 for a closed stream.
 * - `endStream(id, trailers?)` ends our side with trailers if non-empty, else an empty DATA.
 * - `reset(id, code)` sends RST_STREAM; the stream's unconsumed bytes go back to the window.
 * - `consume(id, n)` re-opens the receive windows, with a WINDOW_UPDATE once half a window
 *   has been consumed (not per chunk); a no-op for a reset stream.
 * - Send methods on a stream reset by either side do nothing (`sendData` returns 0): a reset
 *   can race the app's writes and is not the app's mistake.
 * - `shutdown()`: graceful (§6.8), GOAWAY(2^31-1) and a PING now, GOAWAY(last stream id)
 *   when the PING is acknowledged. Open streams finish; newer ones are ignored.
 * - `fail(code)` queues GOAWAY(code) and ends the connection now; `ping()` sends a PING.
 * - `activeStreams` counts open and half-closed streams; `awaitingSettingsAck` is true while
 *   our SETTINGS are unacknowledged; `isDone` is true once a GOAWAY was sent or received and
 *   no stream remains, or the connection failed: the server may close.
 * - Memory is bounded by `Http2Limits`: buffered body bytes by `connectionWindowSize`, field
 *   blocks by `maxHeaderListSize` and `maxContinuationFrames`, floods by the
 *   `maxControlFrames` and `maxUnansweredResets` budgets (GOAWAY ENHANCE_YOUR_CALM).
 *
 * Header values are octets: like HTTP/1.1's field lists, values are latin1 strings (one char
 * per octet).
 * @module
 */
export { Http2Connection, type Http2ConnectionOptions } from './connection.ts'
export { Http2LocalError } from './errors.ts'
export type { Http2Event, Http2RequestEvent } from './events.ts'
export { CONNECTION_PREFACE, ErrorCode } from './frame-types.ts'
export { DEFAULT_HTTP2_LIMITS, resolveHttp2Limits, type Http2Limits } from './limits.ts'
