/**
 * Rules for the fields that decide framing and persistence: Content-Length (RFC 9110 §8.6),
 * Transfer-Encoding (RFC 9112 §6.1), Connection (RFC 9110 §7.6.1), Host (RFC 9110 §7.2)
 * and Expect (RFC 9110 §10.1.1), as HTTP/1.1 framing and persistence read them.
 * @module
 */
import { HOST_CHAR, TCHAR } from '../http/abnf.ts'
import { splitList, trimOws } from '../http/field-list.ts'
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
  for (const value of values) {
    for (const token of splitList(value)) {
      const t = token.toLowerCase()
      if (t === 'close') options.close = true
      else if (t === 'keep-alive') options.keepAlive = true
      else if (t === 'upgrade') options.upgrade = true
    }
  }
  return options
}

/**
 * RFC 9110 §7.2: Host = uri-host [ ":" port ]. An empty value is allowed (a target URI
 * without authority). Characters that would change the URL's shape are refused.
 */
export function checkHost(value: string): void {
  for (let i = 0; i < value.length; i++) {
    if (HOST_CHAR[value.charCodeAt(i)] !== 1) throw new ParseError('invalid-host', 'invalid character in Host')
  }
  const close = value.lastIndexOf(']')
  const colon = value.lastIndexOf(':')
  if (value.startsWith('[') ? close < 0 : value.indexOf(':') !== colon) {
    throw new ParseError('invalid-host', 'malformed Host')
  }
  if (colon > close) {
    for (let i = colon + 1; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c < 0x30 || c > 0x39) throw new ParseError('invalid-host', 'Host port is not digits')
    }
  }
}

/** True when the Expect field asks for `100-continue` (case-insensitive, RFC 9110 §10.1.1). */
export function wantsContinue(values: readonly string[] | null): boolean {
  if (values === null) return false
  for (const value of values) {
    for (const e of splitList(value)) if (e.toLowerCase() === '100-continue') return true
  }
  return false
}
