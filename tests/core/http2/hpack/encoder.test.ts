// The encoder (RFC 7541 §6, §7): the Appendix C request and response examples byte for
// byte, the choice of representation per field, Huffman only when shorter, and the table
// size updates of §4.2 after setPeerMaxTableSize.
import { describe, expect, it } from 'vitest'
import { HpackDecoder } from '../../../../core/http2/hpack/decoder.ts'
import { HpackEncoder } from '../../../../core/http2/hpack/encoder.ts'
import { HpackError } from '../../../../core/http2/hpack/errors.ts'
import { rfcExamples, type HpackSequence } from '../../../vectors/hpack.ts'
import { toHex } from '../../../vectors/ws-client.ts'

const sequence = (section: string): HpackSequence => rfcExamples.find((s) => s.section === section)!
const clean = (hexText: string): string => hexText.replace(/\s+/g, '')

type Kind = 'indexed' | 'incremental' | 'size-update' | 'never-indexed' | 'without-indexing'

/** The representation a block's first octet announces (RFC 7541 §6). */
function kindOf(block: Uint8Array): Kind {
  const b = block[0]!
  if (b >= 0x80) return 'indexed'
  if (b >= 0x40) return 'incremental'
  if (b >= 0x20) return 'size-update'
  return b >= 0x10 ? 'never-indexed' : 'without-indexing'
}

/** One connection's encoder and the peer's decoder. */
function pair(): { encoder: HpackEncoder; decoder: HpackDecoder } {
  return { encoder: new HpackEncoder(), decoder: new HpackDecoder() }
}

/** Encodes each field as its own block and says how each was written; checks that they decode. */
function representations(fields: string[], sensitive?: ReadonlySet<string>, { encoder, decoder } = pair()): Kind[] {
  const out: Kind[] = []
  for (let i = 0; i < fields.length; i += 2) {
    const block = encoder.encode(fields.slice(i, i + 2), sensitive)
    expect(decoder.decode(block)).toEqual(fields.slice(i, i + 2))
    out.push(kindOf(block))
  }
  return out
}

describe('RFC 7541 Appendix C, encoded byte for byte', () => {
  it('C.3 requests without Huffman', () => {
    const encoder = new HpackEncoder({ huffman: false })
    for (const block of sequence('C.3').blocks) {
      expect(toHex(encoder.encode(block.headers)), block.name).toBe(clean(block.hex))
      expect(encoder.tableSize).toBe(block.tableSize)
    }
  })
  it('C.4 requests with Huffman', () => {
    const encoder = new HpackEncoder()
    for (const block of sequence('C.4').blocks) {
      expect(toHex(encoder.encode(block.headers)), block.name).toBe(clean(block.hex))
      expect(encoder.tableSize).toBe(block.tableSize)
    }
  })
  for (const [section, huffman] of [['C.5', false], ['C.6', true]] as const) {
    it(`${section} responses with a 256-octet table`, () => {
      const encoder = new HpackEncoder({ huffman })
      encoder.setPeerMaxTableSize(256)
      const decoder = new HpackDecoder({ maxTableSize: 256 })
      const [first, second, third] = sequence(section).blocks
      // The RFC's examples start at 256 and so carry no size update; we start at the
      // protocol's 4096 and announce 256 first: 3f e1 01 (5-bit prefix).
      const block1 = encoder.encode(first!.headers)
      expect(toHex(block1)).toBe('3fe101' + clean(first!.hex))
      expect(encoder.tableSize).toBe(first!.tableSize)
      const block2 = encoder.encode(second!.headers)
      // The RFC Huffman-codes '307' though that saves nothing (3 octets either way); we
      // write a string raw unless Huffman is strictly shorter (raw decodes faster).
      expect(toHex(block2)).toBe(huffman ? '4803333037c1c0bf' : clean(second!.hex))
      expect(encoder.tableSize).toBe(second!.tableSize)
      // The third response's set-cookie is never indexed by our policy (RFC 7541 §7.1.3)
      // where the RFC's encoder indexes it: the block differs, the list does not.
      const block3 = encoder.encode(third!.headers)
      for (const [block, expected] of [[block1, first!], [block2, second!], [block3, third!]] as const) {
        expect(decoder.decode(block)).toEqual(expected.headers)
      }
      // Without set-cookie, only cache-control and the old date are evicted.
      expect(decoder.tableEntries()).toEqual([
        'content-encoding', 'gzip', 'date', 'Mon, 21 Oct 2013 20:13:22 GMT', ':status', '307', 'location', 'https://www.example.com',
      ])
      expect(encoder.tableSize).toBe(decoder.tableSize)
    })
  }
})

describe('representation per field', () => {
  it('static name + value → indexed: :status 200/204/206/304/400/404/500 and accept-encoding', () => {
    for (const status of ['200', '204', '206', '304', '400', '404', '500']) {
      const block = new HpackEncoder().encode([':status', status])
      expect(block).toHaveLength(1)
      expect(kindOf(block)).toBe('indexed')
    }
    expect(toHex(new HpackEncoder().encode([':status', '200', 'accept-encoding', 'gzip, deflate']))).toBe('8890')
  })
  it('common response fields are indexed once, then sent as one octet', () => {
    const fields = [':status', '302', 'content-type', 'text/html; charset=utf-8', 'server', 'portico', 'vary', 'accept-encoding',
      'cache-control', 'no-store', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'x-powered-by', 'hono']
    const connection = pair()
    expect(representations(fields, undefined, connection)).toEqual(Array(7).fill('incremental'))
    expect(representations(fields, undefined, connection)).toEqual(Array(7).fill('indexed'))
  })
  it('per-response values are not indexed: content-length, etag, last-modified, content-range, age, request ids', () => {
    const fields = ['content-length', '1234', 'etag', '"abc"', 'last-modified', 'Mon, 21 Oct 2013 20:13:21 GMT',
      'content-range', 'bytes 0-99/1000', 'age', '12', 'x-request-id', 'f00d', 'traceparent', '00-abc-def-01']
    const connection = pair()
    representations(fields, undefined, connection)
    expect(connection.encoder.tableSize).toBe(0)
    expect(representations(fields, undefined, connection)).toEqual(Array(7).fill('without-indexing'))
  })
  it('sensitive fields are never indexed: set-cookie, authorization, short cookies, the caller\'s set', () => {
    const fields = ['set-cookie', 'sid=1; HttpOnly', 'authorization', 'Bearer abc', 'proxy-authorization', 'Basic x',
      'cookie', 'a=b', 'x-api-key', 'k']
    const connection = pair()
    for (let round = 0; round < 2; round++) {
      expect(representations(fields, new Set(['x-api-key']), connection)).toEqual(Array(5).fill('never-indexed'))
    }
    expect(connection.encoder.tableSize).toBe(0)
  })
  it('a cookie of 20 octets or more may be indexed', () => {
    expect(representations(['cookie', 'session=0123456789ab'])).toEqual(['incremental'])
    expect(representations(['cookie', 'session=0123456789a'])).toEqual(['never-indexed'])
  })
  it('a sensitive field is never sent as an index, even when the static table has it', () => {
    const block = new HpackEncoder().encode(['authorization', ''])
    expect(toHex(block)).toBe('1f0800') // never indexed, name index 23 (15 + 8), empty value
  })
  it('an entry larger than half the table is not indexed (it would evict the rest)', () => {
    const connection = pair()
    expect(representations(['x-big', 'v'.repeat(2048 - 32 - 5)], undefined, connection)).toEqual(['incremental'])
    expect(representations(['x-big', 'w'.repeat(2048 - 32 - 4)], undefined, connection)).toEqual(['without-indexing'])
  })
  it('the name is taken from the static table, else from the dynamic table', () => {
    const encoder = new HpackEncoder({ huffman: false })
    expect(toHex(encoder.encode(['content-type', 'a']))).toBe('5f0161') // incremental, name 31
    expect(toHex(encoder.encode(['x-a', 'b']))).toBe('4003782d610162')
    expect(toHex(encoder.encode(['x-a', 'c']))).toBe('7e0163') // incremental, name 62: the newest entry
  })
})

describe('Huffman only when shorter (RFC 7541 §5.2)', () => {
  it('lowercase text is Huffman-coded, random octets are not', () => {
    // 'hello': 6 + 5 + 6 + 6 + 5 = 28 bits, 4 octets < 5. 'x-a': 18 bits, 3 octets = 3: raw.
    const hello = new HpackEncoder().encode(['x-a', 'hello'])
    expect(toHex(hello.subarray(0, 6))).toBe('4003782d6184') // H bit, 4 octets
    expect(hello).toHaveLength(10)
    expect(toHex(new HpackEncoder().encode(['x-a', '\x00\x01\x02\xff']))).toBe('4003782d6104000102ff')
  })
  it('huffman: false writes every string raw', () => {
    const block = new HpackEncoder({ huffman: false }).encode(['x-a', 'hello'])
    expect(toHex(block)).toBe('4003782d610568656c6c6f')
  })
})

describe('table size updates (RFC 7541 §4.2, §6.3)', () => {
  it('none at all while nothing changes', () => {
    expect(kindOf(new HpackEncoder().encode([':status', '200']))).toBe('indexed')
  })
  it('a smaller table of ours is announced in the first block', () => {
    const block = new HpackEncoder({ maxTableSize: 0 }).encode([':status', '200'])
    expect(toHex(block)).toBe('2088')
  })
  it('down then up between two blocks: the smallest size, then the final one', () => {
    const encoder = new HpackEncoder()
    encoder.encode(['x-a', 'b'])
    encoder.setPeerMaxTableSize(100)
    encoder.setPeerMaxTableSize(0)
    encoder.setPeerMaxTableSize(2000)
    // 0, then 2000 (31 + 1969 = 0xb1 0x0f), then :status 200
    expect(toHex(encoder.encode([':status', '200']))).toBe('20' + '3fb10f' + '88')
    expect(encoder.tableSize).toBe(0)
    expect(toHex(encoder.encode([':status', '200']))).toBe('88')
  })
  it('a single change is one update; the decoder accepts both forms', () => {
    const encoder = new HpackEncoder()
    const decoder = new HpackDecoder()
    decoder.decode(encoder.encode(['x-a', 'b']))
    encoder.setPeerMaxTableSize(64)
    const block = encoder.encode(['x-a', 'b', 'x-c', 'd'])
    expect(toHex(block.subarray(0, 2))).toBe('3f21')
    expect(decoder.decode(block)).toEqual(['x-a', 'b', 'x-c', 'd'])
    expect(decoder.tableEntries()).toEqual(['x-a', 'b']) // x-c (36) is over half of 64: not indexed
    expect(encoder.tableSize).toBe(decoder.tableSize)
  })
  it('never above the peer\'s size, never above ours', () => {
    const encoder = new HpackEncoder({ maxTableSize: 1000 })
    expect(toHex(encoder.encode([]))).toBe('3fc907') // 1000 = 31 + 969
    encoder.setPeerMaxTableSize(65536)
    expect(toHex(encoder.encode([]))).toBe('') // still 1000: nothing to announce
    encoder.setPeerMaxTableSize(500)
    expect(toHex(encoder.encode([]))).toBe('3fd503') // 500 = 31 + 469
    expect(encoder.tableMaxSize).toBe(500)
  })
  it('the same size again announces nothing', () => {
    const encoder = new HpackEncoder()
    encoder.setPeerMaxTableSize(4096)
    expect(toHex(encoder.encode([':status', '200']))).toBe('88')
  })
  it('the table follows the announced size: entries that no longer fit are evicted', () => {
    const encoder = new HpackEncoder()
    const decoder = new HpackDecoder()
    for (let i = 0; i < 5; i++) decoder.decode(encoder.encode([`x-${i}`, 'v'.repeat(20)]))
    encoder.setPeerMaxTableSize(120)
    decoder.decode(encoder.encode([]))
    expect(encoder.tableSize).toBe(decoder.tableSize)
    expect(encoder.tableSize).toBeLessThanOrEqual(120)
    // the encoder does not reference the evicted entries
    expect(decoder.decode(encoder.encode(['x-0', 'v'.repeat(20), 'x-4', 'v'.repeat(20)]))).toEqual(['x-0', 'v'.repeat(20), 'x-4', 'v'.repeat(20)])
  })
})

describe('misuse', () => {
  it('a refused block leaves the table and a pending size update as they were', () => {
    const encoder = new HpackEncoder()
    const decoder = new HpackDecoder()
    decoder.decode(encoder.encode(['x-a', '1']))
    encoder.setPeerMaxTableSize(1000)
    expect(() => encoder.encode(['x-b', '2', 'x-c', '\u0100'])).toThrow(HpackError)
    expect(encoder.tableEntries()).toEqual(['x-a', '1'])
    const block = encoder.encode(['x-b', '2'])
    expect(toHex(block.subarray(0, 3))).toBe('3fc907') // the update is still announced
    expect(decoder.decode(block)).toEqual(['x-b', '2'])
    expect(decoder.tableEntries()).toEqual(encoder.tableEntries())
  })
  it('a character above U+00FF is refused with invalid-octet, with and without Huffman', () => {
    for (const huffman of [true, false]) {
      try {
        new HpackEncoder({ huffman }).encode(['x-a', 'caf\u00e9 \u20ac'])
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(HpackError)
        expect((error as HpackError).code).toBe('invalid-octet')
      }
    }
  })
})
