// SHA-1 (FIPS 180-4) and base64 (RFC 4648), checked against the standards' vectors and
// against node:crypto / Buffer on random input.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it, test } from 'vitest'
import { base64Decode, base64Encode } from '../../../core/ws/base64.ts'
import { acceptKey, sha1 } from '../../../core/ws/sha1.ts'
import { toHex, utf8 } from '../../vectors/ws-client.ts'

describe('sha1 (FIPS 180-4 example vectors)', () => {
  test.each([
    ['"abc"', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['empty string', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['448-bit message', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    [
      '896-bit message',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'a49b2446a02c645bf419f995b67091253a04a259',
    ],
    ['one million "a"', 'a'.repeat(1_000_000), '34aa973cd4c4daa4f61eeb2bdbad27316534016f'],
  ])('%s', (_, message, digest) => {
    expect(toHex(sha1(utf8(message)))).toBe(digest)
  })

  it('agrees with node:crypto around the padding boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)
      expect(toHex(sha1(bytes))).toBe(createHash('sha1').update(bytes).digest('hex'))
    }
  })

  it('agrees with node:crypto on random input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      expect(toHex(sha1(bytes))).toBe(createHash('sha1').update(bytes).digest('hex'))
    }))
  })
})

describe('Sec-WebSocket-Accept', () => {
  it('RFC 6455 §1.3: dGhlIHNhbXBsZSBub25jZQ== → s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
  })
  it('agrees with node:crypto for random keys', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (nonce) => {
      const key = Buffer.from(nonce).toString('base64')
      const expected = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
      expect(acceptKey(key)).toBe(expected)
    }))
  })
})

describe('base64 (RFC 4648 §10 vectors)', () => {
  test.each([['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']])(
    '%j ⇄ %j',
    (plain, encoded) => {
      expect(base64Encode(utf8(plain))).toBe(encoded)
      expect(base64Decode(encoded)).toEqual(utf8(plain))
    },
  )

  it('round-trips and agrees with Buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = base64Encode(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64'))
      expect(base64Decode(text)).toEqual(bytes)
    }))
  })

  test.each(['Zg', 'Zg=', 'Z===', '=Zg=', 'Zg==Zg==', 'Zm9v\n', 'Zm-v', 'Zm9vYg=a', 'Zm9vé==='])('rejects %j', (text) => {
    expect(base64Decode(text)).toBeNull()
  })
})
