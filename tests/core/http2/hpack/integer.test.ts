// Prefix integers (RFC 7541 §5.1): the C.1 examples both ways, every prefix width around
// its boundary, and the overflow guard.
import { describe, expect, it, test } from 'vitest'
import { HpackError } from '../../../../core/http2/hpack/errors.ts'
import { MAX_INTEGER, readInteger, writeInteger } from '../../../../core/http2/hpack/integer.ts'
import { integerExamples } from '../../../vectors/hpack.ts'
import { hex, toHex } from '../../../vectors/ws-client.ts'

function encode(value: number, prefixBits: number, flags = 0): Uint8Array {
  const bytes = new Uint8Array(8)
  return bytes.slice(0, writeInteger(bytes, 0, value, prefixBits, flags))
}

function decode(bytes: Uint8Array, prefixBits: number): { value: number; pos: number } {
  const cursor = { bytes, pos: 0, end: bytes.length }
  const value = readInteger(cursor, prefixBits)
  return { value, pos: cursor.pos }
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

describe('RFC 7541 C.1', () => {
  test.each(integerExamples)('$name', ({ value, prefixBits, hex: expected }) => {
    expect(toHex(encode(value, prefixBits))).toBe(expected.replace(/ /g, ''))
    expect(decode(hex(expected), prefixBits)).toEqual({ value, pos: hex(expected).length })
  })
})

describe('round trip', () => {
  for (let prefixBits = 1; prefixBits <= 8; prefixBits++) {
    it(`${prefixBits}-bit prefix, around 2^N - 1 and the continuation boundaries`, () => {
      const max = (1 << prefixBits) - 1
      const values = [0, 1, max - 1, max, max + 1, max + 127, max + 128, max + 16383, max + 16384, 2 ** 21, 2 ** 28, MAX_INTEGER]
      for (const value of values.filter((v) => v >= 0)) {
        const flags = prefixBits === 8 ? 0 : 0xff & ~max // pattern bits set: must not leak into the value
        const bytes = encode(value, prefixBits, flags)
        expect(decode(bytes, prefixBits)).toEqual({ value, pos: bytes.length })
      }
    })
  }
  it('2^31 - 1 takes the prefix and five continuation octets at most', () => {
    expect(encode(MAX_INTEGER, 1).length).toBe(6)
  })
  it('stops at the end of the integer, not of the block', () => {
    expect(decode(hex('1f 9a 0a ff'), 5)).toEqual({ value: 1337, pos: 3 })
  })
})

describe('overflow guard (RFC 7541 §5.1: "exceed implementation limits")', () => {
  it('2^31 - 1 is accepted, 2^31 is not', () => {
    expect(decode(encode(MAX_INTEGER, 5), 5).value).toBe(MAX_INTEGER)
    // 31 + 0x61 + 127·2^7 + 127·2^14 + 127·2^21 + 7·2^28 = 2^31
    expect(errorCode(() => decode(hex('1f e1 ff ff ff 07'), 5))).toBe('integer-overflow')
  })
  it('six continuation octets are refused even when their bits are zero', () => {
    expect(decode(hex('1f 80 80 80 80 00'), 5).value).toBe(31)
    expect(errorCode(() => decode(hex('1f 80 80 80 80 80 00'), 5))).toBe('integer-overflow')
  })
  it('a block ending inside an integer is truncated', () => {
    expect(errorCode(() => decode(hex('1f'), 5))).toBe('truncated')
    expect(errorCode(() => decode(hex('1f ff ff'), 5))).toBe('truncated')
  })
})
