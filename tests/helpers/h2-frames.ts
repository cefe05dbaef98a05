/**
 * Test-side HTTP/2 frames: a client's frame builder (independent of the engine's serializer,
 * so a bug there cannot hide a bug here), a literal-only HPACK block writer, and a reader
 * that turns the engine's output into one readable line per frame.
 * @module
 */
import { HpackDecoder } from '../../core/http2/hpack/mod.ts'

export const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'

/** RFC 9113 §7 names by code, for readable expectations. */
export const CODE_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
] as const
export type CodeName = (typeof CODE_NAMES)[number]
export const code = (name: CodeName): number => CODE_NAMES.indexOf(name)

export const T = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const
const TYPE_NAMES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION']

type Bytes = Uint8Array | string

/** Latin1 string → bytes. */
export function bytes(b: Bytes): Uint8Array {
  if (typeof b !== 'string') return b
  const out = new Uint8Array(b.length)
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i)
  return out
}

/** Bytes → latin1 string. */
export function latin1(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return s
}

export function concat(...parts: Bytes[]): Uint8Array {
  const arrays = parts.map(bytes)
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}

const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

/** Any frame: the 9-byte header (length taken from the payload unless given) and the payload. */
export function frame(type: number, flags: number, streamId: number, payload: Bytes = '', length?: number): Uint8Array {
  const p = bytes(payload)
  const n = length ?? p.length
  return concat(new Uint8Array([n >>> 16, (n >>> 8) & 0xff, n & 0xff, type, flags, ...u32(streamId)]), p)
}

/** RFC 7541 §5.1 integer with an N-bit prefix, first byte's high bits from `mask`. */
function hpackInt(value: number, prefixBits: number, mask: number): number[] {
  const max = (1 << prefixBits) - 1
  if (value < max) return [mask | value]
  const out = [mask | max]
  value -= max
  while (value >= 128) {
    out.push((value & 0x7f) | 0x80)
    value >>>= 7
  }
  out.push(value)
  return out
}

/** A field block of literals without indexing, new names, no Huffman (RFC 7541 §6.2.2): stateless. */
export function block(fields: readonly string[]): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!
    const value = fields[i + 1]!
    out.push(0x00, ...hpackInt(name.length, 7, 0), ...bytes(name), ...hpackInt(value.length, 7, 0), ...bytes(value))
  }
  return new Uint8Array(out)
}

/** The request h2spec sends by default. */
export const GET = [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'localhost']
export const POST = [':method', 'POST', ':scheme', 'http', ':path', '/', ':authority', 'localhost']

export interface HeadersOptions {
  endStream?: boolean
  /** Default true. */
  endHeaders?: boolean
  /** Pad length (PADDED flag). */
  pad?: number
  /** Stream dependency (PRIORITY flag). */
  dependsOn?: number
  weight?: number
  exclusive?: boolean
}

/** HEADERS with `fields` (encoded by `block`) or a raw block. */
export function headers(streamId: number, fields: readonly string[] | Uint8Array, o: HeadersOptions = {}): Uint8Array {
  const blk = fields instanceof Uint8Array ? fields : block(fields)
  let flags = (o.endStream ? 0x1 : 0) | (o.endHeaders === false ? 0 : 0x4)
  const pre: number[] = []
  if (o.pad !== undefined) {
    flags |= 0x8
    pre.push(o.pad)
  }
  if (o.dependsOn !== undefined) {
    flags |= 0x20
    pre.push(...u32(o.dependsOn | (o.exclusive ? 0x80000000 : 0)), o.weight ?? 15)
  }
  return frame(T.HEADERS, flags, streamId, concat(new Uint8Array(pre), blk, new Uint8Array(o.pad ?? 0)))
}

export function continuation(streamId: number, fields: readonly string[] | Uint8Array, endHeaders: boolean): Uint8Array {
  return frame(T.CONTINUATION, endHeaders ? 0x4 : 0, streamId, fields instanceof Uint8Array ? fields : block(fields))
}

export function data(streamId: number, payload: Bytes, o: { endStream?: boolean; pad?: number } = {}): Uint8Array {
  const flags = (o.endStream ? 0x1 : 0) | (o.pad !== undefined ? 0x8 : 0)
  const body = o.pad !== undefined ? concat(new Uint8Array([o.pad]), payload, new Uint8Array(o.pad)) : bytes(payload)
  return frame(T.DATA, flags, streamId, body)
}

export function settings(pairs: readonly number[] = []): Uint8Array {
  const p: number[] = []
  for (let i = 0; i < pairs.length; i += 2) p.push(pairs[i]! >>> 8, pairs[i]! & 0xff, ...u32(pairs[i + 1]!))
  return frame(T.SETTINGS, 0, 0, new Uint8Array(p))
}

export const settingsAck = (): Uint8Array => frame(T.SETTINGS, 0x1, 0)
export const ping = (opaque = 'h2spec\0\0', ack = false): Uint8Array => frame(T.PING, ack ? 1 : 0, 0, opaque)
export const rstStream = (streamId: number, c: number): Uint8Array => frame(T.RST_STREAM, 0, streamId, new Uint8Array(u32(c)))
export const windowUpdate = (streamId: number, increment: number): Uint8Array =>
  frame(T.WINDOW_UPDATE, 0, streamId, new Uint8Array(u32(increment)))
export const goaway = (lastStreamId: number, c: number, debug = ''): Uint8Array =>
  frame(T.GOAWAY, 0, 0, concat(new Uint8Array([...u32(lastStreamId), ...u32(c)]), debug))
export const priority = (streamId: number, dependsOn: number, weight = 15, exclusive = false): Uint8Array =>
  frame(T.PRIORITY, 0, streamId, new Uint8Array([...u32(dependsOn | (exclusive ? 0x80000000 : 0)), weight]))

/** The preface and an empty SETTINGS: what every h2spec case starts with (its handshake). */
export function handshake(pairs: readonly number[] = []): Uint8Array {
  return concat(PREFACE, settings(pairs), settingsAck())
}

/**
 * Reads frames the engine wrote, one line each:
 *   `HEADERS 1 END_STREAM :status=200 content-type=text/plain`, `DATA 1 4 END_STREAM`,
 *   `RST_STREAM 1 PROTOCOL_ERROR`, `GOAWAY 0 PROTOCOL_ERROR`, `PING ACK 6832737065630000`,
 *   `SETTINGS ACK`, `SETTINGS 3=100 …`, `WINDOW_UPDATE 0 1000`.
 * `decoder` decodes HEADERS blocks (one per connection: HPACK is stateful).
 */
export function describeFrames(out: Uint8Array, decoder: HpackDecoder): string[] {
  const lines: string[] = []
  let at = 0
  let pendingBlock: { line: string; parts: Uint8Array[] } | null = null
  while (at < out.length) {
    if (out.length - at < 9) throw new Error(`truncated frame header at ${at}`)
    const len = (out[at]! << 16) | (out[at + 1]! << 8) | out[at + 2]!
    const type = out[at + 3]!
    const flags = out[at + 4]!
    const id = ((out[at + 5]! & 0x7f) << 24) | (out[at + 6]! << 16) | (out[at + 7]! << 8) | out[at + 8]!
    const p = out.subarray(at + 9, at + 9 + len)
    if (p.length !== len) throw new Error(`truncated frame payload at ${at}`)
    at += 9 + len
    const word = (i: number): number => ((p[i]! << 24) >>> 0) + ((p[i + 1]! << 16) | (p[i + 2]! << 8) | p[i + 3]!)
    const name = TYPE_NAMES[type] ?? `TYPE_${type}`
    switch (type) {
      case T.DATA:
        lines.push(`DATA ${id} ${len}${flags & 1 ? ' END_STREAM' : ''}`)
        break
      case T.HEADERS:
      case T.CONTINUATION: {
        if (type === T.HEADERS) pendingBlock = { line: `HEADERS ${id}${flags & 1 ? ' END_STREAM' : ''}`, parts: [] }
        if (pendingBlock === null) throw new Error('CONTINUATION without HEADERS in output')
        pendingBlock.parts.push(p)
        if (flags & 4) {
          const fields = decoder.decode(concat(...pendingBlock.parts)) ?? []
          const pairs: string[] = []
          for (let i = 0; i < fields.length; i += 2) pairs.push(`${fields[i]}=${fields[i + 1]}`)
          lines.push([pendingBlock.line, ...pairs].join(' '))
          pendingBlock = null
        }
        break
      }
      case T.RST_STREAM:
        lines.push(`RST_STREAM ${id} ${CODE_NAMES[word(0)] ?? word(0)}`)
        break
      case T.SETTINGS: {
        if (flags & 1) {
          lines.push('SETTINGS ACK')
          break
        }
        const pairs: string[] = []
        for (let i = 0; i < len; i += 6) pairs.push(`${(p[i]! << 8) | p[i + 1]!}=${word(i + 2)}`)
        lines.push(['SETTINGS', ...pairs].join(' '))
        break
      }
      case T.PING:
        lines.push(`PING${flags & 1 ? ' ACK' : ''} ${Array.from(p, (b) => b.toString(16).padStart(2, '0')).join('')}`)
        break
      case T.GOAWAY:
        lines.push(`GOAWAY ${word(0)} ${CODE_NAMES[word(4)] ?? word(4)}`)
        break
      case T.WINDOW_UPDATE:
        lines.push(`WINDOW_UPDATE ${id} ${word(0)}`)
        break
      default:
        lines.push(`${name} ${id}`)
    }
  }
  return lines
}
