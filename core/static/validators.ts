/**
 * Validators (RFC 9110 §8.8): the ETag and Last-Modified of a file, entity-tag lists and
 * their two comparisons, and HTTP-dates in all three formats a recipient must accept.
 *
 * Our ETag is strong, `"<mtime ms, hex>-<size, hex>"`, as nginx makes it: If-Match and
 * If-Range compare strongly (§13.1.1, §13.1.5), so a weak tag would disable resumed
 * downloads. mtime+size misses a same-size rewrite within one millisecond; every file server
 * that does not hash the content accepts that. Compression makes the tag weak (§8.8.3.3)
 * and a precompressed sibling gets its own tag, since each is another representation.
 * @module
 */

/** `"<mtime>-<size>"` (hex), with `-<coding>` for a precompressed representation. */
export function fileEtag(size: number, mtimeMs: number, coding?: string): string {
  const tag = `${Math.floor(mtimeMs).toString(16)}-${size.toString(16)}`
  return coding === undefined ? `"${tag}"` : `"${tag}-${coding}"`
}

/** One entity-tag of a list: its opaque part (quotes included) and whether it is weak. */
interface ListedTag {
  weak: boolean
  opaque: string
}

/**
 * An If-Match / If-None-Match value: `'*'`, or its entity-tags; null when it does not parse
 * (such a header is ignored, as if absent).
 *
 *   If-Match = "*" / #entity-tag      entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 */
export function parseTagList(value: string): '*' | ListedTag[] | null {
  const text = value.trim()
  if (text === '*') return '*'
  const tags: ListedTag[] = []
  const pattern = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/gy
  let at = 0
  while (at < text.length) {
    pattern.lastIndex = at
    const match = pattern.exec(text)
    if (match === null) return null
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! })
    at = pattern.lastIndex
  }
  return tags
}

/** §8.8.3.2 strong comparison: both strong and the same. `etag` is ours (`"…"` or `W/"…"`). */
export function matchesStrongly(list: '*' | ListedTag[], etag: string): boolean {
  if (list === '*') return true
  if (etag.startsWith('W/')) return false
  return list.some((tag) => !tag.weak && tag.opaque === etag)
}

/** §8.8.3.2 weak comparison: the opaque parts are the same, weak or not. */
export function matchesWeakly(list: '*' | ListedTag[], etag: string): boolean {
  if (list === '*') return true
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag
  return list.some((tag) => tag.opaque === opaque)
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/

/**
 * An HTTP-date (§5.6.7) in ms since the epoch, or null when it is none of the three formats
 * (an invalid date in a conditional header makes the header ignored, §13.1.3).
 */
export function parseHttpDate(text: string): number | null {
  const value = text.trim()
  let parts: [day: string, month: string, year: number, h: string, m: string, s: string]
  let match: RegExpExecArray | null
  if ((match = IMF_FIXDATE.exec(value)) !== null) {
    parts = [match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!]
  } else if ((match = RFC850_DATE.exec(value)) !== null) {
    // §5.6.7 reads a two-digit year against the current one; without a clock in core we fix
    // the pivot: 70–99 are 19xx, 00–69 are 20xx (the same answer until 2050).
    const yy = Number(match[3])
    parts = [match[1]!, match[2]!, yy >= 70 ? 1900 + yy : 2000 + yy, match[4]!, match[5]!, match[6]!]
  } else if ((match = ASCTIME_DATE.exec(value)) !== null) {
    parts = [match[2]!.trim(), match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!]
  } else {
    return null
  }
  const [day, month, year, h, m, s] = parts
  const monthIndex = MONTHS.indexOf(month)
  if (monthIndex === -1 || monthIndex % 3 !== 0 || Number(h) > 23 || Number(m) > 59 || Number(s) > 60) return null
  const time = Date.UTC(year, monthIndex / 3, Number(day), Number(h), Number(m), Number(s))
  // Date.UTC rolls 31 Feb over into March; a real date keeps its day.
  return new Date(time).getUTCDate() === Number(day) ? time : null
}

/** Last-Modified is in whole seconds; comparisons use the file's time truncated the same way. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}
