/**
 * Every limit the HTTP/2 engine enforces, in one object with safe defaults: the values we
 * advertise in SETTINGS, and the flood budgets. The engine has no clock, so floods are
 * measured in frames and bytes: a budget is spent by frames that cost us work without
 * carrying a request forward, and earned back by frames that do.
 * @module
 */
import { DEFAULT_WINDOW_SIZE, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE, MIN_MAX_FRAME_SIZE } from './frame-types.ts'

/** HTTP/2 limits. Each flood budget has a test that hits exactly N and N+1. */
export interface Http2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise. More open streams → RST_STREAM(REFUSED_STREAM). Default 100. */
  maxConcurrentStreams: number
  /** SETTINGS_INITIAL_WINDOW_SIZE: our per-stream receive window, in bytes. Default 1 MiB. */
  initialWindowSize: number
  /**
   * Our connection receive window (the initial 65,535 is raised by a WINDOW_UPDATE on stream 0
   * at start): the most request body bytes buffered per connection. At least 65,535. Default 4 MiB.
   */
  connectionWindowSize: number
  /** SETTINGS_MAX_FRAME_SIZE we accept. Larger frames → FRAME_SIZE_ERROR. Default 16,384. */
  maxFrameSize: number
  /**
   * SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2: names + values + 32 per field). A larger
   * decoded request head is answered 431 by the engine; larger trailers reset the stream with
   * ENHANCE_YOUR_CALM. Also caps a field block's raw bytes across CONTINUATIONs (exceeding →
   * GOAWAY ENHANCE_YOUR_CALM: a block cannot be skipped without decoding it). Default 65,536.
   */
  maxHeaderListSize: number
  /** SETTINGS_HEADER_TABLE_SIZE: the HPACK decoder's dynamic table. Default 4096. */
  headerTableSize: number
  /**
   * CONTINUATION frames in one field block (the 2024 CONTINUATION flood: endless or tiny
   * frames). Exceeding → GOAWAY ENHANCE_YOUR_CALM. Default 32.
   */
  maxContinuationFrames: number
  /**
   * Budget of frames that make us work without moving a request forward (CVE-2019-9512 PING,
   * CVE-2019-9515 SETTINGS, CVE-2019-9513 PRIORITY, CVE-2019-9518 empty frames, WINDOW_UPDATE
   * dribbles, unknown frame types, RST_STREAM on answered streams): each spends one token; each
   * request head, non-empty DATA frame received, and DATA frame of at least 1 KiB (or ending a
   * stream) sent earns one back, up to this many. Running out → GOAWAY ENHANCE_YOUR_CALM. Default 1000.
   */
  maxControlFrames: number
  /**
   * Rapid Reset (CVE-2023-44487): budget of streams that end before we answered them: each
   * peer RST_STREAM on a stream whose response head was not yet sent, and each stream we refuse
   * (REFUSED_STREAM), spends one token; each response head sent earns one back, up to this many.
   * Running out → GOAWAY ENHANCE_YOUR_CALM. Default 200.
   */
  maxUnansweredResets: number
  /**
   * Bytes of replies the peer made us queue (SETTINGS ACK, PING ACK, RST_STREAM) not yet taken
   * by `takeOutput()`: a peer that sends control frames but does not read. Exceeding → GOAWAY
   * ENHANCE_YOUR_CALM. Default 64 KiB.
   */
  maxQueuedControlBytes: number
}

/** The defaults. */
export const DEFAULT_HTTP2_LIMITS: Readonly<Http2Limits> = Object.freeze({
  maxConcurrentStreams: 100,
  initialWindowSize: 1024 * 1024,
  connectionWindowSize: 4 * 1024 * 1024,
  maxFrameSize: MIN_MAX_FRAME_SIZE,
  maxHeaderListSize: 65536,
  headerTableSize: 4096,
  maxContinuationFrames: 32,
  maxControlFrames: 1000,
  maxUnansweredResets: 200,
  maxQueuedControlBytes: 64 * 1024,
})

const resolved = new WeakSet<object>([DEFAULT_HTTP2_LIMITS])

/** Fills unset fields from `DEFAULT_HTTP2_LIMITS`; throws RangeError for values HTTP/2 cannot carry. */
export function resolveHttp2Limits(limits?: Partial<Http2Limits>): Http2Limits {
  if (limits === undefined) return DEFAULT_HTTP2_LIMITS
  if (resolved.has(limits)) return limits as Http2Limits
  const full = Object.freeze({ ...DEFAULT_HTTP2_LIMITS, ...limits })
  const check = (name: keyof Http2Limits, min: number, max: number): void => {
    const v = full[name]
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`http2 limit ${name} must be an integer in ${min}..${max}, got ${v}`)
  }
  check('maxConcurrentStreams', 0, 2 ** 32 - 1)
  check('initialWindowSize', 0, MAX_WINDOW_SIZE)
  check('connectionWindowSize', DEFAULT_WINDOW_SIZE, MAX_WINDOW_SIZE)
  check('maxFrameSize', MIN_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE)
  check('maxHeaderListSize', 0, 2 ** 32 - 1)
  check('headerTableSize', 0, 2 ** 32 - 1)
  check('maxContinuationFrames', 0, Number.MAX_SAFE_INTEGER)
  check('maxControlFrames', 1, Number.MAX_SAFE_INTEGER)
  check('maxUnansweredResets', 1, Number.MAX_SAFE_INTEGER)
  check('maxQueuedControlBytes', 64, Number.MAX_SAFE_INTEGER)
  resolved.add(full)
  return full
}
