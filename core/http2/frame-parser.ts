/**
 * Theory of operation
 * -------------------
 * `FrameParser` cuts the byte stream after the connection preface into frames
 * (RFC 9113 §4.1) and applies every rule that one frame can be judged by alone:
 *
 *   +-----------------------------------------------+
 *   |                 Length (24)                   |
 *   +---------------+---------------+---------------+
 *   |   Type (8)    |   Flags (8)   |
 *   +-+-------------+---------------+-------------------------------+
 *   |R|                 Stream Identifier (31)                      |
 *   +=+=============================================================+
 *   |                   Frame Payload (0...)                      ...
 *   +---------------------------------------------------------------+
 *
 * - the length against our SETTINGS_MAX_FRAME_SIZE (§4.2), checked on the 9-byte header
 *   so an oversized frame is never buffered;
 * - per type: which stream id (0 or not), fixed lengths (§6.3–§6.9), padding (§6.1, §6.2);
 * - PUSH_PROMISE from a client (§8.4).
 * What a frame means for a stream or the connection is `connection.ts`'s business.
 *
 * `push(bytes)` then `next()` until it returns false. After `next()` returned true the
 * current frame is in the public fields; `payload` and `fragment` are views into the pushed
 * bytes when the frame arrived in one piece (no copy), else into a buffer of exactly the
 * frame's size. They are never written to afterwards, so callers may keep them.
 *
 * Invariants: at most 9 header bytes plus one frame of at most `maxFrameSize` are held.
 * Errors are thrown as `ConnectionError`/`StreamError`; after a ConnectionError the parser
 * must not be used again.
 * @module
 */
import { ConnectionError, StreamError } from './errors.ts'
import { ErrorCode, Flag, FRAME_HEADER_BYTES, FrameType } from './frame-types.ts'

const EMPTY = new Uint8Array(0)

/** Incremental frame reader; the current frame is exposed as fields (no object per frame). */
export class FrameParser {
  /** Largest payload accepted: our SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize: number
  /** The current frame's type (any 8-bit value: unknown types are passed on to be ignored). */
  type = 0
  flags = 0
  /** 31 bits; the reserved bit is dropped (§4.1: MUST be ignored when receiving). */
  streamId = 0
  /** The whole payload length, padding included: what flow control counts (§6.9). */
  length = 0
  /** The whole payload. */
  payload: Uint8Array = EMPTY
  /** DATA: the data; HEADERS: the field block fragment (padding and priority fields removed); else = payload. */
  fragment: Uint8Array = EMPTY
  /** HEADERS with the PRIORITY flag, and PRIORITY: the stream dependency, else -1. */
  dependency = -1

  #header = new Uint8Array(FRAME_HEADER_BYTES)
  #headerFill = 0
  #body: Uint8Array | null = null
  #bodyFill = 0
  #input: Uint8Array = EMPTY
  #pos = 0

  constructor(maxFrameSize: number) {
    this.maxFrameSize = maxFrameSize
  }

  /** Sets the bytes `next()` reads from. Bytes of a previous push that were not read are lost: read them all first. */
  push(bytes: Uint8Array): void {
    this.#input = bytes
    this.#pos = 0
  }

  /** Reads the next complete frame; false when the pushed bytes are used up. Throws on a malformed frame. */
  next(): boolean {
    const input = this.#input
    if (this.#body === null) {
      // Fast path: the whole header (and often the whole frame) is in the input.
      if (this.#headerFill === 0 && input.length - this.#pos >= FRAME_HEADER_BYTES) {
        this.#readHeader(input, this.#pos)
        this.#pos += FRAME_HEADER_BYTES
      } else {
        const need = FRAME_HEADER_BYTES - this.#headerFill
        const take = Math.min(need, input.length - this.#pos)
        this.#header.set(input.subarray(this.#pos, this.#pos + take), this.#headerFill)
        this.#headerFill += take
        this.#pos += take
        if (this.#headerFill < FRAME_HEADER_BYTES) return false
        this.#headerFill = 0
        this.#readHeader(this.#header, 0)
      }
      if (input.length - this.#pos >= this.length) {
        this.payload = input.subarray(this.#pos, this.#pos + this.length)
        this.#pos += this.length
        this.#check()
        return true
      }
      this.#body = new Uint8Array(this.length)
      this.#bodyFill = 0
    }
    const body = this.#body
    const take = Math.min(body.length - this.#bodyFill, input.length - this.#pos)
    body.set(input.subarray(this.#pos, this.#pos + take), this.#bodyFill)
    this.#bodyFill += take
    this.#pos += take
    if (this.#bodyFill < body.length) return false
    this.#body = null
    this.payload = body
    this.#check()
    return true
  }

  #readHeader(h: Uint8Array, at: number): void {
    this.length = (h[at]! << 16) | (h[at + 1]! << 8) | h[at + 2]!
    this.type = h[at + 3]!
    this.flags = h[at + 4]!
    this.streamId = ((h[at + 5]! & 0x7f) * 0x1000000) + ((h[at + 6]! << 16) | (h[at + 7]! << 8) | h[at + 8]!)
    if (this.length > this.maxFrameSize) {
      // §4.2: any frame may alter connection state (a field block, flow control): connection error.
      throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${this.length} bytes exceeds SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize}`)
    }
  }

  /** The rules one frame is judged by alone (RFC 9113 §6). */
  #check(): void {
    const { type, flags, streamId, length, payload } = this
    this.fragment = payload
    this.dependency = -1
    switch (type) {
      case FrameType.DATA: {
        if (streamId === 0) throw protocol('DATA on stream 0 (§6.1)')
        if (flags & Flag.PADDED) {
          if (length < 1) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'padded DATA without a pad length')
          const pad = payload[0]!
          if (pad >= length) throw protocol('DATA padding as long as the payload (§6.1)')
          this.fragment = payload.subarray(1, length - pad)
        }
        return
      }
      case FrameType.HEADERS: {
        if (streamId === 0) throw protocol('HEADERS on stream 0 (§6.2)')
        let start = 0
        let pad = 0
        if (flags & Flag.PADDED) {
          if (length < 1) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'padded HEADERS without a pad length')
          pad = payload[0]!
          start = 1
        }
        if (flags & Flag.PRIORITY) {
          if (length < start + 5) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'HEADERS too short for its priority fields')
          this.dependency = readUint31(payload, start)
          start += 5
        }
        if (pad > length - start) throw protocol('HEADERS padding exceeds the field block (§6.2)')
        this.fragment = payload.subarray(start, length - pad)
        return
      }
      case FrameType.PRIORITY:
        if (streamId === 0) throw protocol('PRIORITY on stream 0 (§6.3)')
        if (length !== 5) throw new StreamError(streamId, ErrorCode.FRAME_SIZE_ERROR, 'PRIORITY of a length other than 5 (§6.3)')
        this.dependency = readUint31(payload, 0)
        return
      case FrameType.RST_STREAM:
        if (streamId === 0) throw protocol('RST_STREAM on stream 0 (§6.4)')
        if (length !== 4) throw frameSize('RST_STREAM of a length other than 4 (§6.4)')
        return
      case FrameType.SETTINGS:
        if (streamId !== 0) throw protocol('SETTINGS on a stream (§6.5)')
        if (flags & Flag.ACK && length !== 0) throw frameSize('SETTINGS ACK with a payload (§6.5)')
        if (length % 6 !== 0) throw frameSize('SETTINGS length not a multiple of 6 (§6.5)')
        return
      case FrameType.PUSH_PROMISE:
        throw protocol('PUSH_PROMISE from a client (§8.4)')
      case FrameType.PING:
        if (streamId !== 0) throw protocol('PING on a stream (§6.7)')
        if (length !== 8) throw frameSize('PING of a length other than 8 (§6.7)')
        return
      case FrameType.GOAWAY:
        if (streamId !== 0) throw protocol('GOAWAY on a stream (§6.8)')
        if (length < 8) throw frameSize('GOAWAY shorter than 8 (§6.8)')
        return
      case FrameType.WINDOW_UPDATE:
        if (length !== 4) throw frameSize('WINDOW_UPDATE of a length other than 4 (§6.9)')
        return
      case FrameType.CONTINUATION:
        if (streamId === 0) throw protocol('CONTINUATION on stream 0 (§6.10)')
        return
    }
  }
}

/** A 31-bit big-endian value at `at`, the reserved top bit dropped. */
export function readUint31(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! & 0x7f) * 0x1000000) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)
}

/** A 32-bit big-endian value at `at`. */
export function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! * 0x1000000) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)
}

function protocol(message: string): ConnectionError {
  return new ConnectionError(ErrorCode.PROTOCOL_ERROR, message)
}

function frameSize(message: string): ConnectionError {
  return new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, message)
}
