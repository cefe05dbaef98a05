/**
 * One field line (RFC 9112 §5), shared by the header section and the trailer section:
 *
 *   field-line = field-name ":" OWS field-value OWS
 *   field-name = token
 *
 * Strict: no whitespace before the colon (§5.1, a smuggling vector), no obs-fold (§5.2),
 * no CR, LF, NUL or other CTL in the value (RFC 9110 §5.5).
 * @module
 */
import { COLON, CR, FIELD_VALUE_CHAR, HTAB, SP, TCHAR } from './abnf.ts'
import { ParseError } from './errors.ts'

/** Where the parts of a field line are; reused, so read it before the next call. */
export interface FieldLineSpan {
  /** Index of the colon (the name is `[lineStart, colon)`). */
  colon: number
  valueStart: number
  valueEnd: number
}

const span: FieldLineSpan = { colon: 0, valueStart: 0, valueEnd: 0 }

/** Validates `bytes[start, end)` (a line without its CRLF) and locates its name and value. */
export function scanFieldLine(bytes: Uint8Array, start: number, end: number): FieldLineSpan {
  const first = bytes[start]!
  if (first === SP || first === HTAB) {
    throw new ParseError('obsolete-line-folding', 'line folding (obs-fold) is not accepted')
  }
  let i = start
  while (i < end && TCHAR[bytes[i]!] === 1) i++
  if (i === end) throw new ParseError('invalid-header-name', 'field line without a colon')
  const stop = bytes[i]!
  if (stop !== COLON) {
    if (stop === SP || stop === HTAB) {
      let k = i
      while (k < end && (bytes[k] === SP || bytes[k] === HTAB)) k++
      if (bytes[k] === COLON) throw new ParseError('whitespace-before-colon', 'whitespace between field name and colon')
      throw new ParseError('invalid-header-name', 'whitespace in field name')
    }
    if (stop === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
    throw new ParseError('invalid-header-name', 'invalid character in field name')
  }
  if (i === start) throw new ParseError('invalid-header-name', 'empty field name')
  span.colon = i
  let v = i + 1
  while (v < end && (bytes[v] === SP || bytes[v] === HTAB)) v++
  let last = end
  while (last > v && (bytes[last - 1] === SP || bytes[last - 1] === HTAB)) last--
  for (let k = v; k < last; k++) {
    const b = bytes[k]!
    if (FIELD_VALUE_CHAR[b] === 0) {
      if (b === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
      throw new ParseError('invalid-header-value', 'invalid character in field value')
    }
  }
  span.valueStart = v
  span.valueEnd = last
  return span
}
