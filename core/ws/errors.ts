/**
 * WebSocket errors with a blame side (h11): `RemoteWebSocketError` when the peer broke
 * RFC 6455, `LocalWebSocketError` when we (or the app) tried to. Each carries a stable
 * `code` for tests and logs and the close code (RFC 6455 §7.4.1) the connection is failed
 * with, as the HTTP/1.1 errors carry a status hint.
 * @module
 */

/** Stable machine-readable error codes. Tests assert on these, never on message text. */
export type WebSocketErrorCode =
  // Frame grammar, RFC 6455 §5.2 (close code 1002)
  | 'unmasked-frame'
  | 'reserved-bits'
  | 'reserved-opcode'
  | 'fragmented-control-frame'
  | 'control-frame-too-large'
  | 'non-minimal-length'
  | 'invalid-length'
  // Message sequencing, RFC 6455 §5.4 (1002)
  | 'unexpected-continuation'
  | 'expected-continuation'
  // Close frames, RFC 6455 §5.5.1, §7.4 (1002, or 1007 for the reason)
  | 'invalid-close-payload'
  | 'invalid-close-code'
  // Payload, RFC 6455 §8.1 (1007) and limits (1009)
  | 'invalid-utf8'
  | 'invalid-compressed-data'
  | 'message-too-big'
  // Local misuse
  | 'invalid-state'
  | 'invalid-event'
  | 'close-reason-too-long'
  | 'invalid-subprotocol'

/** Base class; never thrown itself. */
export abstract class WebSocketProtocolError extends Error {
  /** Stable code, e.g. `'reserved-opcode'`. */
  readonly code: WebSocketErrorCode
  /** The close code the connection is failed with (1002, 1007, 1009; 1011 for local errors). */
  readonly closeCode: number
  constructor(code: WebSocketErrorCode, message: string, closeCode: number, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.closeCode = closeCode
  }
}

/**
 * The peer broke RFC 6455; only `WebSocketConnection.next()` throws it. The connection is
 * now `'failed'`: write `closeFrame` (empty if we had already sent a Close) and close the
 * TCP connection (RFC 6455 §7.1.7 "Fail the WebSocket Connection").
 */
export class RemoteWebSocketError extends WebSocketProtocolError {
  override name = 'RemoteWebSocketError'
  /** The Close frame to write before closing the socket. */
  readonly closeFrame: Uint8Array
  constructor(code: WebSocketErrorCode, message: string, closeCode: number, closeFrame: Uint8Array, options?: ErrorOptions) {
    super(code, message, closeCode, options)
    this.closeFrame = closeFrame
  }
}

/** We (or the app) tried something RFC 6455 forbids, or called the engine out of turn. */
export class LocalWebSocketError extends WebSocketProtocolError {
  override name = 'LocalWebSocketError'
  constructor(code: WebSocketErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, 1011, options)
  }
}

/** Internal: thrown by the frame parser and close rules, rethrown by the connection as `RemoteWebSocketError`. */
export class FrameError extends Error {
  override name = 'FrameError'
  readonly code: WebSocketErrorCode
  readonly closeCode: number
  constructor(code: WebSocketErrorCode, message: string, closeCode = 1002) {
    super(message)
    this.code = code
    this.closeCode = closeCode
  }
}
