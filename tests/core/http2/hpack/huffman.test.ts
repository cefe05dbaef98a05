// The Huffman code (RFC 7541 §5.2, Appendix B): the derived codes against the RFC's table,
// every code through the encoder and the decoder, the padding and EOS rules, and random
// round trips.
import { describe, expect, it } from 'vitest'
import { HpackError } from '../../../../core/http2/hpack/errors.ts'
import {
  HUFFMAN_CODE_LENGTHS,
  HUFFMAN_CODES,
  huffmanDecode,
  huffmanEncode,
  huffmanLength,
  maxDecodedLength,
} from '../../../../core/http2/hpack/huffman.ts'
import { huffmanCodes } from '../../../vectors/hpack.ts'
import { hex, toHex } from '../../../vectors/ws-client.ts'
import { seededRandom } from './random.ts'

function encode(s: string): Uint8Array {
  const out = new Uint8Array(huffmanLength(s))
  expect(huffmanEncode(s, out, 0)).toBe(out.length)
  return out
}

function decode(bytes: Uint8Array): string {
  const out = new Uint8Array(maxDecodedLength(bytes.length))
  return String.fromCharCode(...out.subarray(0, huffmanDecode(bytes, 0, bytes.length, out)))
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f()
  } catch (error) {
    if (error instanceof HpackError) return error.code
    throw error
  }
  return undefined
}

/** `bits` (a string of 0/1) padded with ones to whole octets. */
function bitsToBytes(bits: string): Uint8Array {
  const padded = bits + '1'.repeat((8 - (bits.length % 8)) % 8)
  return Uint8Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2))
}

const codeBits = (symbol: number): string => HUFFMAN_CODES[symbol]!.toString(2).padStart(HUFFMAN_CODE_LENGTHS[symbol]!, '0')

describe('Appendix B table', () => {
  it('has 257 codes, each equal to the RFC (code as hex, len in bits)', () => {
    expect(huffmanCodes).toHaveLength(257)
    expect(Array.from(HUFFMAN_CODES)).toEqual(huffmanCodes.map(([code]) => code))
    expect(Array.from(HUFFMAN_CODE_LENGTHS)).toEqual(huffmanCodes.map(([, bits]) => bits))
  })
  it('is a complete prefix code (Kraft sum exactly 1)', () => {
    const sum = huffmanCodes.reduce((s, [, bits]) => s + 2 ** -bits, 0)
    expect(sum).toBe(1)
  })
})

describe('every code', () => {
  it('each of the 256 symbols encodes to its code, padded with ones, and decodes back', () => {
    for (let symbol = 0; symbol < 256; symbol++) {
      const s = String.fromCharCode(symbol)
      const bytes = encode(s)
      expect(toHex(bytes)).toBe(toHex(bitsToBytes(codeBits(symbol))))
      expect(decode(bytes)).toBe(s)
    }
  })
  it('each symbol decodes at every bit alignment (after 0 to 7 bits of another code)', () => {
    // 'a' is 00011 (5 bits), '0' is 00000: prefixes of 0..7 bits built from them.
    const prefixes = ['', 'a', '0a', 'aaa', '00000', 'a0a0a0a']
    for (let symbol = 0; symbol < 256; symbol++) {
      for (const prefix of prefixes) {
        const s = prefix + String.fromCharCode(symbol)
        expect(decode(encode(s))).toBe(s)
      }
    }
  })
  it('EOS inside a string is an error, at any alignment', () => {
    for (let pad = 0; pad < 8; pad++) {
      const bits = codeBits(0x61).repeat(pad) + codeBits(256)
      expect(errorCode(() => decode(bitsToBytes(bits)))).toBe('invalid-huffman')
    }
  })
})

describe('padding (RFC 7541 §5.2)', () => {
  it('0 to 7 one-bits are accepted', () => {
    // '0' = 00000: n zeros-codes then ones to the octet boundary
    for (let n = 1; n <= 8; n++) expect(decode(bitsToBytes('00000'.repeat(n)))).toBe('0'.repeat(n))
    expect(decode(new Uint8Array(0))).toBe('')
  })
  it('8 or more one-bits are refused', () => {
    expect(errorCode(() => decode(hex('ff')))).toBe('invalid-huffman')
    expect(errorCode(() => decode(hex('07 ff')))).toBe('invalid-huffman') // '0' (00000) then 11 ones
    expect(errorCode(() => decode(hex('ff ff ff')))).toBe('invalid-huffman')
  })
  it('padding with a zero bit is refused (not a prefix of EOS)', () => {
    expect(errorCode(() => decode(hex('00')))).toBe('invalid-huffman') // '0' + 000
    expect(errorCode(() => decode(hex('06')))).toBe('invalid-huffman') // '0' + 110
    expect(errorCode(() => decode(hex('fe')))).toBe('invalid-huffman') // 7 ones then 0: unfinished code
  })
  it('an unfinished code that is not all ones is refused even when short', () => {
    // 'a' (00011) then 110: the start of codes such as 'E' (1100000), not of EOS
    expect(codeBits(0x61)).toBe('00011')
    expect(errorCode(() => decode(bitsToBytes('00011' + '110')))).toBe('invalid-huffman')
    expect(decode(bitsToBytes('00011' + '111'))).toBe('a')
  })
})

describe('lengths', () => {
  it('huffmanLength is the octets written', () => {
    expect(huffmanLength('www.example.com')).toBe(12) // RFC 7541 C.4.1
    expect(huffmanLength('no-cache')).toBe(6) // C.4.2
    expect(huffmanLength('')).toBe(0)
  })
  it('maxDecodedLength bounds the output (5-bit codes are the shortest)', () => {
    const s = '0'.repeat(1000)
    const bytes = encode(s)
    expect(maxDecodedLength(bytes.length)).toBeGreaterThanOrEqual(1000)
  })
  it('refuses characters above U+00FF', () => {
    expect(errorCode(() => huffmanLength('caf\u00e9'))).toBeUndefined()
    expect(errorCode(() => huffmanLength('\u0100'))).toBe('invalid-octet')
  })
})

describe('random round trips (seeded)', () => {
  it('2000 strings of random octets', () => {
    const random = seededRandom(7541)
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 64)
      const s = String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 256)))
      expect(decode(encode(s))).toBe(s)
    }
  })
})
