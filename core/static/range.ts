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
 * The satisfiable ranges are sent (206; several as multipart/byteranges, see
 * `byteranges.ts`), the unsatisfiable ones dropped; none satisfiable → 416 with the
 * unsatisfied-range Content-Range (§14.4: `bytes *`, a slash, the size). A header that does
 * not parse is ignored (§14.2: a server MAY ignore Range), and so is one that looks like the
 * "many small ranges" attack of §17.15: more than `MAX_RANGES` ranges, or ranges out of
 * ascending order that overlap. Ranges in ascending order that overlap or nearly touch are
 * coalesced (§15.3.7.2), so the bytes sent never exceed the representation's size plus a
 * part header per range.
 * @module
 */

/** A byte range to send: `start` to `end` inclusive, as Content-Range writes it. */
export interface ByteRange {
  start: number
  end: number
}

/** What to do with a Range header: send these ranges (at least one, in order), send everything, or answer 416. */
export type RangeDecision = readonly ByteRange[] | 'whole' | 'unsatisfiable'

/** Range sets longer than this are ignored (whole file): no reason to parse a megabyte. */
const MAX_RANGE_HEADER = 1024
/** More range-specs than this are ignored (whole file): §14.2 lets a server refuse a flood of small ranges. */
export const MAX_RANGES = 16
/** Ranges in order closer than this are sent as one: a gap this small costs less than a part header. */
const COALESCE_GAP_BYTES = 80

/** The decision for `header` (null: no Range) on a representation of `size` bytes. */
export function parseRange(header: string | null, size: number): RangeDecision {
  if (header === null || header.length > MAX_RANGE_HEADER) return 'whole'
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return 'whole'
  // An empty file has no byte to send: ignore the Range rather than 416 what exists.
  if (size === 0) return 'whole'
  const ranges: ByteRange[] = []
  let specs = 0
  for (const item of header.slice(eq + 1).split(',')) {
    const spec = item.trim()
    if (spec === '') continue // #rule: empty list elements are allowed and ignored
    if (++specs > MAX_RANGES) return 'whole'
    const match = /^(\d*)-(\d*)$/.exec(spec)
    if (match === null || (match[1] === '' && match[2] === '')) return 'whole'
    const [, first = '', last = ''] = match
    if (first === '') {
      const suffix = Number(last)
      if (suffix !== 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 })
    } else {
      const start = Number(first)
      if (last !== '' && Number(last) < start) return 'whole' // §14.1.1: invalid, so the whole header is
      if (start < size) ranges.push({ start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) })
    }
  }
  if (specs === 0) return 'whole'
  if (ranges.length === 0) return 'unsatisfiable'
  return ranges.length === 1 ? ranges : coalesce(ranges)
}

/**
 * Ascending ranges with those that overlap or nearly touch merged (§15.3.7.2: a server MAY
 * coalesce). Ranges out of ascending order keep the client's order (§15.3.7.2: parts SHOULD
 * follow it) unless two overlap, which only an attack needs: then 'whole'.
 */
function coalesce(ranges: ByteRange[]): RangeDecision {
  const ascending = ranges.every((r, i) => i === 0 || r.start >= ranges[i - 1]!.start)
  if (!ascending) {
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (ranges[i]!.start <= ranges[j]!.end && ranges[j]!.start <= ranges[i]!.end) return 'whole'
      }
    }
    return ranges
  }
  const merged: ByteRange[] = [{ ...ranges[0]! }]
  for (let i = 1; i < ranges.length; i++) {
    const range = ranges[i]!
    const previous = merged[merged.length - 1]!
    if (range.start <= previous.end + 1 + COALESCE_GAP_BYTES) previous.end = Math.max(previous.end, range.end)
    else merged.push({ ...range })
  }
  return merged
}
