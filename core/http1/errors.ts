/**
 * Errors with a blame side (h11): `RemoteProtocolError` when the peer broke HTTP,
 * `LocalProtocolError` when we (or the app) tried to. Each carries a stable `code` for
 * tests and logs and the status a server should answer with.
 * @module
 */

/** Stable machine-readable error codes. Tests assert on these, never on message text. */
export type ErrorCode =
  | 'invalid-request-line'
  | 'invalid-method'
  | 'invalid-target'
  | 'invalid-version'
  | 'unsupported-version'
  | 'invalid-header-name'
  | 'invalid-header-value'
  | 'whitespace-before-colon'
  | 'obsolete-line-folding'
  | 'bare-cr'
  | 'bare-lf'
  | 'uri-too-long'
  | 'headers-too-large'
  | 'too-many-headers'
  | 'missing-host'
  | 'multiple-host'
  | 'invalid-host'
  | 'invalid-content-length'
  | 'conflicting-content-length'
  | 'conflicting-framing'
  | 'invalid-transfer-encoding'
  | 'unsupported-transfer-encoding'
  | 'invalid-chunk-size'
  | 'invalid-chunk-extension'
  | 'chunk-extensions-too-large'
  | 'invalid-chunk-data'
  | 'invalid-trailer'
  | 'body-too-large'
  | 'unexpected-eof'
  | 'invalid-state'
  | 'invalid-response'
  | 'invalid-proxy-header'

/** Base class; never thrown itself. */
export abstract class ProtocolError extends Error {
  /** Stable code, e.g. `'conflicting-framing'`. */
  readonly code: ErrorCode
  /** The status a server should answer with (400, 413, 414, 431, 501, 505, 500). */
  readonly statusHint: number
  constructor(code: ErrorCode, message: string, statusHint = 400, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.statusHint = statusHint
  }
}

/** The peer sent something HTTP/1.1 forbids. Only `Connection.next()` throws it. */
export class RemoteProtocolError extends ProtocolError {
  override name = 'RemoteProtocolError'
}

/** We (or the app) tried something HTTP/1.1 forbids. `Connection.send()` throws it. */
export class LocalProtocolError extends ProtocolError {
  override name = 'LocalProtocolError'
}

/** Internal: thrown by the parsers, rethrown by `Connection` as `RemoteProtocolError`. */
export class ParseError extends Error {
  override name = 'ParseError'
  readonly code: ErrorCode
  readonly statusHint: number
  constructor(code: ErrorCode, message: string, statusHint = 400) {
    super(message)
    this.code = code
    this.statusHint = statusHint
  }
}
