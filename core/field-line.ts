/**
 * One field line (RFC 9112 §5), shared by the header section and the trailer section:
 *
 *   field-line = field-name ":" OWS field-value OWS CRLF
 *   field-name = token
 *
 * Strict: no whitespace before the colon (§5.1, a smuggling vector), no obs-fold (§5.2),
 * no CR, LF, NUL or other CTL in the value (RFC 9110 §5.5), CRLF as the only line end.
 * One pass validates the line and finds its end, so a head is read once, not searched
 * for line ends and then validated.
 * @module
 */
import { COLON, CR, FIELD_VALUE_CHAR, HTAB, LF, SP, TCHAR } from './abnf.ts'
import { ParseError } from './errors.ts'

/** Where the parts of a field line are; reused, so read it before the next call. */
export interface FieldLineSpan {
  /** Index of the colon (the name is `[lineStart, colon)`). */
  colon: number
  valueStart: number
  valueEnd: number
  /** Index of the CR that ends the line. */
  lineEnd: number
  /** The value has bytes ≥ 0x80 (obs-text), so it must be decoded as latin1 byte by byte. */
  nonAscii: boolean
}

const span: FieldLineSpan = { colon: 0, valueStart: 0, valueEnd: 0, lineEnd: 0, nonAscii: false }

/**
 * Validates the field line starting at `start` and locates its parts. Returns null when the
 * line is not complete before `limit` (its CRLF has not arrived).
 */
export function scanFieldLine(bytes: Uint8Array, start: number, limit: number): FieldLineSpan | null {
  if (start >= limit) return null
  const first = bytes[start]!
  if (first === SP || first === HTAB) {
    throw new ParseError('obsolete-line-folding', 'line folding (obs-fold) is not accepted')
  }
  let i = start
  while (i < limit && TCHAR[bytes[i]!] === 1) i++
  if (i === limit) return null
  const stop = bytes[i]!
  if (stop !== COLON) {
    if (stop === CR && i + 1 === limit) return null // bare CR or CRLF: the next byte tells
    if (stop === SP || stop === HTAB) {
      let k = i
      while (k < limit && (bytes[k] === SP || bytes[k] === HTAB)) k++
      if (k === limit) return null // before a colon or not: the next byte tells
    }
    throw nameError(bytes, i, limit)
  }
  if (i === start) throw new ParseError('invalid-header-name', 'empty field name')
  span.colon = i
  let v = i + 1
  while (v < limit && (bytes[v] === SP || bytes[v] === HTAB)) v++
  let seen = 0
  let k = v
  const words = wordsOf(bytes)
  const offset = bytes.byteOffset
  for (;;) {
    if (((offset + k) & 3) === 0) {
      while (k + 4 <= limit && isPrintableAsciiWord(words[(offset + k) >> 2]!)) k += 4
    }
    if (k >= limit) break
    const b = bytes[k]!
    if (FIELD_VALUE_CHAR[b] === 0) break
    seen |= b
    k++
  }
  if (k === limit) return null
  const b = bytes[k]!
  if (b !== CR) {
    if (b === LF) throw new ParseError('bare-lf', 'LF without CR')
    throw new ParseError('invalid-header-value', 'invalid character in field value')
  }
  if (k + 1 === limit) return null
  if (bytes[k + 1] !== LF) throw new ParseError('bare-cr', 'CR not followed by LF')
  let last = k
  while (last > v && (bytes[last - 1] === SP || bytes[last - 1] === HTAB)) last--
  span.valueStart = v
  span.valueEnd = last
  span.lineEnd = k
  span.nonAscii = seen >= 0x80
  return span
}

let lastBuffer: ArrayBufferLike | null = null
let lastWords: Uint32Array = new Uint32Array(0)

/** A 32-bit view of the whole backing buffer (offset 0, so always aligned), cached per buffer. */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.buffer !== lastBuffer) {
    lastBuffer = bytes.buffer
    lastWords = new Uint32Array(bytes.buffer, 0, bytes.buffer.byteLength >> 2)
  }
  return lastWords
}

/**
 * True when all four bytes are 0x20–0x7E: the common case of a value byte, checked four at
 * a time (SWAR: a borrow out of a byte below 0x20 or a carry into 0x80 sets its top bit).
 * Anything else, HTAB, obs-text, CR, goes through the byte table.
 */
function isPrintableAsciiWord(w: number): boolean {
  return ((((w - 0x20202020) & ~w) | ((w + 0x01010101) | w)) & 0x80808080) === 0
}

/** The error for a field name that stops at something other than a colon. */
function nameError(bytes: Uint8Array, i: number, limit: number): ParseError {
  const stop = bytes[i]
  if (stop === SP || stop === HTAB) {
    let k = i
    while (k < limit && (bytes[k] === SP || bytes[k] === HTAB)) k++
    if (bytes[k] === COLON) return new ParseError('whitespace-before-colon', 'whitespace between field name and colon')
    return new ParseError('invalid-header-name', 'whitespace in field name')
  }
  if (stop === CR && bytes[i + 1] !== LF) return new ParseError('bare-cr', 'CR not followed by LF')
  if (stop === LF) return new ParseError('bare-lf', 'LF without CR')
  if (stop === CR) return new ParseError('invalid-header-name', 'field line without a colon')
  return new ParseError('invalid-header-name', 'invalid character in field name')
}
