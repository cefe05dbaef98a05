/**
 * The HTTP/2 vocabulary (RFC 9113 §6, §7, §11): frame types, flags, error codes and the
 * connection preface. Plain `as const` objects, no behaviour.
 * @module
 */

/** RFC 9113 §3.4: the client connection preface, `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`. */
export const CONNECTION_PREFACE: Uint8Array = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')

/** RFC 9113 §6: frame type codes. Other types are extensions and are ignored (§5.5). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const

/** RFC 9113 §6: flag bits. The same bit means different things per frame type. */
export const Flag = {
  /** DATA, HEADERS. */
  END_STREAM: 0x1,
  /** SETTINGS, PING. */
  ACK: 0x1,
  /** HEADERS, PUSH_PROMISE, CONTINUATION. */
  END_HEADERS: 0x4,
  /** DATA, HEADERS, PUSH_PROMISE. */
  PADDED: 0x8,
  /** HEADERS: exclusive flag, stream dependency and weight follow. */
  PRIORITY: 0x20,
} as const

/** RFC 9113 §7: error codes for RST_STREAM and GOAWAY. Unknown codes are legal (treated as INTERNAL_ERROR). */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const

/** RFC 9113 §4.1: every frame starts with 9 octets: length (24), type (8), flags (8), R + stream id (31). */
export const FRAME_HEADER_BYTES = 9

/** RFC 9113 §4.2: SETTINGS_MAX_FRAME_SIZE starts at 2^14 and may not exceed 2^24-1. */
export const MIN_MAX_FRAME_SIZE = 16384
export const MAX_MAX_FRAME_SIZE = 16777215

/** RFC 9113 §6.9.1: a flow-control window may not exceed 2^31-1. */
export const MAX_WINDOW_SIZE = 2147483647

/** RFC 9113 §6.9.2: every window starts at 65,535 until SETTINGS say otherwise. */
export const DEFAULT_WINDOW_SIZE = 65535

/** The largest stream identifier (31 bits). */
export const MAX_STREAM_ID = 2147483647
