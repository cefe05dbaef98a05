/**
 * The Range header (RFC 9110 §14.2) for one representation of known size.
 *
 *   Range           = ranges-specifier
 *   ranges-specifier = range-unit "=" range-set          range-unit = "bytes" (case-insensitive)
 *   range-set       = 1#range-spec
 *   range-spec      = int-range / suffix-range            (other-range: not bytes, ignored)
 *   int-range       = first-pos "-" [ last-pos ]
 *   suffix-range    = "-" suffix-length
 *
 * One satisfiable range → 206 with that range. Several ranges → the whole file as 200: the
 * RFC lets a server ignore Range (§14.2), and browsers, media players and download tools ask
 * for one range; multipart/byteranges is left out. None satisfiable → 416 with the
 * unsatisfied-range Content-Range (§14.4: `bytes *`, a slash, the size). A header that does not parse is ignored.
 * @module
 */

/** A byte range to send: `start` to `end` inclusive, as Content-Range writes it. */
export interface ByteRange {
  start: number
  end: number
}

/** What to do with a Range header: send a range, send everything, or answer 416. */
export type RangeDecision = ByteRange | 'whole' | 'unsatisfiable'

/** Range sets longer than this are ignored (whole file): no reason to parse a megabyte. */
const MAX_RANGE_HEADER = 1024

/** The decision for `header` (null: no Range) on a representation of `size` bytes. */
export function parseRange(header: string | null, size: number): RangeDecision {
  if (header === null || header.length > MAX_RANGE_HEADER) return 'whole'
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return 'whole'
  // An empty file has no byte to send: ignore the Range rather than 416 what exists.
  if (size === 0) return 'whole'
  let chosen: ByteRange | null = null
  let satisfiable = 0
  let specs = 0
  for (const item of header.slice(eq + 1).split(',')) {
    const spec = item.trim()
    if (spec === '') continue // #rule: empty list elements are allowed and ignored
    specs++
    const match = /^(\d*)-(\d*)$/.exec(spec)
    if (match === null || (match[1] === '' && match[2] === '')) return 'whole'
    const [, first = '', last = ''] = match
    let range: ByteRange | null
    if (first === '') {
      const suffix = Number(last)
      range = suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 }
    } else {
      const start = Number(first)
      if (last !== '' && Number(last) < start) return 'whole' // §14.1.1: invalid, so the whole header is
      range = start >= size ? null : { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
    }
    if (range !== null) {
      satisfiable++
      chosen = range
    }
  }
  if (specs === 0) return 'whole'
  if (satisfiable === 0) return 'unsatisfiable'
  return specs === 1 ? chosen! : 'whole'
}
