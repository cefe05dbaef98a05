/**
 * Server-to-client frames (RFC 6455 §5.2): never masked (§5.1: "A server MUST NOT mask
 * any frames that it sends to the client"), lengths in the minimal encoding.
 * @module
 */
import { isControlOpcode, Opcode, type OpcodeValue } from './opcode.ts'

/** Frame flags besides the opcode. */
export interface FrameFlags {
  /** Last frame of the message. Default true. */
  fin?: boolean
  /** RSV1: the message is compressed (RFC 7692 §6); only on a message's first frame. */
  rsv1?: boolean
}

/** Header length for a payload of `length` bytes: 2, 4 or 10. */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10
}

/** Writes a header at `at` in `out`; returns the header length. */
function writeHeader(out: Uint8Array, at: number, opcode: number, length: number, fin: boolean, rsv1: boolean): number {
  out[at] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode
  if (length < 126) {
    out[at + 1] = length
    return 2
  }
  if (length < 0x10000) {
    out[at + 1] = 126
    out[at + 2] = length >>> 8
    out[at + 3] = length & 0xff
    return 4
  }
  out[at + 1] = 127
  const high = Math.floor(length / 0x100000000)
  const view = new DataView(out.buffer, out.byteOffset + at + 2, 8)
  view.setUint32(0, high)
  view.setUint32(4, length >>> 0)
  return 10
}

const encoder = new TextEncoder()

/**
 * Room that `writeTextFrame` surely has enough of for a string of `units` UTF-16 code units:
 * 3 bytes of UTF-8 per unit at most (a surrogate pair: 4 for 2) and the longest header it
 * writes. (It checks the exact room itself.)
 */
export function textFrameRoom(units: number): number {
  return 4 + 3 * units
}

/**
 * A whole text frame for `text`, encoded as UTF-8 straight into `out` at `at`: no array of
 * its own, no copy of the payload. Returns the frame's size, or 0 when it might not fit in
 * `out` (or is 64 KiB or more): build it with `encodeMessage` then. A string is valid UTF-8
 * once encoded (a lone surrogate becomes U+FFFD, as with `TextEncoder.encode`).
 */
export function writeTextFrame(out: Uint8Array, at: number, text: string): number {
  const units = text.length
  // UTF-8 takes 1 to 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2), so the payload
  // is at most `3 × units` bytes. Room is left for the header that length needs; if the
  // payload turns out shorter than 126 bytes, it moves back over the 2 bytes not needed.
  const most = 3 * units
  if (most >= 0x10000) return 0
  const reserved = most < 126 ? 2 : 4
  if (at + reserved + most > out.length) return 0
  let start = at + reserved
  let end = start
  // ASCII, the usual case, is written by this loop: for short messages it is quicker than
  // a view for `encodeInto` (a typed-array allocation) and a native call.
  let i = 0
  for (; i < units; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0x80) break
    out[end++] = unit
  }
  if (i < units) end += encoder.encodeInto(i === 0 ? text : text.slice(i), out.subarray(end, start + most)).written
  if (reserved === 4 && end - start < 126) {
    out.copyWithin(at + 2, start, end)
    start -= 2
    end -= 2
  }
  writeHeader(out, at, Opcode.text, end - start, true, false)
  return end - at
}

/** Below this size a payload is copied with a plain `set`, whatever the engine does with it. */
const SLOW_SET_MIN = 1024

/**
 * `out.set(payload, at)` into a new `out` whose bytes from `at` are free. JavaScriptCore (as
 * of late 2026) copies element by element when the target position lies past the source's
 * byte offset in its own buffer, as if the two could overlap: 64 KiB from offset 0 to
 * offset 10 took 50 µs there, against 3 µs in the other direction. Placing the payload at 0
 * first and then moving it within `out` (`copyWithin`, a memmove) takes the fast path twice;
 * on V8 the extra move costs about 2 µs per 64 KiB.
 */
function copyPayload(out: Uint8Array, at: number, payload: Uint8Array): void {
  if (payload.length < SLOW_SET_MIN || payload.byteOffset >= out.byteOffset + at) out.set(payload, at)
  else {
    out.set(payload, 0)
    out.copyWithin(at, 0, payload.length)
  }
}

/** Just the header of a frame whose payload is written separately (zero-copy writes). */
export function encodeFrameHeader(opcode: OpcodeValue, length: number, flags: FrameFlags = {}): Uint8Array {
  const out = new Uint8Array(headerLength(length))
  writeHeader(out, 0, opcode, length, flags.fin ?? true, flags.rsv1 ?? false)
  return out
}

/** Where a frame of `size` bytes is built: a new array unless the caller has memory to reuse. */
export type FrameAllocator = (size: number) => Uint8Array

const newBytes: FrameAllocator = (size) => new Uint8Array(size)

/** One whole frame: header and payload, in an array from `allocate` (a new one by default). */
export function encodeFrame(opcode: OpcodeValue, payload: Uint8Array, flags: FrameFlags = {}, allocate: FrameAllocator = newBytes): Uint8Array {
  const head = headerLength(payload.length)
  const out = allocate(head + payload.length)
  copyPayload(out, head, payload)
  writeHeader(out, 0, opcode, payload.length, flags.fin ?? true, flags.rsv1 ?? false)
  return out
}

/**
 * A data message as one or more frames (RFC 6455 §5.4), in one array. With `fragmentSize`
 * each frame carries at most that many payload bytes; RSV1 goes on the first frame only
 * (RFC 7692 §6.1). An empty message is one empty frame.
 */
export function encodeMessage(
  opcode: typeof Opcode.text | typeof Opcode.binary,
  payload: Uint8Array,
  options: { compressed?: boolean; fragmentSize?: number; allocate?: FrameAllocator } = {},
): Uint8Array {
  const size = options.fragmentSize ?? Infinity
  if (size !== Infinity && !(Number.isInteger(size) && size >= 1)) throw new RangeError('fragmentSize must be a positive integer')
  if (payload.length <= size) return encodeFrame(opcode, payload, { rsv1: options.compressed === true }, options.allocate)
  const frames = Math.ceil(payload.length / size)
  const full = frames - 1
  const lastLength = payload.length - full * size
  const out = new Uint8Array(full * headerLength(size) + headerLength(lastLength) + payload.length)
  let at = 0
  for (let i = 0; i < frames; i++) {
    const start = i * size
    const end = Math.min(start + size, payload.length)
    at += writeHeader(out, at, i === 0 ? opcode : Opcode.continuation, end - start, i === frames - 1, i === 0 && options.compressed === true)
    out.set(payload.subarray(start, end), at)
    at += end - start
  }
  return out
}

/** A control frame; the caller has checked that the payload is at most 125 bytes (§5.5). */
export function encodeControlFrame(opcode: typeof Opcode.close | typeof Opcode.ping | typeof Opcode.pong, payload: Uint8Array): Uint8Array {
  if (!isControlOpcode(opcode) || payload.length > 125) throw new RangeError('control frames carry at most 125 bytes')
  return encodeFrame(opcode, payload)
}
