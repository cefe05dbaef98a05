/**
 * Prefix integers (RFC 7541 §5.1). An integer fills the low N bits of a representation's
 * first octet; a value of 2^N - 1 or more spills into continuation octets, 7 bits each,
 * least significant first, the top bit saying "more follows":
 *
 *     if I < 2^N - 1, encode I on N bits
 *     else
 *         encode (2^N - 1) on N bits
 *         I = I - (2^N - 1)
 *         while I >= 128
 *              encode (I % 128 + 128) on 8 bits
 *              I = I / 128
 *         encode I on 8 bits
 *
 * The RFC puts no bound on the length; a decoder must (§5.1: "Integer encodings that
 * exceed implementation limits … MUST be treated as decoding errors"). Every integer HPACK
 * carries is an index, a string length or a table size, so we refuse anything above
 * 2^31 - 1, and a run of more than five continuation octets (35 bits: the most a 31-bit
 * value needs), so zero-valued filler octets cannot spin the decoder either.
 * @module
 */
import { HpackError } from './errors.ts'

/** The largest integer a block may carry: 2^31 - 1, far above any real index or length. */
export const MAX_INTEGER = 0x7fffffff

/** What the decoder reads from: `bytes[pos, end)` is still unread. */
export interface ByteCursor {
  bytes: Uint8Array
  pos: number
  end: number
}

/**
 * Reads an integer whose prefix is the low `prefixBits` bits of `bytes[pos]` (the caller
 * has checked that octet exists) and advances `pos` past it.
 */
export function readInteger(cursor: ByteCursor, prefixBits: number): number {
  const mask = (1 << prefixBits) - 1
  const bytes = cursor.bytes
  let pos = cursor.pos
  let value = bytes[pos++]! & mask
  if (value === mask) {
    const end = cursor.end
    let factor = 1
    for (let continuation = 0; ; continuation++) {
      if (continuation === 5) throw new HpackError('integer-overflow', 'integer: more than five continuation octets')
      if (pos >= end) throw new HpackError('truncated', 'integer: block ends inside an integer')
      const b = bytes[pos++]!
      // Multiplication, not shifts: the sum may pass 2^31 before the check below.
      value += (b & 0x7f) * factor
      if (value > MAX_INTEGER) throw new HpackError('integer-overflow', 'integer: above 2^31 - 1')
      if (b < 0x80) break
      factor *= 128
    }
  }
  cursor.pos = pos
  return value
}

/**
 * Writes `value` with a `prefixBits`-bit prefix at `bytes[pos]`, OR-ing `flags` (the
 * representation's pattern bits) into the first octet. Returns the position after it.
 * The caller guarantees room for 6 octets (the most a 31-bit value takes).
 */
export function writeInteger(bytes: Uint8Array, pos: number, value: number, prefixBits: number, flags: number): number {
  const max = (1 << prefixBits) - 1
  if (value < max) {
    bytes[pos++] = flags | value
    return pos
  }
  bytes[pos++] = flags | max
  value -= max
  while (value >= 128) {
    bytes[pos++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  bytes[pos++] = value
  return pos
}
