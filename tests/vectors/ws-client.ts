/**
 * The vocabulary of the WebSocket byte vectors: a tiny client-side frame serializer
 * (masked, as RFC 6455 §5.1 requires of clients, with knobs to break every rule), the
 * vector shape, and byte helpers. Independent of core/ws so that it checks the engine
 * rather than mirrors it.
 * @module
 */
import type { WebSocketErrorCode } from '../../core/ws/errors.ts'

/** RFC 6455 §5.7's example masking key. */
export const KEY: readonly number[] = [0x37, 0xfa, 0x21, 0x3d]

/** One client frame; every field but `opcode` has a well-behaved default. */
export interface ClientFrame {
  opcode: number
  /** A string is UTF-8 encoded. */
  payload?: string | Uint8Array
  fin?: boolean
  /** RSV bits as a 3-bit number (RSV1 = 4, RSV2 = 2, RSV3 = 1), as Autobahn writes them. */
  rsv?: number
  /** Masking key; `false` sends the frame unmasked. */
  mask?: readonly number[] | false
  /** Force a length encoding (`16`/`64` even for short payloads, to test minimality). */
  lengthBits?: 7 | 16 | 64
  /** Announce this length instead of the payload's (to test limits without sending the bytes). */
  announce?: number
}

const utf8Encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text)
}

/** Bytes from a latin1 string (each char one byte). */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0))
}

/** Bytes as a latin1 string. */
export function toLatin1(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096))
  return out
}

/** Bytes from hex, spaces ignored: `hex('81 85 37fa')`. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16))
}

/** Bytes as lowercase hex without spaces. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Serializes one client frame. */
export function clientFrame(frame: ClientFrame): Uint8Array {
  const payload = typeof frame.payload === 'string' ? utf8(frame.payload) : (frame.payload ?? new Uint8Array(0))
  const length = frame.announce ?? payload.length
  const bits = frame.lengthBits ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64)
  const mask = frame.mask === undefined ? KEY : frame.mask
  const head: number[] = [((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | frame.opcode]
  const maskBit = mask === false ? 0 : 0x80
  if (bits === 7) head.push(maskBit | length)
  else if (bits === 16) head.push(maskBit | 126, length >>> 8, length & 0xff)
  else {
    const high = Math.floor(length / 2 ** 32)
    head.push(maskBit | 127, high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff)
    head.push(length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff)
  }
  if (mask !== false) head.push(...mask)
  const out = new Uint8Array(head.length + payload.length)
  out.set(head)
  for (let i = 0; i < payload.length; i++) out[head.length + i] = payload[i]! ^ (mask === false ? 0 : mask[i & 3]!)
  return out
}

/** Several client frames back to back. */
export function clientFrames(...frames: ClientFrame[]): Uint8Array {
  return concat(...frames.map(clientFrame))
}

/** A data message cut into frames of `fragmentSize` payload bytes (Autobahn's `fragmentSize`). */
export function clientMessage(opcode: 1 | 2, payload: string | Uint8Array, fragmentSize = Infinity, rsv = 0): Uint8Array {
  const bytes = typeof payload === 'string' ? utf8(payload) : payload
  if (bytes.length <= fragmentSize) return clientFrame({ opcode, payload: bytes, rsv })
  const frames: ClientFrame[] = []
  for (let at = 0; at < bytes.length; at += fragmentSize) {
    const end = Math.min(at + fragmentSize, bytes.length)
    frames.push({ opcode: at === 0 ? opcode : 0, payload: bytes.subarray(at, end), fin: end === bytes.length, rsv: at === 0 ? rsv : 0 })
  }
  return clientFrames(...frames)
}

/** A client Close frame with an optional code and reason (bytes, to allow invalid UTF-8). */
export function clientClose(code?: number, reason: string | Uint8Array = ''): Uint8Array {
  if (code === undefined) return clientFrame({ opcode: 8 })
  const reasonBytes = typeof reason === 'string' ? utf8(reason) : reason
  return clientFrame({ opcode: 8, payload: concat(new Uint8Array([code >>> 8, code & 0xff]), reasonBytes) })
}

/** An expected event; only the listed fields are compared. */
export type ExpectedEvent =
  | {
    type: 'message'
    opcode?: 'text' | 'binary'
    /** The payload as UTF-8 text… */
    text?: string
    /** …or as latin1 bytes. */
    bytes?: string
    compressed?: boolean
  }
  | { type: 'ping' | 'pong'; bytes?: string }
  | { type: 'close'; code?: number; reason?: string }
  | { type: 'closed'; clean?: boolean }

/** One WebSocket byte vector: client bytes fed to a fresh server connection. */
export interface WsVector {
  /** Autobahn case number first when there is one: `'case 5.9: …'`. */
  name: string
  /** The RFC rule or the attack this vector covers. */
  why: string
  input: Uint8Array
  /** All events, in order (with `error`: the events before it; omit to leave them unchecked). */
  events?: ExpectedEvent[]
  /** `next()` must throw a `RemoteWebSocketError` with this code. */
  error?: WebSocketErrorCode
  /** Expected close code of the error; defaults from the code (1007 UTF-8, 1009 size, else 1002). */
  closeCode?: number
  /**
   * Frames the harness writes back, as hex: it answers each Ping with a Pong and a Close
   * with the echo, as Autobahn's echo server would.
   */
  sent?: string[]
  maxPayloadLength?: number
  /** Run with permessage-deflate negotiated (RSV1 allowed on first data frames). */
  permessageDeflate?: boolean
  /** Send EOF after the input. */
  eof?: boolean
}

/** The close code a vector's error implies unless it says otherwise. */
export function defaultCloseCode(code: WebSocketErrorCode): number {
  switch (code) {
    case 'invalid-utf8': return 1007
    case 'message-too-big': return 1009
    default: return 1002
  }
}

/** A frame as a client reads it from the server. */
export interface ServerFrame {
  fin: boolean
  rsv: number
  opcode: number
  masked: boolean
  payload: Uint8Array
}

/**
 * Reads server frames the way a client would (RFC 6455 §5.2), independently of core/ws.
 * Throws on truncated input; lengths must be minimal, as §5.2 requires.
 */
export function parseServerFrames(bytes: Uint8Array): ServerFrame[] {
  const frames: ServerFrame[] = []
  let at = 0
  while (at < bytes.length) {
    if (bytes.length - at < 2) throw new Error('truncated header')
    const b0 = bytes[at]!
    const b1 = bytes[at + 1]!
    let length = b1 & 0x7f
    at += 2
    if (length === 126) {
      length = (bytes[at]! << 8) | bytes[at + 1]!
      if (length < 126) throw new Error('non-minimal 16-bit length')
      at += 2
    } else if (length === 127) {
      length = new DataView(bytes.buffer, bytes.byteOffset + at, 8).getUint32(0) * 2 ** 32 +
        new DataView(bytes.buffer, bytes.byteOffset + at, 8).getUint32(4)
      if (length < 0x10000) throw new Error('non-minimal 64-bit length')
      at += 8
    }
    const masked = (b1 & 0x80) !== 0
    const key = masked ? bytes.subarray(at, at + 4) : null
    if (masked) at += 4
    if (bytes.length - at < length) throw new Error('truncated payload')
    const payload = bytes.slice(at, at + length)
    if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload })
    at += length
  }
  return frames
}
