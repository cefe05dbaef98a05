/**
 * Close frame rules (RFC 6455 §5.5.1, §7.4): which status codes may travel on the wire,
 * how a Close payload is read (code, then a UTF-8 reason) and built.
 *
 *   Close payload = [ status-code (2 bytes, network order) [ reason (UTF-8) ] ]
 *
 * A control frame carries at most 125 bytes (§5.5), so a reason has at most 123.
 * @module
 */
import { FrameError, LocalWebSocketError } from './errors.ts'
import { isValidUtf8 } from './utf8.ts'

/** Status codes of RFC 6455 §7.4.1 and the IANA registry (§11.7). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  /** Never on the wire: "no status code was present" (§7.1.5). */
  noStatus: 1005,
  /** Never on the wire: closed without a Close frame (§7.1.5). */
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  mandatoryExtension: 1010,
  internalError: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  badGateway: 1014,
  /** Never on the wire: TLS handshake failure (§7.4.1). */
  tlsHandshake: 1015,
} as const

/** Most reason bytes a Close frame can carry: 125 minus the status code. */
export const MAX_CLOSE_REASON_BYTES = 123

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Whether `code` may appear in a Close frame (RFC 6455 §7.4.1, §7.4.2): 1000-1003 and
 * 1007-1014 (1012-1014 registered with IANA after the RFC), 3000-3999 (registered
 * libraries) and 4000-4999 (private use). 0-999 are unused, 1004 is reserved, 1005,
 * 1006 and 1015 are for reporting only, 1016-2999 are reserved for future RFCs.
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false
  if (code >= 1000 && code <= 1014) return code !== 1004 && code !== 1005 && code !== 1006
  return code >= 3000 && code <= 4999
}

/** A received Close frame, read. */
export interface ClosePayload {
  /** 1005 when the frame had no body (§7.1.5). */
  code: number
  reason: string
}

/**
 * Reads a received Close payload. Throws `FrameError`: a 1-byte body or a code that may
 * not be on the wire → 1002; a reason that is not UTF-8 → 1007 (§5.5.1, §8.1).
 */
export function parseClosePayload(payload: Uint8Array): ClosePayload {
  if (payload.length === 0) return { code: CloseCode.noStatus, reason: '' }
  // RFC 6455 §5.5.1: if there is a body, its first two bytes are the status code.
  if (payload.length === 1) throw new FrameError('invalid-close-payload', 'Close body of 1 byte')
  const code = (payload[0]! << 8) | payload[1]!
  if (!isValidCloseCode(code)) throw new FrameError('invalid-close-code', `close code ${code} may not be sent`)
  const reason = payload.subarray(2)
  if (!isValidUtf8(reason)) throw new FrameError('invalid-utf8', 'Close reason is not UTF-8', CloseCode.invalidPayload)
  return { code, reason: decoder.decode(reason) }
}

/**
 * Builds a Close payload to send. Without `code` the body is empty (then `reason` must be
 * empty too: §5.5.1, a reason follows a code). Throws `LocalWebSocketError` for a code
 * that may not be sent or a reason longer than 123 bytes.
 */
export function closePayload(code?: number, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '') throw new LocalWebSocketError('invalid-event', 'a close reason needs a status code')
    return new Uint8Array(0)
  }
  if (!isValidCloseCode(code)) throw new LocalWebSocketError('invalid-event', `close code ${code} may not be sent`)
  // Every UTF-16 code unit takes at least one byte, so a longer string cannot fit.
  const payload = new Uint8Array(2 + 3 * Math.min(reason.length, MAX_CLOSE_REASON_BYTES + 1))
  payload[0] = code >>> 8
  payload[1] = code & 0xff
  const { read, written } = encoder.encodeInto(reason, payload.subarray(2))
  if (read < reason.length || written > MAX_CLOSE_REASON_BYTES) {
    throw new LocalWebSocketError('close-reason-too-long', `close reason over ${MAX_CLOSE_REASON_BYTES} bytes`)
  }
  return payload.subarray(0, 2 + written)
}
