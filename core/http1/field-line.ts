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
import { COLON, CR, FIELD_VALUE_CHAR, HTAB, LF, SP, TCHAR } from '../http/abnf.ts'
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
 * Where the scan of an incomplete line stopped, so the next call resumes there instead of
 * rescanning (a head trickled byte by byte stays O(n)), and every byte is judged once, as it
 * arrives, whatever the chunking. Offsets are relative to the line start.
 */
export interface FieldLineCursor {
  /** Next byte to examine. */
  pos: number
  /** The colon, or -1 while still in the name. */
  colon: number
  /** First value byte, or -1 while still skipping the OWS after the colon. */
  valueStart: number
  /** OR of the value bytes so far (for nonAscii). */
  seen: number
}

/** A cursor at the start of a line. */
export function newCursor(): FieldLineCursor {
  return { pos: 0, colon: -1, valueStart: -1, seen: 0 }
}

const scratch: FieldLineCursor = newCursor()

/**
 * Validates the field line starting at `start` and locates its parts. Returns null when the
 * line is not complete before `limit` (its CRLF has not arrived); with a `cursor`, the next
 * call continues where this one stopped. Throws `ParseError` at the first invalid byte.
 */
export function scanFieldLine(
  bytes: Uint8Array,
  start: number,
  limit: number,
  cursor: FieldLineCursor = resetCursor(scratch),
): FieldLineSpan | null {
  if (start >= limit) return null
  if (cursor.colon < 0) {
    const first = bytes[start]!
    if (first === SP || first === HTAB) {
      throw new ParseError('obsolete-line-folding', 'line folding (obs-fold) is not accepted')
    }
    let i = start + cursor.pos
    while (i < limit && TCHAR[bytes[i]!] === 1) i++
    cursor.pos = i - start
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
    cursor.colon = i - start
    cursor.pos = i + 1 - start
  }
  if (cursor.valueStart < 0) {
    let v = start + cursor.pos
    while (v < limit && (bytes[v] === SP || bytes[v] === HTAB)) v++
    cursor.pos = v - start
    if (v === limit) return null
    cursor.valueStart = v - start
  }
  let seen = cursor.seen
  let k = start + cursor.pos
  if (bytes !== lastBytes) cacheWords(bytes)
  const words = lastWords
  const offset = lastOffset
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
  cursor.pos = k - start
  cursor.seen = seen
  if (k === limit) return null
  const b = bytes[k]!
  if (b !== CR) {
    if (b === LF) throw new ParseError('bare-lf', 'LF without CR')
    throw new ParseError('invalid-header-value', 'invalid character in field value')
  }
  if (k + 1 === limit) return null
  if (bytes[k + 1] !== LF) throw new ParseError('bare-cr', 'CR not followed by LF')
  const v = start + cursor.valueStart
  let last = k
  while (last > v && (bytes[last - 1] === SP || bytes[last - 1] === HTAB)) last--
  span.colon = start + cursor.colon
  span.valueStart = v
  span.valueEnd = last
  span.lineEnd = k
  span.nonAscii = seen >= 0x80
  resetCursor(cursor)
  return span
}

/**
 * The common case in one tight loop: reads consecutive field lines from `start` while each is
 * complete before `limit`, ASCII, and valid, writing four offsets per line into `spans` from
 * index `4 * count` (colon, value start, value end, CR; relative to `base`), up to `maxCount`
 * lines in all. Returns the new line count. It stops, without judging, at the first line
 * that is anything else (incomplete, obs-text, invalid, the blank line), which the caller
 * then reads with `scanFieldLine`: so every error and every partial line still comes from
 * the one strict scanner, and this loop only skips its per-line cursor bookkeeping.
 */
export function scanCompleteFieldLines(
  bytes: Uint8Array,
  start: number,
  limit: number,
  base: number,
  spans: number[],
  count: number,
  maxCount: number,
): number {
  if (bytes !== lastBytes) cacheWords(bytes)
  const words = lastWords
  const offset = lastOffset
  let at = start
  while (count < maxCount) {
    let i = at
    while (i < limit && TCHAR[bytes[i]!] === 1) i++
    if (i === at || i >= limit || bytes[i] !== COLON) break
    const colon = i
    let k = i + 1
    while (k < limit && (bytes[k] === SP || bytes[k] === HTAB)) k++
    const valueStart = k
    for (;;) {
      if (((offset + k) & 3) === 0) {
        while (k + 4 <= limit && isPrintableAsciiWord(words[(offset + k) >> 2]!)) k += 4
      }
      if (k >= limit) break
      const b = bytes[k]!
      if (b !== HTAB && (b < 0x20 || b > 0x7e)) break
      k++
    }
    if (k + 1 >= limit || bytes[k] !== CR || bytes[k + 1] !== LF) break
    let last = k
    while (last > valueStart && (bytes[last - 1] === SP || bytes[last - 1] === HTAB)) last--
    const n = 4 * count++
    spans[n] = colon - base
    spans[n + 1] = valueStart - base
    spans[n + 2] = last - base
    spans[n + 3] = k - base
    at = k + 2
  }
  return count
}

/** Moves a cursor back to the start of a line. */
export function resetCursor(cursor: FieldLineCursor): FieldLineCursor {
  cursor.pos = 0
  cursor.colon = -1
  cursor.valueStart = -1
  cursor.seen = 0
  return cursor
}

// The array last scanned, with a 32-bit view of its whole backing buffer (offset 0, so always
// aligned) and its offset in that buffer. Keyed by the array itself: reading `.buffer` and
// `.byteOffset` of a Buffer costs more than scanning a short field value, and a head's lines
// all come from one array.
let lastBytes: Uint8Array | null = null
let lastWords: Uint32Array = new Uint32Array(0)
let lastOffset = 0

/**
 * `bytes[start, end)` as a plain Uint8Array view. For a subclass (a Buffer) this is
 * several times cheaper than `subarray`, which goes through the subclass's constructor.
 */
export function plainView(bytes: Uint8Array, start: number, end: number): Uint8Array {
  if (bytes !== lastBytes) cacheWords(bytes)
  return new Uint8Array(lastWords.buffer, lastOffset + start, end - start)
}

function cacheWords(bytes: Uint8Array): void {
  const buffer = bytes.buffer
  if (lastWords.buffer !== buffer) lastWords = new Uint32Array(buffer, 0, buffer.byteLength >> 2)
  lastBytes = bytes
  lastOffset = bytes.byteOffset
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
