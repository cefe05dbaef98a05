/**
 * RFC 9110/9112 character classes as 256-entry lookup tables: one indexed load per byte,
 * as in httparse and llhttp.
 * @module
 */

function table(accepts: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256)
  for (let b = 0; b < 256; b++) t[b] = accepts(b) ? 1 : 0
  return t
}

const TCHAR_PUNCT = "!#$%&'*+-.^_`|~"
const isAlnum = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)

/**
 * RFC 9110 §5.6.2:
 *   token = 1*tchar
 *   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 */
export const TCHAR: Uint8Array = table((b) => isAlnum(b) || TCHAR_PUNCT.includes(String.fromCharCode(b)))

/**
 * RFC 9110 §5.5:
 *   field-value = *field-content        field-vchar = VCHAR / obs-text
 *   obs-text = %x80-FF                  and SP / HTAB between field-vchars
 * So: HTAB, SP, %x21-7E, %x80-FF. NUL, CR, LF, other CTLs and DEL are out.
 */
export const FIELD_VALUE_CHAR: Uint8Array = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f))

/**
 * Request-target bytes (RFC 9112 §3.2, RFC 3986): visible ASCII only. '#' never appears in a
 * request-target (fragments stay with the client), and non-ASCII must be percent-encoded.
 */
export const TARGET_CHAR: Uint8Array = table((b) => b > 0x20 && b < 0x7f && b !== 0x23)

/**
 * RFC 3986 §3.2.2 reg-name / IP-literal / IPv4address with ":" port, as one permissive class:
 *   unreserved / pct-encoded / sub-delims / ":" / "[" / "]"
 * Anything else in Host ("/", "@", "?", space …) is rejected: it would reshape the URL.
 */
export const HOST_CHAR: Uint8Array = table(
  (b) => isAlnum(b) || "-._~%!$&'()*+,;=:[]".includes(String.fromCharCode(b)),
)

/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME_CHAR: Uint8Array = table((b) => isAlnum(b) || b === 0x2b || b === 0x2d || b === 0x2e)

/** HEXDIG value, or 255 for a non-hex byte. */
export const HEX_VALUE: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(255)
  for (let i = 0; i < 10; i++) t[0x30 + i] = i
  for (let i = 0; i < 6; i++) t[0x41 + i] = t[0x61 + i] = 10 + i
  return t
})()

/** True when every character of `s` is a tchar and `s` is not empty. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff || TCHAR[c] === 0) return false
  }
  return true
}

/** True when `s` is a valid field value (RFC 9110 §5.5); code units above 0xFF are not bytes. */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff || FIELD_VALUE_CHAR[c] === 0) return false
  }
  return true
}

export const CR = 0x0d
export const LF = 0x0a
export const SP = 0x20
export const HTAB = 0x09
export const COLON = 0x3a
