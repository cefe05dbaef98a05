/**
 * Shape of a byte vector: one request stream fed to `Connection` and the events or
 * error it must produce. Vectors are data; `tests/helpers/feed.ts` runs them.
 * @module
 */
import type { ErrorCode } from '../../core/http1/errors.ts'
import type { Limits } from '../../core/http1/limits.ts'

/** An expected event. Only the listed fields are compared (partial match). */
export type ExpectedEvent =
  | {
    type: 'request'
    method?: string
    target?: string
    version?: '1.0' | '1.1'
    /** Compared whole: `[name, value, …]`. */
    headers?: string[]
    expectContinue?: boolean
    upgrade?: boolean
    keepAlive?: boolean
    contentLength?: number | null
  }
  /** Adjacent data events are merged before comparison; `text` is latin1. */
  | { type: 'data'; text: string }
  | { type: 'end'; trailers?: string[] }
  | { type: 'closed' }

/** One byte vector. */
export interface Vector {
  name: string
  /** The RFC 9110/9112 section or the attack this vector covers. */
  why: string
  /** Bytes as a latin1 string: write `\r\n` explicitly. */
  input: string
  /**
   * The events, in order and complete. With `error`, the events seen before it
   * (omit to leave them unchecked).
   */
  events?: ExpectedEvent[]
  /** `next()` must throw a `RemoteProtocolError` with this code. */
  error?: ErrorCode
  /** Expected `statusHint`; defaults to `defaultStatus(error)`. */
  status?: number
  limits?: Partial<Limits>
  /** Send EOF (an empty chunk) after the input. */
  eof?: boolean
  /**
   * Which events precede the error may depend on how the input was split (e.g. a body
   * limit hit mid-chunk); runs are then compared on the error only.
   */
  anyEventsBeforeError?: boolean
}

/** The status hint each error code implies unless the vector says otherwise. */
export function defaultStatus(code: ErrorCode): number {
  switch (code) {
    case 'uri-too-long': return 414
    case 'headers-too-large':
    case 'too-many-headers': return 431
    case 'body-too-large': return 413
    case 'unsupported-transfer-encoding': return 501
    case 'unsupported-version': return 505
    default: return 400
  }
}
