/**
 * SETTINGS (RFC 9113 §6.5): the ones we advertise, and the peer's, read and validated.
 * Knows nothing of streams: a change of the peer's INITIAL_WINDOW_SIZE is reported to
 * `connection.ts`, which adjusts every open stream's send window (§6.9.2).
 * @module
 */
import { ConnectionError } from './errors.ts'
import { DEFAULT_WINDOW_SIZE, ErrorCode, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE, MIN_MAX_FRAME_SIZE } from './frame-types.ts'
import { readUint32 } from './frame-parser.ts'

/** RFC 9113 §6.5.2 (and RFC 8441 §3 for ENABLE_CONNECT_PROTOCOL): setting identifiers. */
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
} as const

/** What we advertise: the parts of `Http2Limits` that are settings. */
export interface LocalSettings {
  headerTableSize: number
  maxConcurrentStreams: number
  initialWindowSize: number
  maxFrameSize: number
  maxHeaderListSize: number
}

/**
 * Our SETTINGS as `[id, value, …]`: ENABLE_PUSH 0 (a server never receives pushes, but says
 * so), and only the values that differ from the protocol's initial ones, plus the ones that
 * have no initial limit (MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE).
 */
export function localSettingsPairs(s: LocalSettings): number[] {
  const pairs: number[] = []
  if (s.headerTableSize !== 4096) pairs.push(SettingId.HEADER_TABLE_SIZE, s.headerTableSize)
  pairs.push(SettingId.MAX_CONCURRENT_STREAMS, s.maxConcurrentStreams)
  if (s.initialWindowSize !== DEFAULT_WINDOW_SIZE) pairs.push(SettingId.INITIAL_WINDOW_SIZE, s.initialWindowSize)
  if (s.maxFrameSize !== MIN_MAX_FRAME_SIZE) pairs.push(SettingId.MAX_FRAME_SIZE, s.maxFrameSize)
  pairs.push(SettingId.MAX_HEADER_LIST_SIZE, s.maxHeaderListSize)
  return pairs
}

/** The peer's settings, starting at the protocol's initial values (§6.5.2). */
export class PeerSettings {
  headerTableSize = 4096
  enablePush = 1
  maxConcurrentStreams: number = Infinity
  initialWindowSize: number = DEFAULT_WINDOW_SIZE
  maxFrameSize: number = MIN_MAX_FRAME_SIZE
  maxHeaderListSize: number = Infinity

  /**
   * Applies one SETTINGS payload (already checked to be a multiple of 6), in order, as §6.5.3
   * requires. Unknown identifiers are ignored (§6.5.2). Throws `ConnectionError` on an invalid
   * value. Returns what changed that the connection must act on.
   */
  apply(payload: Uint8Array): { windowDelta: number; headerTableSize: number | null } {
    const startWindow = this.initialWindowSize
    let headerTableSize: number | null = null
    for (let at = 0; at < payload.length; at += 6) {
      const id = (payload[at]! << 8) | payload[at + 1]!
      const value = readUint32(payload, at + 2)
      switch (id) {
        case SettingId.HEADER_TABLE_SIZE:
          this.headerTableSize = value
          headerTableSize = value
          break
        case SettingId.ENABLE_PUSH:
          if (value > 1) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH ${value} is not 0 or 1`)
          this.enablePush = value
          break
        case SettingId.MAX_CONCURRENT_STREAMS:
          this.maxConcurrentStreams = value
          break
        case SettingId.INITIAL_WINDOW_SIZE:
          if (value > MAX_WINDOW_SIZE) {
            throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value} above 2^31-1`)
          }
          this.initialWindowSize = value
          break
        case SettingId.MAX_FRAME_SIZE:
          if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
            throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value} outside 16384..16777215`)
          }
          this.maxFrameSize = value
          break
        case SettingId.MAX_HEADER_LIST_SIZE:
          this.maxHeaderListSize = value
          break
        // ENABLE_CONNECT_PROTOCOL from a client has no meaning (RFC 8441 §3); other ids are extensions.
      }
    }
    return { windowDelta: this.initialWindowSize - startWindow, headerTableSize }
  }
}
