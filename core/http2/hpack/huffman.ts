/**
 * The static Huffman code of RFC 7541 §5.2 and Appendix B, both ways.
 *
 * Appendix B is a canonical Huffman code: within one length, codes are consecutive in
 * symbol order, and each length starts where the previous one ended, shifted left. So the
 * code lengths alone (the "len in bits" column below) define it; the codes ("code as hex")
 * are derived at module load, and tests/core/http2/hpack/huffman.test.ts checks all 257 of
 * them against the RFC's table.
 *
 * Decoding walks a finite-state machine four bits at a time (as nghttp2 does). A state is
 * an internal node of the code tree, i.e. the bits of an unfinished code; each (state,
 * nibble) entry gives the next state, the symbol finished on the way if any (codes are at
 * least 5 bits, so at most one per nibble), whether EOS was finished (an error), and
 * whether the unfinished bits left are a legal end of string. §5.2: "A padding strictly
 * longer than 7 bits MUST be treated as a decoding error. A padding not corresponding to
 * the most significant bits of the code for the EOS symbol MUST be treated as a decoding
 * error. A Huffman-encoded string literal containing the EOS symbol MUST be treated as a
 * decoding error." EOS is 30 ones, so legal padding is 0 to 7 one-bits.
 * @module
 */
import { HpackError } from './errors.ts'

/** RFC 7541 Appendix B, "len in bits", for symbols 0x00..0xff and then EOS (256). */
const CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 00..0f
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 10..1f
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //         20..2f  ' ' .. '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //              30..3f  '0' .. '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                40..4f  '@' .. 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //             50..5f  'P' .. '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                60..6f  '`' .. 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //            70..7f  'p' .. DEL
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 80..8f
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 90..9f
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // a0..af
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // b0..bf
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // c0..cf
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // d0..df
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // e0..ef
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // f0..ff
  30, //                                                             EOS
]

const EOS = 256

/** Bits of each symbol's code (index = symbol, 256 = EOS). */
export const HUFFMAN_CODE_LENGTHS: Uint8Array = Uint8Array.from(CODE_LENGTHS)

/** Each symbol's code, right-aligned ("code as hex aligned to LSB" in Appendix B). */
export const HUFFMAN_CODES: Uint32Array = canonicalCodes(HUFFMAN_CODE_LENGTHS)

function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const symbols = Array.from(lengths.keys()).sort((a, b) => lengths[a]! - lengths[b]! || a - b)
  const codes = new Uint32Array(lengths.length)
  let code = 0
  let length = lengths[symbols[0]!]!
  for (const symbol of symbols) {
    code *= 2 ** (lengths[symbol]! - length)
    length = lengths[symbol]!
    codes[symbol] = code++
  }
  return codes
}

// ---- Decoding ---------------------------------------------------------------------------

/** Entry layout: bits 0-7 next state, 8-15 the symbol emitted, then the flags. */
const EMITS = 1 << 16
const FAILS = 1 << 17
const MAY_END = 1 << 18

/** 256 states × 16 nibbles. State 0 is the root: no bits pending. */
const TRANSITIONS: Uint32Array = buildTransitions()

function buildTransitions(): Uint32Array {
  // The code tree: child[node * 2 + bit] is an internal node id (> 0), a leaf -(symbol + 1),
  // or 0 while unset (the root, node 0, is nobody's child). 257 leaves → 256 internal nodes.
  const child = new Int32Array(256 * 2)
  const depth = new Uint8Array(256)
  const allOnes = new Uint8Array(256)
  allOnes[0] = 1
  let nodes = 1
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const code = HUFFMAN_CODES[symbol]!
    let node = 0
    for (let i = HUFFMAN_CODE_LENGTHS[symbol]! - 1; i > 0; i--) {
      const bit = (code >>> i) & 1
      let next = child[node * 2 + bit]!
      if (next === 0) {
        next = child[node * 2 + bit] = nodes++
        depth[next] = depth[node]! + 1
        allOnes[next] = allOnes[node]! & bit
      }
      node = next
    }
    child[node * 2 + (code & 1)] = -(symbol + 1)
  }
  const table = new Uint32Array(256 * 16)
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state
      let entry = 0
      for (let i = 3; i >= 0; i--) {
        const next = child[node * 2 + ((nibble >> i) & 1)]!
        if (next >= 0) {
          node = next
        } else if (next === -(EOS + 1)) {
          entry |= FAILS
          break
        } else {
          entry |= EMITS | ((-next - 1) << 8)
          node = 0
        }
      }
      // Legal padding: a prefix of EOS (all ones) of at most 7 bits.
      if (allOnes[node] && depth[node]! <= 7) entry |= MAY_END
      table[state * 16 + nibble] = entry | node
    }
  }
  return table
}

/** The most octets `encodedLength` octets of Huffman code can decode to (5-bit codes). */
export function maxDecodedLength(encodedLength: number): number {
  return Math.floor((encodedLength * 8) / 5)
}

/**
 * Decodes the Huffman string `bytes[start, end)` into `out` (at least
 * `maxDecodedLength(end - start)` long) and returns the decoded length.
 * Throws `HpackError('invalid-huffman')` on EOS or bad padding.
 */
export function huffmanDecode(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0
  let entry = MAY_END
  let length = 0
  for (let i = start; i < end; i++) {
    const b = bytes[i]!
    entry = TRANSITIONS[(state << 4) | (b >> 4)]!
    if (entry & (EMITS | FAILS)) {
      if (entry & FAILS) throw new HpackError('invalid-huffman', 'Huffman string contains EOS')
      out[length++] = entry >> 8
    }
    entry = TRANSITIONS[((entry & 0xff) << 4) | (b & 0x0f)]!
    if (entry & (EMITS | FAILS)) {
      if (entry & FAILS) throw new HpackError('invalid-huffman', 'Huffman string contains EOS')
      out[length++] = entry >> 8
    }
    state = entry & 0xff
  }
  if (!(entry & MAY_END)) throw new HpackError('invalid-huffman', 'Huffman padding is longer than 7 bits or not all ones')
  return length
}

// ---- Encoding ---------------------------------------------------------------------------

/**
 * Octets `s` takes Huffman-coded. Throws `HpackError('invalid-octet')` for a character
 * above U+00FF: field values are octets, carried as latin1 strings.
 */
export function huffmanLength(s: string): number {
  let bits = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff) throw new HpackError('invalid-octet', `field has a character above U+00FF at ${i}`)
    bits += HUFFMAN_CODE_LENGTHS[c]!
  }
  return (bits + 7) >> 3
}

/**
 * Writes `s` (latin1, checked by `huffmanLength` first) Huffman-coded at `out[pos]`, padded
 * with the leading ones of EOS, and returns the position after it.
 */
export function huffmanEncode(s: string, out: Uint8Array, pos: number): number {
  // `pending` holds the `count` (< 8) bits not yet written, right-aligned. Codes up to 24
  // bits are shifted in whole (≤ 31 bits in all); longer ones in two steps.
  let pending = 0
  let count = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff
    const code = HUFFMAN_CODES[c]!
    const length = HUFFMAN_CODE_LENGTHS[c]!
    if (length <= 24) {
      pending = (pending << length) | code
      count += length
    } else {
      const high = length - 16
      pending = (pending << high) | (code >>> 16)
      count += high
      while (count >= 8) {
        count -= 8
        out[pos++] = pending >>> count
      }
      pending = ((pending & ((1 << count) - 1)) << 16) | (code & 0xffff)
      count += 16
    }
    while (count >= 8) {
      count -= 8
      out[pos++] = pending >>> count
    }
    pending &= (1 << count) - 1
  }
  if (count > 0) out[pos++] = (pending << (8 - count)) | (0xff >> count)
  return pos
}
