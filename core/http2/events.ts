/**
 * What `Http2Connection.receive()` returns: nouns with a lowercase `type`, as in HTTP/1.1.
 * Byte views in events (`data.bytes`) point into the chunk given to `receive()` or into a
 * buffer of the engine's own; the engine never writes to them again.
 * @module
 */

/** A request head, validated per RFC 9113 §8 (malformed requests never surface: the engine resets them). */
export interface Http2RequestEvent {
  type: 'request'
  streamId: number
  method: string
  scheme: string
  authority: string | undefined
  path: string
  /** Regular fields: lowercase names, no pseudo-headers, `cookie` crumbs joined with '; ' (§8.2.3). */
  headers: string[]
  /** The request has no body (END_STREAM on the HEADERS). */
  endStream: boolean
  /** The content-length value, or null if absent. */
  contentLength: number | null
}

/** Everything the peer can make happen. */
export type Http2Event =
  | Http2RequestEvent
  /**
   * Request body bytes (padding removed). They count against our receive windows until the
   * server calls `consume(streamId, n)`: that keeps an unread upload bounded.
   */
  | { type: 'data'; streamId: number; bytes: Uint8Array; endStream: boolean }
  /** Trailers: the request body has ended. */
  | { type: 'trailers'; streamId: number; headers: string[] }
  /**
   * The stream is gone before it finished normally: reset by the peer (byPeer) or by the engine
   * (a stream error after the request surfaced, e.g. content-length mismatch). Abort the request.
   */
  | { type: 'stream-reset'; streamId: number; code: number; byPeer: boolean }
  /** A send window grew: streamId 0 for the connection, else that stream. Resume blocked writes. */
  | { type: 'window-update'; streamId: number }
  /** The peer sent GOAWAY. */
  | { type: 'goaway'; lastStreamId: number; code: number }
  /** Our SETTINGS were acknowledged (the server clears its SETTINGS-ACK timeout). */
  | { type: 'settings-acked' }
  /** The connection failed: a GOAWAY with `code` is queued (unless the peer spoke HTTP/1.x); flush it, then close. */
  | { type: 'connection-error'; code: number; message: string }
