/**
 * RFC 9113 §8.2 and §8.3: turning a decoded field block into a request head or trailers,
 * or saying why it is malformed (§8.1.1: a malformed request is a stream error of type
 * PROTOCOL_ERROR; the caller resets the stream). Pure functions over `[name, value, …]`.
 *
 * Rules checked, in one pass:
 * - pseudo-headers (§8.3): only :method, :scheme, :authority, :path; each at most once;
 *   all before any regular field; :status is a response field; CONNECT (§8.5) has
 *   :authority and no :scheme/:path, every other method has :method, :scheme and a
 *   non-empty :path;
 * - field names (§8.2.1): non-empty, lowercase tchar only (an uppercase letter is malformed);
 * - field values (§8.2.1, RFC 9110 §5.5): no NUL, CR, LF or other CTL, no leading or
 *   trailing SP/HTAB;
 * - connection-specific fields (§8.2.2): connection, keep-alive, proxy-connection,
 *   transfer-encoding, upgrade; `te` with any value but "trailers";
 * - content-length (RFC 9110 §8.6): 1*DIGIT, repeated values must agree;
 * - cookie crumbs (§8.2.3) are joined with "; " into one field, at the first crumb's place.
 * @module
 */
import { FIELD_VALUE_CHAR, HOST_CHAR, HTAB, SCHEME_CHAR, SP, TARGET_CHAR, TCHAR } from '../http/abnf.ts'

/** A request head as the 'request' event carries it. */
export interface RequestHead {
  method: string
  scheme: string
  authority: string | undefined
  path: string
  headers: string[]
  contentLength: number | null
}

/** RFC 9113 §8.2.1: field names are tchar without uppercase letters. */
const NAME_CHAR: Uint8Array = TCHAR.map((ok, b) => (b >= 0x41 && b <= 0x5a ? 0 : ok))

/** A malformed field's reason, or null. Shared by requests, trailers and (in the other direction) responses. */
export function fieldProblem(name: string, value: string): string | null {
  if (name.length === 0) return 'empty field name'
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c > 0xff || NAME_CHAR[c] === 0) return `invalid character in field name ${JSON.stringify(name)}`
  }
  const n = value.length
  if (n > 0) {
    const first = value.charCodeAt(0)
    const last = value.charCodeAt(n - 1)
    if (first === SP || first === HTAB || last === SP || last === HTAB) return `whitespace around the value of ${name}`
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i)
      if (c > 0xff || FIELD_VALUE_CHAR[c] === 0) return `invalid character in the value of ${name}`
    }
  }
  return connectionSpecificProblem(name, value)
}

/** RFC 9113 §8.2.2: fields that only make sense hop-by-hop in HTTP/1.1. */
export function isConnectionSpecific(lowerName: string): boolean {
  switch (lowerName) {
    case 'connection': case 'keep-alive': case 'proxy-connection': case 'transfer-encoding': case 'upgrade':
      return true
  }
  return false
}

function connectionSpecificProblem(name: string, value: string): string | null {
  if (isConnectionSpecific(name)) return `connection-specific field ${name}`
  if (name === 'te' && value !== 'trailers') return 'te other than "trailers"'
  return null
}

function allMatch(s: string, table: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff || table[c] === 0) return false
  }
  return true
}

/** RFC 9110 §8.6: `Content-Length = 1*DIGIT`, possibly as a list of one repeated value. */
function parseContentLength(value: string, previous: number | null): number | string {
  let result = previous
  for (const part of value.split(',')) {
    const digits = part.trim()
    if (!/^[0-9]{1,15}$/.test(digits)) return `invalid content-length ${JSON.stringify(value)}`
    const n = Number(digits)
    if (result !== null && result !== n) return 'conflicting content-length values'
    result = n
  }
  return result!
}

/** The request head of a field block, or why it is malformed. */
export function readRequestHead(fields: readonly string[]): RequestHead | string {
  let method: string | undefined
  let scheme: string | undefined
  let authority: string | undefined
  let path: string | undefined
  let contentLength: number | null = null
  const headers: string[] = []
  let cookieAt = -1
  let i = 0
  for (; i < fields.length; i += 2) {
    const name = fields[i]!
    if (name.charCodeAt(0) !== 0x3a) break
    const value = fields[i + 1]!
    switch (name) {
      case ':method':
        if (method !== undefined) return 'duplicate :method'
        method = value
        break
      case ':scheme':
        if (scheme !== undefined) return 'duplicate :scheme'
        scheme = value
        break
      case ':authority':
        if (authority !== undefined) return 'duplicate :authority'
        authority = value
        break
      case ':path':
        if (path !== undefined) return 'duplicate :path'
        path = value
        break
      default:
        return `pseudo-header ${name} not allowed in a request`
    }
  }
  for (; i < fields.length; i += 2) {
    const name = fields[i]!
    const value = fields[i + 1]!
    if (name.charCodeAt(0) === 0x3a) return `pseudo-header ${name} after a regular field`
    const problem = fieldProblem(name, value)
    if (problem !== null) return problem
    if (name === 'content-length') {
      const n = parseContentLength(value, contentLength)
      if (typeof n === 'string') return n
      contentLength = n
    } else if (name === 'cookie') {
      if (cookieAt >= 0) {
        headers[cookieAt] += '; ' + value
        continue
      }
      cookieAt = headers.length + 1
    }
    headers.push(name, value)
  }
  if (method === undefined) return 'missing :method'
  if (method.length === 0 || !allMatch(method, TCHAR)) return 'invalid :method'
  if (authority !== undefined && (authority.length === 0 || !allMatch(authority, HOST_CHAR))) return 'invalid :authority'
  if (method === 'CONNECT') {
    // §8.5: CONNECT names only the authority. (Extended CONNECT, RFC 8441, is not offered.)
    if (scheme !== undefined || path !== undefined) return 'CONNECT with :scheme or :path'
    if (authority === undefined) return 'CONNECT without :authority'
    return { method, scheme: '', authority, path: '', headers, contentLength }
  }
  if (scheme === undefined) return 'missing :scheme'
  if (path === undefined) return 'missing :path'
  if (scheme.length === 0 || !allMatch(scheme, SCHEME_CHAR)) return 'invalid :scheme'
  if (path.length === 0) return 'empty :path'
  if (!allMatch(path, TARGET_CHAR)) return 'invalid character in :path'
  // §8.3.1: origin-form, or '*' for a server-wide OPTIONS.
  if (path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')) return 'invalid :path'
  return { method, scheme, authority, path, headers, contentLength }
}

/** Trailer fields (§8.1: no pseudo-headers), or why they are malformed. */
export function readTrailers(fields: readonly string[]): string[] | string {
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!
    if (name.charCodeAt(0) === 0x3a) return `pseudo-header ${name} in trailers`
    const problem = fieldProblem(name, fields[i + 1]!)
    if (problem !== null) return problem
  }
  return fields as string[]
}
