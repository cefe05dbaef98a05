/**
 * Errors with a blame side, as in HTTP/1.1 (`core/http1/errors.ts`), but shaped by RFC 9113
 * §5.4: a peer's mistake is either a connection error (GOAWAY, then close) or a stream error
 * (RST_STREAM, the connection lives on). Both are internal: `Http2Connection.receive()`
 * turns them into frames and events and never lets them escape. `Http2LocalError` is the
 * one the caller sees: the server or its app asked for something HTTP/2 forbids.
 * @module
 */
import { ErrorCode } from './frame-types.ts'

/** The server or app asked for something invalid (bad status, bad field, unknown stream). */
export class Http2LocalError extends Error {
  override name = 'Http2LocalError'
}

/** Internal: the peer broke the connection (RFC 9113 §5.4.1). Answered with GOAWAY(code). */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
  readonly code: number
  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}

/** Internal: the peer broke one stream (RFC 9113 §5.4.2). Answered with RST_STREAM(code). */
export class StreamError extends Error {
  override name = 'StreamError'
  readonly streamId: number
  readonly code: number
  constructor(streamId: number, code: number, message: string) {
    super(message)
    this.streamId = streamId
    this.code = code
  }
}

/** A connection error of type PROTOCOL_ERROR, the most common one. */
export function protocolError(message: string): ConnectionError {
  return new ConnectionError(ErrorCode.PROTOCOL_ERROR, message)
}
