/**
 * Round-trip helpers (h11 `ConnectionPair` analogue): a test-only request serializer to
 * feed `Connection`, and a test-only response parser to read what `Connection.send()`
 * wrote. Both are strict and small; they are not the engine's code paths.
 * @module
 */
import { Connection } from '../../core/http1/connection.ts'
import type { RequestEvent, ResponseEvent } from '../../core/http1/events.ts'
import type { Limits } from '../../core/http1/limits.ts'
import { latin1, text } from './feed.ts'

/** A request to serialize. `headers` is sent as given (include Host yourself). */
export interface RequestSpec {
  method: string
  target: string
  version?: '1.0' | '1.1'
  headers: string[]
  /** Body framed with Content-Length. */
  body?: string
  /** Body framed as these chunks (each non-empty), then trailers. */
  chunks?: string[]
  trailers?: string[]
}

/** Serializes `spec` as latin1 text; adds the Content-Length or Transfer-Encoding field. */
export function serializeRequest(spec: RequestSpec): string {
  let out = `${spec.method} ${spec.target} HTTP/${spec.version ?? '1.1'}\r\n`
  const fields = [...spec.headers]
  if (spec.chunks) fields.push('Transfer-Encoding', 'chunked')
  else if (spec.body !== undefined) fields.push('Content-Length', String(spec.body.length))
  for (let i = 0; i < fields.length; i += 2) out += `${fields[i]}: ${fields[i + 1]}\r\n`
  out += '\r\n'
  if (spec.chunks) {
    for (const chunk of spec.chunks) out += `${chunk.length.toString(16)}\r\n${chunk}\r\n`
    out += '0\r\n'
    const trailers = spec.trailers ?? []
    for (let i = 0; i < trailers.length; i += 2) out += `${trailers[i]}: ${trailers[i + 1]}\r\n`
    out += '\r\n'
  } else if (spec.body !== undefined) {
    out += spec.body
  }
  return out
}

/** A response read back from the wire. */
export interface ParsedResponse {
  status: number
  reason: string
  headers: string[]
  framing: 'none' | 'length' | 'chunked' | 'close'
  body: string
  trailers: string[]
  /** Bytes after this response (the next response, or nothing). */
  rest: string
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** All values of field `name` (case-insensitive), joined with ", ", or undefined. */
export function header(headers: string[], name: string): string | undefined {
  const values: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === name.toLowerCase()) values.push(headers[i + 1]!)
  }
  return values.length ? values.join(', ') : undefined
}

function fail(message: string, wire: string): never {
  throw new Error(`${message}: ${JSON.stringify(wire.slice(0, 200))}`)
}

/** Reads one CRLF-terminated line at `pos`; rejects bare CR/LF. */
function readLine(wire: string, pos: number): [line: string, next: number] {
  const crlf = wire.indexOf('\r\n', pos)
  if (crlf < 0) fail('unterminated line', wire.slice(pos))
  const line = wire.slice(pos, crlf)
  if (/[\r\n]/.test(line)) fail('bare CR or LF', line)
  return [line, crlf + 2]
}

/** Reads field lines up to the empty line (RFC 9112 §5). */
function readFields(wire: string, pos: number): [fields: string[], next: number] {
  const fields: string[] = []
  for (;;) {
    const [line, next] = readLine(wire, pos)
    pos = next
    if (line === '') return [fields, pos]
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    if (colon < 1 || !TOKEN.test(name) || !FIELD_VALUE.test(value)) fail('bad field line', line)
    fields.push(name, value)
  }
}

/**
 * Parses one response for a request with `method`, framing per RFC 9112 §6.3: none for
 * HEAD, 1xx, 204 and 304; then chunked, Content-Length, or the rest of the wire.
 */
export function parseResponse(wire: string, method = 'GET'): ParsedResponse {
  const [statusLine, afterStatus] = readLine(wire, 0)
  const m = /^HTTP\/1\.1 ([1-9]\d\d) ([\t\x20-\x7e\x80-\xff]*)$/.exec(statusLine)
  if (!m) fail('bad status line', statusLine)
  const status = Number(m[1])
  const [headers, bodyStart] = readFields(wire, afterStatus)
  const te = header(headers, 'transfer-encoding')
  const cl = header(headers, 'content-length')
  const res = { status, reason: m[2]!, headers, body: '', trailers: [] as string[] }
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) {
    return { ...res, framing: 'none', rest: wire.slice(bodyStart) }
  }
  if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked' || cl !== undefined) fail('bad framing', te)
    let pos = bodyStart
    for (;;) {
      const [sizeLine, next] = readLine(wire, pos)
      if (!/^[0-9a-fA-F]+$/.test(sizeLine)) fail('bad chunk size', sizeLine)
      const size = parseInt(sizeLine, 16)
      if (size === 0) {
        const [trailers, end] = readFields(wire, next)
        return { ...res, trailers, framing: 'chunked', rest: wire.slice(end) }
      }
      res.body += wire.slice(next, next + size)
      if (wire.slice(next + size, next + size + 2) !== '\r\n') fail('chunk data without CRLF', wire.slice(next))
      pos = next + size + 2
    }
  }
  if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) fail('bad content-length', cl)
    const end = bodyStart + Number(cl)
    if (wire.length < end) fail('body shorter than content-length', wire)
    return { ...res, body: wire.slice(bodyStart, end), framing: 'length', rest: wire.slice(end) }
  }
  return { ...res, body: wire.slice(bodyStart), framing: 'close', rest: '' }
}

/** Options for `exchange`. */
export interface ExchangeOptions {
  clock?: () => number
  limits?: Partial<Limits>
}

/**
 * Feeds `request` (latin1) to a fresh Connection, reads up to the first request's 'end',
 * then sends `response` and returns the request event, the body received and the wire text.
 */
export function exchange(
  request: string,
  response: ResponseEvent[],
  options: ExchangeOptions = {},
): { request: RequestEvent; body: string; wire: string; conn: Connection } {
  const conn = new Connection(options)
  conn.receive(latin1(request))
  let head: RequestEvent | undefined
  let body = ''
  for (;;) {
    const ev = conn.next()
    if (typeof ev === 'symbol') throw new Error(`request incomplete: ${String(ev)}`)
    if (ev.type === 'request') head = ev
    else if (ev.type === 'data') body += text(ev.bytes)
    else if (ev.type === 'end') break
    else throw new Error('closed before the request ended')
  }
  let wire = ''
  for (const ev of response) wire += text(conn.send(ev))
  return { request: head!, body, wire, conn }
}
