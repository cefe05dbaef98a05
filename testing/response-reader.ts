/**
 * The client half that tests need: HTTP/1.1 response bytes → head and body events, fed
 * incrementally as the server writes. Strict on purpose (CRLF only, no obs-fold, consistent
 * Content-Length), since what it reads is Portico's own output. Framing per RFC 9112 §6.3:
 * no body for HEAD, 1xx, 204 and 304; chunked if Transfer-Encoding ends in chunked; else
 * Content-Length; else the body runs until the connection closes.
 * @module
 */
import { concatBytes, latin1Decode } from '../core/http/ascii.ts'

/** What the reader finds in the server's bytes. */
export type ResponseReaderEvent =
  | { type: 'informational'; status: number; headers: [string, string][] }
  | { type: 'head'; status: number; statusText: string; version: '1.0' | '1.1'; headers: [string, string][] }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'end'; trailers: [string, string][] }

type State =
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-crlf' }
  | { kind: 'trailers' }
  | { kind: 'until-close' }
  | { kind: 'closed' }

const EMPTY = new Uint8Array(0)
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d) (.*)$/
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/

function invalid(reason: string): TypeError {
  // TypeError, as fetch() rejects with one for a broken response.
  return new TypeError(`invalid HTTP response: ${reason}`)
}

/**
 * Parses responses from a stream of bytes. Push each piece of output with `push()`, then call
 * `end()` when the connection closed; both return the events found so far. After a complete
 * response it expects the next one (pipelining), with the method from `methods` (default GET).
 *
 * @example
 * ```ts
 * const reader = new ResponseReader(['GET'])
 * reader.push(conn.output) // [{ type: 'head', status: 200, … }, { type: 'data', … }, { type: 'end', … }]
 * ```
 */
export class ResponseReader {
  private buffer: Uint8Array = EMPTY
  private state: State = { kind: 'head' }
  private readonly methods: readonly string[]
  private index = 0
  private trailers: [string, string][] = []

  /** `methods`: the request method of each expected response, in order (HEAD has no body). */
  constructor(methods: readonly string[] = []) {
    this.methods = methods
  }

  /** True between responses, when no bytes of a next one have arrived. */
  get idle(): boolean {
    return this.state.kind === 'head' && this.buffer.length === 0
  }

  /** Parses more bytes of output. Throws a TypeError on a malformed response. */
  push(bytes: Uint8Array): ResponseReaderEvent[] {
    if (this.state.kind === 'closed') throw invalid('bytes after the end of a close-delimited body')
    this.buffer = this.buffer.length === 0 ? bytes : concatBytes([this.buffer, bytes])
    const events: ResponseReaderEvent[] = []
    while (this.step(events));
    return events
  }

  /** The connection closed: ends a close-delimited body; throws if a response was cut short. */
  end(): ResponseReaderEvent[] {
    if (this.state.kind === 'until-close') {
      this.state = { kind: 'closed' }
      return [{ type: 'end', trailers: [] }]
    }
    if (this.idle || this.state.kind === 'closed') return []
    throw invalid('the connection closed before the response was complete')
  }

  /** One parsing step; false when more bytes are needed. */
  private step(events: ResponseReaderEvent[]): boolean {
    const state = this.state
    switch (state.kind) {
      case 'head': {
        const end = indexOfCrlfCrlf(this.buffer)
        if (end < 0) return false
        const text = latin1Decode(this.buffer, 0, end)
        this.buffer = this.buffer.subarray(end + 4)
        this.head(text, events)
        return true
      }
      case 'length': {
        if (state.remaining === 0) return this.finishMessage(events)
        if (this.buffer.length === 0) return false
        const bytes = this.take(Math.min(state.remaining, this.buffer.length))
        state.remaining -= bytes.length
        events.push({ type: 'data', bytes })
        return true
      }
      case 'chunk-size': {
        const line = this.line()
        if (line === null) return false
        const match = CHUNK_SIZE.exec(line)
        if (match === null) throw invalid(`bad chunk size line ${JSON.stringify(line)}`)
        const size = parseInt(match[1]!, 16)
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size }
        return true
      }
      case 'chunk-data': {
        if (this.buffer.length === 0) return false
        const bytes = this.take(Math.min(state.remaining, this.buffer.length))
        state.remaining -= bytes.length
        events.push({ type: 'data', bytes })
        if (state.remaining === 0) this.state = { kind: 'chunk-crlf' }
        return true
      }
      case 'chunk-crlf': {
        if (this.buffer.length < 2) return false
        if (this.buffer[0] !== 13 || this.buffer[1] !== 10) throw invalid('chunk data not followed by CRLF')
        this.buffer = this.buffer.subarray(2)
        this.state = { kind: 'chunk-size' }
        return true
      }
      case 'trailers': {
        const line = this.line()
        if (line === null) return false
        if (line === '') return this.finishMessage(events)
        this.trailers.push(fieldLine(line))
        return true
      }
      case 'until-close': {
        if (this.buffer.length === 0) return false
        events.push({ type: 'data', bytes: this.take(this.buffer.length) })
        return true
      }
      case 'closed':
        return false
    }
  }

  private head(text: string, events: ResponseReaderEvent[]): void {
    const lines = text.split('\r\n')
    if (lines.some((l) => l.includes('\r') || l.includes('\n'))) throw invalid('bare CR or LF in the head')
    const status = STATUS_LINE.exec(lines[0]!)
    if (status === null) throw invalid(`bad status line ${JSON.stringify(lines[0])}`)
    const code = Number(status[2])
    const headers = lines.slice(1).map(fieldLine)
    if (code < 200) {
      // RFC 9110 §15.2: interim responses precede the final one; 101 would end HTTP/1.1 here.
      if (code === 101) throw invalid('101 Switching Protocols is not supported')
      events.push({ type: 'informational', status: code, headers })
      return
    }
    events.push({ type: 'head', status: code, statusText: status[3]!, version: status[1] === '0' ? '1.0' : '1.1', headers })
    this.trailers = []
    const method = this.methods[this.index] ?? 'GET'
    if (method === 'HEAD' || code === 204 || code === 304) {
      this.state = { kind: 'length', remaining: 0 }
      return
    }
    const te = headers.filter(([n]) => n.toLowerCase() === 'transfer-encoding').flatMap(([, v]) => v.split(','))
    if (te.length > 0) {
      const last = te[te.length - 1]!.trim().toLowerCase()
      this.state = last === 'chunked' ? { kind: 'chunk-size' } : { kind: 'until-close' }
      return
    }
    const lengths = headers
      .filter(([n]) => n.toLowerCase() === 'content-length')
      .flatMap(([, v]) => v.split(',').map((s) => s.trim()))
    if (lengths.length === 0) {
      this.state = { kind: 'until-close' }
      return
    }
    if (lengths.some((l) => !/^\d{1,15}$/.test(l) || l !== lengths[0])) throw invalid(`bad Content-Length ${lengths.join(', ')}`)
    this.state = { kind: 'length', remaining: Number(lengths[0]) }
  }

  private finishMessage(events: ResponseReaderEvent[]): boolean {
    events.push({ type: 'end', trailers: this.trailers })
    this.trailers = []
    this.index++
    this.state = { kind: 'head' }
    return true
  }

  private take(n: number): Uint8Array {
    const bytes = this.buffer.subarray(0, n)
    this.buffer = this.buffer.subarray(n)
    return bytes
  }

  /** The next CRLF-terminated line (without CRLF), or null if it has not all arrived. */
  private line(): string | null {
    const buffer = this.buffer
    for (let i = 0; i + 1 < buffer.length; i++) {
      if (buffer[i] === 13 && buffer[i + 1] === 10) {
        const text = latin1Decode(buffer, 0, i)
        this.buffer = buffer.subarray(i + 2)
        return text
      }
    }
    return null
  }
}

function fieldLine(line: string): [string, string] {
  const match = FIELD_LINE.exec(line)
  if (match === null) throw invalid(`bad field line ${JSON.stringify(line)}`)
  return [match[1]!, match[2]!]
}

function indexOfCrlfCrlf(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i
  }
  return -1
}
