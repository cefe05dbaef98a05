/**
 * Conditional requests (RFC 9110 §13.2.2) for a representation that exists, with the
 * preconditions evaluated in the RFC's order:
 *
 *   1. If-Match            fails → 412        (strong comparison; `*` matches)
 *   2. If-Unmodified-Since fails → 412        (only without If-Match)
 *   3. If-None-Match       matches → 304 for GET/HEAD, else 412   (weak comparison)
 *   4. If-Modified-Since   not modified → 304 (GET/HEAD only, and only without If-None-Match)
 *   5. If-Range            decides whether Range is honoured (see `rangeApplies`)
 *
 * A header that does not parse (a bad date, a malformed tag list) is ignored, as if absent
 * (§13.1.3, §13.1.4). Pure: the headers and the validators in, a verdict out.
 * @module
 */
import { matchesStrongly, matchesWeakly, parseHttpDate, parseTagList, wholeSeconds } from './validators.ts'

/** The validators of the selected representation. */
export interface Validators {
  /** Our ETag (`"…"` or `W/"…"`), or undefined when none is sent. */
  etag: string | undefined
  /** Modification time in ms since the epoch, or undefined when Last-Modified is not sent. */
  lastModified: number | undefined
}

/** Reads one request header (combined value) or null. */
export type HeaderGetter = (name: string) => string | null

/** What the preconditions decided. */
export type Precondition = 'proceed' | 'not-modified' | 'failed'

/** Steps 1–4 above for a request of `method`. */
export function evaluatePreconditions(method: string, get: HeaderGetter, validators: Validators): Precondition {
  const { etag, lastModified } = validators
  const isRead = method === 'GET' || method === 'HEAD'

  const ifMatch = get('if-match')
  const matchList = ifMatch === null ? null : parseTagList(ifMatch)
  if (matchList !== null) {
    if (etag === undefined ? matchList !== '*' : !matchesStrongly(matchList, etag)) return 'failed'
  } else {
    const since = get('if-unmodified-since')
    const date = since === null || lastModified === undefined ? null : parseHttpDate(since)
    if (date !== null && wholeSeconds(lastModified!) > date) return 'failed'
  }

  const ifNoneMatch = get('if-none-match')
  const noneList = ifNoneMatch === null ? null : parseTagList(ifNoneMatch)
  if (noneList !== null) {
    if (noneList === '*' || (etag !== undefined && matchesWeakly(noneList, etag))) return isRead ? 'not-modified' : 'failed'
  } else if (isRead && lastModified !== undefined) {
    const since = get('if-modified-since')
    const date = since === null ? null : parseHttpDate(since)
    if (date !== null && wholeSeconds(lastModified) <= date) return 'not-modified'
  }
  return 'proceed'
}

/**
 * Step 5, §13.1.5: without If-Range, a Range is honoured; with it, only if the validator
 * still matches: an entity-tag by strong comparison, a date only by exact equality with
 * Last-Modified. Otherwise the whole representation is sent (200).
 */
export function rangeApplies(get: HeaderGetter, validators: Validators): boolean {
  const ifRange = get('if-range')
  if (ifRange === null) return true
  const value = ifRange.trim()
  if (value.startsWith('"') || value.startsWith('W/"')) {
    const list = parseTagList(value)
    return list !== null && list !== '*' && list.length === 1 && validators.etag !== undefined && matchesStrongly(list, validators.etag)
  }
  const date = parseHttpDate(value)
  return date !== null && validators.lastModified !== undefined && wholeSeconds(validators.lastModified) === date
}
