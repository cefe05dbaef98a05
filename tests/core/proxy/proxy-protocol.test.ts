/**
 * PROXY protocol parser: every vector in `tests/vectors/proxy-protocol.ts` whole, at every
 * prefix length (the parser sees all bytes so far, so that is every split and bytewise
 * feeding), with HTTP bytes after the header, and from an unaligned view of a larger buffer.
 */
import { describe, expect, it } from 'vitest'
import { ParseError } from '../../../core/http1/errors.ts'
import { crc32c, parseProxyHeader, type ProxyHeaderResult } from '../../../core/proxy/proxy-protocol.ts'
import { proxyV1, proxyV2, v2, type ProxyVector } from '../../vectors/proxy-protocol.ts'

const HTTP = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n')

function bytesOf(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input
  return Uint8Array.from(input, (c) => c.charCodeAt(0))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The result, or the error code it threw (anything but a ParseError fails the test). */
function attempt(bytes: Uint8Array, v: ProxyVector): ProxyHeaderResult | string {
  try {
    return parseProxyHeader(bytes, v.maxV2Bytes === undefined ? undefined : { maxV2Bytes: v.maxV2Bytes })
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError)
    return (error as ParseError).code
  }
}

/** `bytes` copied to offset 3 of a larger buffer: DataView and subarray offsets must hold. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.length + 7).fill(0xee)
  big.set(bytes, 3)
  return big.subarray(3, 3 + bytes.length)
}

function run(vectors: ProxyVector[]): void {
  it('names are unique and every vector says why', () => {
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length)
    for (const v of vectors) expect(v.why, v.name).not.toBe('')
  })
  for (const v of vectors) {
    const header = bytesOf(v.input)
    if (v.error === undefined) {
      it(v.name, () => {
        const consumed = v.consumed ?? header.length
        const stream = concat(header, HTTP)
        const whole = attempt(stream, v)
        expect(whole).toMatchObject({ done: true, consumed, info: v.info })
        for (let k = 0; k < consumed; k++) expect(attempt(stream.subarray(0, k), v), `prefix ${k}`).toEqual({ done: false })
        for (let k = consumed; k <= stream.length; k++) expect(attempt(stream.subarray(0, k), v), `prefix ${k}`).toEqual(whole)
        expect(attempt(unaligned(stream), v)).toEqual(whole)
      })
    } else {
      it(`${v.name} → ${v.error}`, () => {
        expect(attempt(header, v)).toBe(v.error)
        expect(attempt(unaligned(header), v)).toBe(v.error)
        expect(attempt(concat(header, HTTP), v)).toBe(v.error)
        // No prefix may be accepted; once refused, every longer prefix is refused too.
        let refusedAt = -1
        for (let k = 0; k <= header.length; k++) {
          const result = attempt(header.subarray(0, k), v)
          if (refusedAt >= 0) expect(result, `prefix ${k}`).toBe(v.error)
          else if (result === v.error) refusedAt = k
          else expect(result, `prefix ${k}`).toEqual({ done: false })
        }
        if (v.failsBy !== undefined) expect(refusedAt).toBe(v.failsBy)
      })
    }
  }
}

describe('PROXY v1', () => run(proxyV1))
describe('PROXY v2', () => run(proxyV2))

describe('parseProxyHeader', () => {
  it('needs data when empty', () => {
    expect(parseProxyHeader(new Uint8Array(0))).toEqual({ done: false })
  })

  it('waits for 16 bytes before reading the v2 length', () => {
    const header = v2(0x21, 0x00, [])
    for (let k = 1; k < 16; k++) expect(parseProxyHeader(header.subarray(0, k))).toEqual({ done: false })
    expect(parseProxyHeader(header)).toMatchObject({ done: true, consumed: 16 })
  })

  it('keeps TLV values as views that survive later reads of the buffer', () => {
    const header = v2(0x21, 0x00, [0xe0, 0, 2, 7, 8])
    const result = parseProxyHeader(header)
    expect(result.done && result.info.tlvs[0]?.value).toEqual(new Uint8Array([7, 8]))
  })

  it('never throws anything but ParseError on random bytes after a signature', () => {
    const sig = v2(0x21, 0x11, []).subarray(0, 12)
    let seed = 7
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff
    for (let round = 0; round < 2000; round++) {
      const body = Uint8Array.from({ length: 4 + (round % 60) }, random)
      body[0] = 0x20 | (body[0]! & 1)
      body[2] = 0
      body[3] = Math.min(body[3]!, body.length - 4)
      const input = concat(round % 2 ? sig : new TextEncoder().encode('PROXY '), body)
      try {
        parseProxyHeader(input)
      } catch (error) {
        expect(error).toBeInstanceOf(ParseError)
      }
    }
  })
})

describe('crc32c', () => {
  it('matches the RFC 3720 check value', () => {
    // RFC 3720 B.4 / the common CRC-32C check: crc32c("123456789") = 0xE3069283.
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
  })

  it('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0)
  })

  it('matches RFC 3720 B.4 vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
  })
})
