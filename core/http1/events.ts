/**
 * The vocabulary of the engine: what the parser hands out (`ServerEvent`) and what the
 * server hands in (`ResponseEvent`). Events are plain objects with a lowercase `type` tag.
 * @module
 */

import type { HeaderList } from '../http/field-list.ts'

export type { HeaderList }

/** A request head, complete and validated. Framing has already been decided from it. */
export interface RequestEvent {
  type: 'request'
  /** Case-sensitive method token, e.g. `GET`. */
  method: string
  /** The request-target exactly as sent (origin, absolute, authority or asterisk form). */
  target: string
  /** Protocol version. HTTP/1.x with x > 1 is processed as 1.1 (RFC 9112 §2.3). */
  version: '1.0' | '1.1'
  headers: HeaderList
  /** The client sent `Expect: 100-continue` and waits before sending the body. */
  expectContinue: boolean
  /** The client asks to leave HTTP/1.1 (`Upgrade` + `Connection: upgrade`, or CONNECT). */
  upgrade: boolean
  /** The connection may carry another request after this exchange. */
  keepAlive: boolean
  /** Body length in bytes: a number for Content-Length, `null` for chunked, 0 for none. */
  contentLength: number | null
}

/** A slice of request body, with transfer coding removed. Valid only until the next `receive()`. */
export interface DataEvent {
  type: 'data'
  bytes: Uint8Array
}

/** The request body is complete. `trailers` holds a chunked body's trailer fields. */
export interface EndEvent {
  type: 'end'
  trailers: HeaderList
}

/** The client closed its side cleanly between requests. */
export interface ClosedEvent {
  type: 'closed'
}

/** Everything `Connection.next()` can return besides `NEED_DATA` and `PAUSED`. */
export type ServerEvent = RequestEvent | DataEvent | EndEvent | ClosedEvent

/** `next()` needs more bytes from the peer before it can produce an event. */
export const NEED_DATA: unique symbol = Symbol('NEED_DATA')
/**
 * `next()` will not parse further until the server acts: the current response is still
 * being sent (pipelined requests wait in order), or the connection is switching protocols.
 */
export const PAUSED: unique symbol = Symbol('PAUSED')

/** A 1xx response other than 101, e.g. `100 Continue` or `103 Early Hints`. */
export interface InformationalEvent {
  type: 'informational'
  status: number
  headers?: readonly string[]
}

/** The final response head. */
export interface ResponseHeadEvent {
  type: 'response'
  status: number
  /** Reason phrase; the standard one for `status` when omitted. */
  reason?: string
  headers: readonly string[]
  /**
   * Body length when the server knows it before sending (a string or bytes body). Ignored
   * when `headers` carries its own Content-Length. Unknown → chunked (1.1) or close-delimited (1.0).
   */
  contentLength?: number
}

/** Body bytes to frame and send. */
export interface SendDataEvent {
  type: 'data'
  bytes: Uint8Array
}

/** The response body is complete; trailers are sent only with chunked framing. */
export interface SendEndEvent {
  type: 'end'
  trailers?: readonly string[]
}

/** What the server may pass to `Connection.send()`. */
export type ResponseEvent = InformationalEvent | ResponseHeadEvent | SendDataEvent | SendEndEvent
