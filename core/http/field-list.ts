/**
 * The flat field list every layer passes around (`[name, value, name, value, …]`, names in
 * the case they arrived in) and the RFC 9110 rules for reading it: lookups by name, #list
 * elements (§5.6.1) and OWS (§5.6.3). HTTP semantics, the same for every protocol version.
 * @module
 */
import { HTAB, SP } from './abnf.ts'

/**
 * Header fields as a flat list: `[name0, value0, name1, value1, …]`. Names keep the case
 * they were sent with; values are latin1 strings with surrounding whitespace removed;
 * repeated fields stay separate lines, in order. Flat, as raw header lists usually are, because a
 * pair per field costs an allocation per field.
 */
export type HeaderList = string[]

/** The first value of field `name` (any case), or undefined. */
export function getHeader(headers: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase()
  for (let i = 0; i < headers.length; i += 2) {
    if (isNamed(headers[i]!, lower)) return headers[i + 1]
  }
  return undefined
}

/**
 * `name.toLowerCase() === lower`, without making a lowercased copy of every name looked at
 * (on JavaScriptCore that copy is a runtime call per field per lookup). Names are ASCII
 * tokens; anything else takes `toLowerCase`, so the answer is always the same.
 */
function isNamed(name: string, lower: string): boolean {
  if (name === lower) return true
  if (name.length !== lower.length) return false
  for (let k = 0; k < name.length; k++) {
    let c = name.charCodeAt(k)
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    else if (c > 0x7f) return name.toLowerCase() === lower
    if (c !== lower.charCodeAt(k)) return false
  }
  return true
}

/** Every value of field `lowerName`, in order (RFC 9110 §5.3: field lines combine as a list). */
export function fieldValues(headers: readonly string[], lowerName: string): string[] {
  const out: string[] = []
  for (let i = 0; i < headers.length; i += 2) {
    if (isNamed(headers[i]!, lowerName)) out.push(headers[i + 1]!)
  }
  return out
}

/** True when field `lowerName` is present (any case). */
export function hasField(headers: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if (isNamed(headers[i]!, lowerName)) return true
  }
  return false
}

/** A `Headers` as a field list; `Set-Cookie` values stay separate (Fetch's iteration does that). */
export function headerList(headers: Headers): HeaderList {
  const out: string[] = []
  for (const [name, value] of headers) out.push(name, value)
  return out
}

/**
 * Splits a #list value (RFC 9110 §5.6.1) into trimmed elements. Empty elements are dropped,
 * as the RFC tells recipients to, unless `keepEmpty` (a walk that must stop at one).
 */
export function splitList(value: string, keepEmpty = false): string[] {
  if (!value.includes(',')) {
    const element = trimOws(value)
    return element === '' && !keepEmpty ? [] : [element]
  }
  const out: string[] = []
  for (const part of value.split(',')) {
    const element = trimOws(part)
    if (element !== '' || keepEmpty) out.push(element)
  }
  return out
}

/** Removes OWS (SP / HTAB, RFC 9110 §5.6.3) at both ends. */
export function trimOws(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && isOws(s.charCodeAt(a))) a++
  while (b > a && isOws(s.charCodeAt(b - 1))) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}

/** OWS = *( SP / HTAB ) */
export function isOws(c: number): boolean {
  return c === SP || c === HTAB
}

/**
 * RFC 9110 §5.6.4:
 *   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *   qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
 *   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
 * `s[start]` is the opening quote. Returns the unescaped value and the index after the
 * closing quote, or null if the string is malformed or unterminated.
 */
export function readQuotedString(s: string, start: number): { value: string; end: number } | null {
  let value = ''
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x22) return { value, end: i + 1 }
    if (c === 0x5c) i++
    if (!isQuotedChar(s.charCodeAt(i))) return null
    value += s[i]
  }
  return null
}

/** qdtext and the escaped character of a quoted-pair: HTAB, SP, VCHAR, obs-text (not DEL). */
function isQuotedChar(c: number): boolean {
  return c === HTAB || (c >= SP && c !== 0x7f && c <= 0xff)
}
