/**
 * Frames we write (RFC 9113 §6), as byte arrays ready for a writev. DATA payloads are not
 * copied: a DATA frame is a 9-byte header array followed by the caller's own bytes.
 * @module
 */
import { Flag, FRAME_HEADER_BYTES, FrameType } from './frame-types.ts'

/** Writes a frame header at `at`. */
export function writeFrameHeader(out: Uint8Array, at: number, length: number, type: number, flags: number, streamId: number): void {
  out[at] = length >>> 16
  out[at + 1] = (length >>> 8) & 0xff
  out[at + 2] = length & 0xff
  out[at + 3] = type
  out[at + 4] = flags
  writeUint32(out, at + 5, streamId)
}

/** Writes a 32-bit big-endian value at `at`. */
export function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff
  out[at + 1] = (value >>> 16) & 0xff
  out[at + 2] = (value >>> 8) & 0xff
  out[at + 3] = value & 0xff
}

/** A frame with a small payload copied in. */
function frame(type: number, flags: number, streamId: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payloadLength)
  writeFrameHeader(out, 0, payloadLength, type, flags, streamId)
  return out
}

/** SETTINGS with `[id, value, …]` pairs. */
export function settingsFrame(pairs: readonly number[]): Uint8Array {
  const out = frame(FrameType.SETTINGS, 0, 0, (pairs.length / 2) * 6)
  for (let i = 0, at = FRAME_HEADER_BYTES; i < pairs.length; i += 2, at += 6) {
    out[at] = pairs[i]! >>> 8
    out[at + 1] = pairs[i]! & 0xff
    writeUint32(out, at + 2, pairs[i + 1]!)
  }
  return out
}

/** SETTINGS with the ACK flag (§6.5.3). */
export function settingsAckFrame(): Uint8Array {
  return frame(FrameType.SETTINGS, Flag.ACK, 0, 0)
}

/** PING with 8 opaque bytes; `ack` echoes a peer's PING (§6.7). */
export function pingFrame(opaque: Uint8Array, ack: boolean): Uint8Array {
  const out = frame(FrameType.PING, ack ? Flag.ACK : 0, 0, 8)
  out.set(opaque.subarray(0, 8), FRAME_HEADER_BYTES)
  return out
}

/** GOAWAY (§6.8), without debug data. */
export function goawayFrame(lastStreamId: number, code: number): Uint8Array {
  const out = frame(FrameType.GOAWAY, 0, 0, 8)
  writeUint32(out, FRAME_HEADER_BYTES, lastStreamId)
  writeUint32(out, FRAME_HEADER_BYTES + 4, code)
  return out
}

/** RST_STREAM (§6.4). */
export function rstStreamFrame(streamId: number, code: number): Uint8Array {
  const out = frame(FrameType.RST_STREAM, 0, streamId, 4)
  writeUint32(out, FRAME_HEADER_BYTES, code)
  return out
}

/** WINDOW_UPDATE (§6.9); `streamId` 0 for the connection. */
export function windowUpdateFrame(streamId: number, increment: number): Uint8Array {
  const out = frame(FrameType.WINDOW_UPDATE, 0, streamId, 4)
  writeUint32(out, FRAME_HEADER_BYTES, increment)
  return out
}

/** The 9-byte header of a DATA frame whose payload the caller writes after it. */
export function dataFrameHeader(streamId: number, length: number, endStream: boolean): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES)
  writeFrameHeader(out, 0, length, FrameType.DATA, endStream ? Flag.END_STREAM : 0, streamId)
  return out
}

/**
 * A field block as HEADERS plus as many CONTINUATIONs as `maxFrameSize` requires (§6.10),
 * pushed onto `out`. Returns the bytes pushed.
 */
export function pushHeaderFrames(out: Uint8Array[], streamId: number, block: Uint8Array, endStream: boolean, maxFrameSize: number): number {
  let type: number = FrameType.HEADERS
  let flags: number = endStream ? Flag.END_STREAM : 0
  let at = 0
  let bytes = 0
  do {
    const size = Math.min(maxFrameSize, block.length - at)
    const last = at + size === block.length
    const f = new Uint8Array(FRAME_HEADER_BYTES + size)
    writeFrameHeader(f, 0, size, type, flags | (last ? Flag.END_HEADERS : 0), streamId)
    f.set(block.subarray(at, at + size), FRAME_HEADER_BYTES)
    out.push(f)
    bytes += f.length
    at += size
    type = FrameType.CONTINUATION
    flags = 0
  } while (at < block.length)
  return bytes
}
