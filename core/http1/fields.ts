/**
 * Rules for the fields that decide framing and persistence: Content-Length (RFC 9110 §8.6),
 * Transfer-Encoding (RFC 9112 §6.1), Connection (RFC 9110 §7.6.1), Host (RFC 9110 §7.2)
 * and Expect (RFC 9110 §10.1.1), as HTTP/1.1 framing and persistence read them.
 * @module
 */
import { HOST_CHAR, TCHAR } from '../http/abnf.ts'
import { isOws, splitList, trimOws } from '../http/field-list.ts'
import { ParseError } from './errors.ts'

/** Largest length we accept: 2^53 - 1, the largest integer a JS number holds exactly. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER

/**
 * RFC 9110 §8.6:  Content-Length = 1*DIGIT
 * Several fields, or a list, are accepted only when every value is the same (§8.6 allows
 * that); anything else is a 400 because two parsers could pick different lengths.
 */
export function parseContentLength(values: readonly string[]): number {
  let length = -1
  for (const value of values) {
    const parts = value.includes(',') ? value.split(',').map(trimOws) : [value]
    for (const part of parts) {
      const n = parseDecimal(part)
      if (length >= 0 && n !== length) {
        throw new ParseError('conflicting-content-length', 'Content-Length values differ')
      }
      length = n
    }
  }
  return length
}

function parseDecimal(s: string): number {
  if (s.length === 0) throw new ParseError('invalid-content-length', 'empty Content-Length')
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) throw new ParseError('invalid-content-length', 'Content-Length is not 1*DIGIT')
    n = n * 10 + d
    if (n > MAX_LENGTH) throw new ParseError('invalid-content-length', 'Content-Length too large')
  }
  return n
}

/**
 * RFC 9112 §6.1 and §6.3 for a request's Transfer-Encoding: the final coding must be
 * `chunked` (else 400), chunked must not be applied twice (§7), and we decode no other
 * coding, so any coding before chunked is a 501 (§6.1 SHOULD).
 */
export function checkTransferEncoding(values: readonly string[]): void {
  const codings: string[] = []
  for (const value of values) for (const element of splitList(value)) codings.push(element)
  if (codings.length === 0) throw new ParseError('invalid-transfer-encoding', 'empty Transfer-Encoding')
  const last = codings.length - 1
  for (let i = 0; i <= last; i++) {
    const coding = codings[i]!
    const isChunked = coding.length === 7 && coding.toLowerCase() === 'chunked'
    if (i === last && !isChunked) {
      throw new ParseError('invalid-transfer-encoding', 'final transfer coding is not chunked')
    }
    if (i < last) {
      if (isChunked) throw new ParseError('invalid-transfer-encoding', 'chunked applied more than once')
      if (!isCodingSyntax(coding)) throw new ParseError('invalid-transfer-encoding', 'malformed transfer coding')
      throw new ParseError('unsupported-transfer-encoding', `transfer coding ${coding} is not supported`, 501)
    }
  }
}

/** transfer-coding = token *( OWS ";" OWS transfer-parameter ); parameters are only checked loosely. */
function isCodingSyntax(coding: string): boolean {
  const semi = coding.indexOf(';')
  const name = trimOws(semi < 0 ? coding : coding.slice(0, semi))
  if (name.length === 0) return false
  for (let i = 0; i < name.length; i++) if (TCHAR[name.charCodeAt(i)] !== 1) return false
  return true
}

/** Connection options that matter to HTTP/1.1 framing (RFC 9110 §7.6.1, RFC 9112 §9.3). */
export interface ConnectionTokens {
  close: boolean
  keepAlive: boolean
  upgrade: boolean
}

/** Reads the Connection field's tokens (case-insensitive). */
export function connectionTokens(values: readonly string[] | null): ConnectionTokens {
  const options = { close: false, keepAlive: false, upgrade: false }
  if (values === null) return options
  // The #list walked in place (no split, no lowercased copies): it is read on every request.
  for (const value of values) {
    for (let i = 0; i <= value.length;) {
      let end = value.indexOf(',', i)
      if (end < 0) end = value.length
      let a = i
      let b = end
      while (a < b && isOws(value.charCodeAt(a))) a++
      while (b > a && isOws(value.charCodeAt(b - 1))) b--
      if (isLowerAt(value, a, b, 'close')) options.close = true
      else if (isLowerAt(value, a, b, 'keep-alive')) options.keepAlive = true
      else if (isLowerAt(value, a, b, 'upgrade')) options.upgrade = true
      i = end + 1
    }
  }
  return options
}

/**
 * True when `s[a, b)` is `lower` in any ASCII case. `| 0x20` lowercases letters; the only
 * other byte it maps onto a letter or "-" of `lower` is CR (onto "-"), which no field value holds.
 */
function isLowerAt(s: string, a: number, b: number, lower: string): boolean {
  if (b - a !== lower.length) return false
  for (let i = 0; i < lower.length; i++) if ((s.charCodeAt(a + i) | 0x20) !== lower.charCodeAt(i)) return false
  return true
}

/**
 * RFC 9110 §7.2: Host = uri-host [ ":" port ]. An empty value is allowed (a target URI
 * without authority). Characters that would change the URL's shape are refused.
 */
export function checkHost(value: string): void {
  // One pass: the characters, the last "]" and ":", and whether the port is digits.
  let close = -1
  let colon = -1
  let colons = 0
  let portIsDigits = true
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (HOST_CHAR[c] !== 1) throw new ParseError('invalid-host', 'invalid character in Host')
    if (c === 0x3a) {
      colon = i
      colons++
      portIsDigits = true
    } else if (c === 0x5d) close = i
    else if (c < 0x30 || c > 0x39) portIsDigits = false
  }
  if (value.charCodeAt(0) === 0x5b ? close < 0 : colons > 1) {
    throw new ParseError('invalid-host', 'malformed Host')
  }
  if (colon > close && !portIsDigits) throw new ParseError('invalid-host', 'Host port is not digits')
}

/** True when the Expect field asks for `100-continue` (case-insensitive, RFC 9110 §10.1.1). */
export function wantsContinue(values: readonly string[] | null): boolean {
  if (values === null) return false
  for (const value of values) {
    for (const e of splitList(value)) if (e.toLowerCase() === '100-continue') return true
  }
  return false
}
