/**
 * Theory of operation
 * -------------------
 * Turns the bytes of a request head (request line + field lines + blank line) into a
 * `ParsedHead`. It owns only syntax: which bytes may appear where, where lines end, and the
 * size limits of the head. It must not know about framing or connection state (framing.ts,
 * state.ts): it merely collects the raw values of the fields those files need.
 *
 * Incremental: `parse()` is called after every append. It scans forward from where it
 * stopped, so a head trickled one byte at a time costs O(n), not O(n²) (h11's
 * ReceiveBuffer trick). The request line is validated as soon as its LF arrives, so a
 * client speaking something else gets its 400 at once (h11 early detection).
 *
 * Line endings: CRLF only. RFC 9112 §2.2 lets a recipient accept a bare LF; we do not, in
 * the head, chunk lines and trailers alike, because a parser that accepts bare LF where
 * another does not is how requests get smuggled past a proxy. A bare LF is a 400.
 * Empty lines before the request line are skipped (§2.2 SHOULD).
 * @module
 */
import { CR, HOST_CHAR, LF, SCHEME_CHAR, SP, TARGET_CHAR, TCHAR } from '../http/abnf.ts'
import { asciiDecode, equalsLowerAscii, latin1Decode } from '../http/ascii.ts'
import { ParseError } from './errors.ts'
import type { HeaderList } from './events.ts'
import { newCursor, plainView, scanCompleteFieldLines, scanFieldLine, type FieldLineCursor } from './field-line.ts'
import type { Limits } from './limits.ts'
import type { ReceiveBuffer } from './receive-buffer.ts'

/** A syntactically valid request head, with the raw values framing decisions need. */
export interface ParsedHead {
  method: string
  target: string
  version: '1.0' | '1.1'
  headers: HeaderList
  /** The value of the first Host field line, or null if none. */
  host: string | null
  /** How many Host field lines there are (RFC 9112 §3.2 wants exactly one). */
  hostCount: number
  /** Values of every Content-Length field line, or null if none. */
  contentLength: string[] | null
  /** Values of every Transfer-Encoding field line, or null if none. */
  transferEncoding: string[] | null
  /** Values of every Connection field line, or null if none. */
  connection: string[] | null
  /** Values of every Expect field line, or null if none. */
  expect: string[] | null
  /** An Upgrade field is present. */
  hasUpgrade: boolean
}

/** Incremental request-head parser; one per connection, reset after each head. */
export class HeadParser {
  /** Offset (from buffer start) up to which the request line's LF has been looked for. */
  private scanned = 0
  /** Offset (from buffer start) of the next line to read. */
  private lineStart = 0
  /** Offset (from buffer start) of the request line's CR, or -1 before it is read. */
  private requestLineEnd = -1
  /** Offset (from buffer start) of the SP after the method. */
  private methodEnd = 0
  /** Field lines read so far in this head. */
  private fieldCount = 0
  /** Per field line: colon, value start, value end, CR, as offsets from the buffer start. */
  private readonly spans: number[] = []
  private nonAscii = false
  /** Progress through the current, incomplete field line. */
  private readonly cursor: FieldLineCursor = newCursor()
  private readonly limits: Limits

  constructor(limits: Limits) {
    this.limits = limits
  }

  /**
   * Returns the head once complete (consuming its bytes), or null to wait for more.
   *
   * Only the first `maxHeaderBytes` bytes of a head are ever examined (and, for the request
   * line, the first `maxRequestLineBytes` + 2): a head that has not ended by then is refused
   * with 431 (414), and whatever lies beyond is never judged. So the outcome is the same
   * however the bytes were split, and errors come in byte order.
   */
  parse(rb: ReceiveBuffer): ParsedHead | null {
    const { maxHeaderBytes, maxRequestLineBytes, maxHeaderCount } = this.limits
    let bytes = rb.bytes
    let base = rb.start
    let end = rb.end
    while (this.requestLineEnd < 0) {
      // The request line's LF must lie within `bound` bytes; which limit is exceeded past it
      // is whichever the byte stream reaches first.
      const bound = Math.min(maxRequestLineBytes + 2, maxHeaderBytes)
      const searchEnd = Math.min(end, base + bound)
      const lf = bytes.indexOf(LF, base + this.scanned)
      if (lf < 0 || lf >= searchEnd) {
        this.scanned = searchEnd - base
        if (end - base >= bound) throw maxRequestLineBytes + 2 <= maxHeaderBytes ? uriTooLong() : headersTooLarge()
        return null
      }
      if (lf === base || bytes[lf - 1] !== CR) throw new ParseError('bare-lf', 'LF without CR')
      if (lf === base + 1) {
        // Empty lines before the request line are skipped (RFC 9112 §2.2).
        rb.consume(2)
        bytes = rb.bytes
        base = rb.start
        end = rb.end
        this.scanned = 0
        continue
      }
      this.methodEnd = validateRequestLine(bytes, base, lf - 1) - base
      this.requestLineEnd = lf - 1 - base
      this.lineStart = lf + 1 - base
    }

    const limit = Math.min(end, base + maxHeaderBytes)
    const spans = this.spans
    for (;;) {
      if (this.cursor.pos === 0) {
        // At a line start: complete, plain lines first, in one loop; what it leaves (the
        // blank line, a partial or unusual line) is read below.
        const count = scanCompleteFieldLines(bytes, base + this.lineStart, limit, base, spans, this.fieldCount, maxHeaderCount)
        if (count > this.fieldCount) {
          this.fieldCount = count
          this.lineStart = spans[4 * count - 1]! + 2
        }
      }
      const at = base + this.lineStart
      if (at >= limit) break
      const first = bytes[at]
      if (first === CR) {
        if (at + 1 >= limit) break
        if (bytes[at + 1] !== LF) throw new ParseError('bare-cr', 'CR not followed by LF')
        const head = buildHead(bytes, base, this.methodEnd, this.requestLineEnd, spans, this.fieldCount, at, this.nonAscii)
        rb.consume(at + 2 - base)
        this.scanned = this.lineStart = this.fieldCount = 0
        this.requestLineEnd = -1
        this.nonAscii = false
        return head
      }
      if (first === LF) throw new ParseError('bare-lf', 'LF without CR')
      if (this.fieldCount >= maxHeaderCount) throw new ParseError('too-many-headers', 'too many header fields', 431)
      const span = scanFieldLine(bytes, at, limit, this.cursor)
      if (span === null) break
      const n = 4 * this.fieldCount++
      spans[n] = span.colon - base
      spans[n + 1] = span.valueStart - base
      spans[n + 2] = span.valueEnd - base
      spans[n + 3] = span.lineEnd - base
      this.nonAscii ||= span.nonAscii
      this.lineStart = span.lineEnd + 2 - base
    }
    // maxHeaderBytes bytes examined and the head has not ended: it can only be larger.
    if (end - base >= maxHeaderBytes) throw headersTooLarge()
    return null
  }
}

function uriTooLong(): ParseError {
  return new ParseError('uri-too-long', 'request line too long', 414)
}

function headersTooLarge(): ParseError {
  return new ParseError('headers-too-large', 'header section too large', 431)
}

/**
 * RFC 9112 §3:  request-line = method SP request-target SP HTTP-version
 * Exactly one SP between parts (no lenient whitespace: another smuggling lever).
 */
function validateRequestLine(bytes: Uint8Array, start: number, end: number): number {
  try {
    return validateRequestLineParts(bytes, start, end)
  } catch (error) {
    // Classify the failure: a wrong number of separators is a malformed line, whatever
    // part happened to trip first (a space in the target, a tab as separator …).
    let spaces = 0
    for (let k = start; k < end; k++) {
      const b = bytes[k]
      if (b === SP) spaces++
      else if (b === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
    }
    if (spaces !== 2) throw new ParseError('invalid-request-line', 'request line needs exactly two single spaces')
    throw error
  }
}

/** Returns the index of the SP after the method. */
function validateRequestLineParts(bytes: Uint8Array, start: number, end: number): number {
  let i = start
  while (i < end && TCHAR[bytes[i]!] === 1) i++
  if (i === end) throw new ParseError('invalid-request-line', 'request line has no target')
  if (bytes[i] !== SP) {
    if (bytes[i] === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
    throw new ParseError('invalid-method', 'invalid character in method')
  }
  if (i === start) throw new ParseError('invalid-request-line', 'empty method')
  const targetStart = ++i
  while (i < end && TARGET_CHAR[bytes[i]!] === 1) i++
  if (i === targetStart || i === end || bytes[i] !== SP) {
    if (i === targetStart || i === end) throw new ParseError('invalid-request-line', 'malformed request line')
    if (bytes[i] === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
    throw new ParseError('invalid-target', 'invalid character in request-target')
  }
  validateTargetForm(bytes, start, targetStart - 1, targetStart, i)
  const v = i + 1
  if (bytes[v] === SP) throw new ParseError('invalid-request-line', 'extra whitespace in request line')
  // HTTP-version = "HTTP/" DIGIT "." DIGIT
  if (
    end - v !== 8 ||
    bytes[v] !== 0x48 || bytes[v + 1] !== 0x54 || bytes[v + 2] !== 0x54 || bytes[v + 3] !== 0x50 ||
    bytes[v + 4] !== 0x2f || !isDigit(bytes[v + 5]!) || bytes[v + 6] !== 0x2e || !isDigit(bytes[v + 7]!)
  ) {
    for (let k = v; k < end; k++) if (bytes[k] === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
    throw new ParseError('invalid-version', 'malformed HTTP version')
  }
  if (bytes[v + 5] !== 0x31) {
    throw new ParseError('unsupported-version', 'only HTTP/1.x is served', 505)
  }
  return targetStart - 1
}

/**
 * RFC 9112 §3.2: the four forms and the methods they belong to.
 *   origin-form    = absolute-path [ "?" query ]      any method but CONNECT
 *   absolute-form  = absolute-URI                     any method but CONNECT
 *   authority-form = uri-host ":" port                CONNECT only (§3.2.3)
 *   asterisk-form  = "*"                              OPTIONS only (§3.2.4)
 */
function validateTargetForm(bytes: Uint8Array, m: number, mEnd: number, t: number, tEnd: number): void {
  const isConnect = mEnd - m === 7 && isAsciiAt(bytes, m, 'CONNECT')
  const first = bytes[t]
  if (isConnect) {
    const colon = bytes.lastIndexOf(0x3a, tEnd - 1)
    let ok = colon > t && colon < tEnd - 1
    for (let k = t; ok && k < tEnd; k++) ok = k > colon ? isDigit(bytes[k]!) : HOST_CHAR[bytes[k]!] === 1
    if (!ok) throw new ParseError('invalid-target', 'CONNECT needs an authority-form target (host:port)')
    return
  }
  if (first === 0x2f) return
  if (first === 0x2a) {
    if (tEnd - t === 1 && mEnd - m === 7 && isAsciiAt(bytes, m, 'OPTIONS')) return
    throw new ParseError('invalid-target', 'asterisk-form is only for OPTIONS')
  }
  // absolute-form: scheme ":" hier-part, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  let k = t
  if (!((first! | 0x20) >= 0x61 && (first! | 0x20) <= 0x7a)) {
    throw new ParseError('invalid-target', 'request-target is in no known form')
  }
  while (k < tEnd && SCHEME_CHAR[bytes[k]!] === 1) k++
  // An origin server only makes sense of hierarchical URIs: scheme "://" authority …
  if (k + 3 >= tEnd || bytes[k] !== 0x3a || bytes[k + 1] !== 0x2f || bytes[k + 2] !== 0x2f) {
    throw new ParseError('invalid-target', 'request-target is in no known form')
  }
}

function isAsciiAt(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39
}

/** Builds the head from validated lines: decodes it once and slices names and values. */
function buildHead(
  bytes: Uint8Array,
  base: number,
  methodEnd: number,
  requestLineEnd: number,
  spans: readonly number[],
  count: number,
  headEnd: number,
  nonAscii: boolean,
): ParsedHead {
  // The request line is ASCII (TARGET_CHAR); only obs-text in values needs the slow decoder.
  const view = plainView(bytes, base, headEnd)
  const text = nonAscii ? latin1Decode(view, 0, view.length) : asciiDecode(view, 0, view.length)
  const head: ParsedHead = {
    method: text.slice(0, methodEnd),
    target: text.slice(methodEnd + 1, requestLineEnd - 9),
    version: bytes[base + requestLineEnd - 1] === 0x30 ? '1.0' : '1.1',
    headers: [],
    host: null,
    hostCount: 0,
    contentLength: null,
    transferEncoding: null,
    connection: null,
    expect: null,
    hasUpgrade: false,
  }
  const headers = head.headers
  let lineStart = requestLineEnd + 2
  for (let n = 0; n < 4 * count; n += 4) {
    const colon = spans[n]!
    const value = text.slice(spans[n + 1]!, spans[n + 2]!)
    headers.push(text.slice(lineStart, colon), value)
    noteFramingField(head, bytes, base + lineStart, colon - lineStart, value)
    lineStart = spans[n + 3]! + 2
  }
  return head
}

/** Collects the fields that framing.ts and headers.ts decide on; matched by length first. */
function noteFramingField(head: ParsedHead, bytes: Uint8Array, at: number, length: number, value: string): void {
  switch (length) {
    case 4:
      if (equalsLowerAscii(bytes, at, 'host') && head.hostCount++ === 0) head.host = value
      break
    case 6:
      if (equalsLowerAscii(bytes, at, 'expect')) (head.expect ??= []).push(value)
      break
    case 7:
      if (equalsLowerAscii(bytes, at, 'upgrade')) head.hasUpgrade = true
      break
    case 10:
      if (equalsLowerAscii(bytes, at, 'connection')) (head.connection ??= []).push(value)
      break
    case 14:
      if (equalsLowerAscii(bytes, at, 'content-length')) (head.contentLength ??= []).push(value)
      break
    case 17:
      if (equalsLowerAscii(bytes, at, 'transfer-encoding')) (head.transferEncoding ??= []).push(value)
      break
  }
}
