// The decoder (RFC 7541 §3, §4, §6): every Appendix C example with the dynamic table after
// each block, the malformed blocks of h2spec's hpack group and RFC 7541 §5/§6, the
// header-list limit at N and N + 1, and the HPACK bomb.
import { describe, expect, it, test } from 'vitest'
import { HpackDecoder } from '../../../../core/http2/hpack/decoder.ts'
import { HpackError } from '../../../../core/http2/hpack/errors.ts'
import { writeInteger } from '../../../../core/http2/hpack/integer.ts'
import { malformedBlocks, rfcExamples } from '../../../vectors/hpack.ts'
import { concat, hex } from '../../../vectors/ws-client.ts'

function decodeError(decoder: HpackDecoder, block: Uint8Array): string | undefined {
  try {
    decoder.decode(block)
  } catch (error) {
    if (error instanceof HpackError) return error.code
    throw error
  }
  return undefined
}

/** A literal with incremental indexing, new name, raw strings (RFC 7541 §6.2.1). */
function indexedLiteral(name: string, value: string): Uint8Array {
  const out = new Uint8Array(13 + name.length + value.length)
  let pos = writeInteger(out, 0, 0, 6, 0x40)
  for (const s of [name, value]) {
    pos = writeInteger(out, pos, s.length, 7, 0)
    for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i)
  }
  return out.slice(0, pos)
}

describe('RFC 7541 Appendix C', () => {
  for (const sequence of rfcExamples) {
    it(`${sequence.section} ${sequence.title}`, () => {
      const decoder = new HpackDecoder({ maxTableSize: sequence.maxTableSize })
      // C.5/C.6 run with a 256-octet table: the peer announces it first (RFC 7541 §6.3).
      if (sequence.maxTableSize !== 4096) expect(decoder.decode(hex('3f e1 01'))).toEqual([])
      for (const block of sequence.blocks) {
        expect(decoder.decode(hex(block.hex)), block.name).toEqual(block.headers)
        expect(decoder.tableEntries(), block.name).toEqual(block.table)
        expect(decoder.tableSize, block.name).toBe(block.tableSize)
      }
    })
  }
})

describe('malformed blocks', () => {
  test.each(malformedBlocks.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const decoder = new HpackDecoder({ maxTableSize: vector.maxTableSize ?? 4096 })
    expect(decodeError(decoder, hex(vector.hex))).toBe(vector.error)
  })
})

describe('dynamic table size updates (RFC 7541 §4.2, §6.3)', () => {
  it('one or two at the start of a block are allowed, and evict', () => {
    const decoder = new HpackDecoder()
    decoder.decode(concat(indexedLiteral('a', '1'), indexedLiteral('b', '2')))
    expect(decoder.tableSize).toBe(68)
    // 0 then 4096: the table is emptied, then may grow again
    expect(decoder.decode(hex('20 3fe11f 82'))).toEqual([':method', 'GET'])
    expect(decoder.tableSize).toBe(0)
    decoder.decode(indexedLiteral('c', '3'))
    expect(decoder.decode(hex('3f 0f be'))).toEqual(['c', '3']) // a 46-octet table still holds the 34-octet entry
  })
  it('the table starts at 4096 whatever the limit, as the peer\'s encoder does (RFC 9113 §6.5.2)', () => {
    const small = new HpackDecoder({ maxTableSize: 100 })
    small.decode(indexedLiteral('a', 'x'.repeat(1000)))
    expect(small.tableSize).toBe(1033)
    const large = new HpackDecoder({ maxTableSize: 65536 })
    for (let i = 0; i < 5; i++) large.decode(indexedLiteral(`n${i}`, 'x'.repeat(1000)))
    expect(large.tableSize).toBeLessThanOrEqual(4096)
    large.decode(hex('3f e1 ff 03')) // 65536 = 31 + 65505
    for (let i = 0; i < 5; i++) large.decode(indexedLiteral(`m${i}`, 'x'.repeat(1000)))
    expect(large.tableSize).toBeGreaterThan(5000)
  })
  it('a size update to exactly the limit is allowed, one octet above is not', () => {
    expect(new HpackDecoder({ maxTableSize: 100 }).decode(hex('3f 45'))).toEqual([])
    expect(decodeError(new HpackDecoder({ maxTableSize: 100 }), hex('3f 46'))).toBe('table-size-too-large')
  })
  it('a smaller table evicts the oldest entries', () => {
    const decoder = new HpackDecoder()
    decoder.decode(concat(indexedLiteral('a', '1'), indexedLiteral('b', '2')))
    decoder.decode(hex('3f 06')) // 37: room for one 34-octet entry
    expect(decoder.tableEntries()).toEqual(['b', '2'])
    expect(decodeError(decoder, hex('bf'))).toBe('invalid-index') // 63 is gone
  })
  it('an update is allowed at the start of every block, not only the first', () => {
    const decoder = new HpackDecoder()
    decoder.decode(hex('82'))
    expect(decoder.decode(hex('3f e1 1f 82'))).toEqual([':method', 'GET'])
  })
})

describe('indices (RFC 7541 §2.3.3)', () => {
  it('the newest dynamic entry is 62, the oldest 61 + length, one more is an error', () => {
    const decoder = new HpackDecoder()
    decoder.decode(concat(indexedLiteral('a', '1'), indexedLiteral('b', '2')))
    expect(decoder.decode(hex('be bf'))).toEqual(['b', '2', 'a', '1'])
    expect(decodeError(decoder, hex('c0'))).toBe('invalid-index')
  })
  it('61 is the last static entry, 62 with an empty dynamic table is an error', () => {
    expect(new HpackDecoder().decode(hex('bd'))).toEqual(['www-authenticate', ''])
    expect(decodeError(new HpackDecoder(), hex('be'))).toBe('invalid-index')
  })
  it('a literal can name a dynamic entry', () => {
    const decoder = new HpackDecoder()
    decoder.decode(indexedLiteral('x-custom', 'one'))
    expect(decoder.decode(hex('0f 2f 03 74 77 6f'))).toEqual(['x-custom', 'two']) // without indexing, name 62
    expect(decoder.tableEntries()).toEqual(['x-custom', 'one'])
  })
  it('an entry larger than the table empties it and is not added (RFC 7541 §4.4)', () => {
    const decoder = new HpackDecoder({ maxTableSize: 64 })
    decoder.decode(concat(hex('3f 21'), indexedLiteral('a', '1'))) // size update to 64
    expect(decoder.decode(indexedLiteral('big', 'x'.repeat(30)))).toEqual(['big', 'x'.repeat(30)])
    expect(decoder.tableEntries()).toEqual([])
    expect(decoder.tableSize).toBe(0)
  })
  it('an entry exactly the table size fits, evicting everything else', () => {
    const decoder = new HpackDecoder({ maxTableSize: 64 })
    decoder.decode(concat(hex('3f 21'), indexedLiteral('a', '1')))
    decoder.decode(indexedLiteral('big', 'x'.repeat(29)))
    expect(decoder.tableEntries()).toEqual(['big', 'x'.repeat(29)])
    expect(decoder.tableSize).toBe(64)
  })
})

describe('values are octets', () => {
  it('every octet 0x00..0xff comes back as the same latin1 character (0x80..0x9f included)', () => {
    const octets = Uint8Array.from({ length: 256 }, (_, i) => i)
    // literal without indexing, name :path (4), raw value of 256 octets (7-bit prefix 127 + 129)
    const block = concat(hex('04 7f 81 01'), octets)
    const [, value] = new HpackDecoder().decode(block)!
    expect(value).toHaveLength(256)
    expect(Array.from(value!, (c) => c.charCodeAt(0))).toEqual(Array.from(octets))
  })
  it('names are returned as decoded, case included (the engine rejects uppercase)', () => {
    expect(new HpackDecoder().decode(hex('00 01 41 01 62'))).toEqual(['A', 'b'])
  })
})

describe('maxHeaderListSize (RFC 9113 §6.5.2)', () => {
  // :method GET = 7 + 3 + 32 = 42 per field
  it('a list of exactly the limit is returned, one octet over returns null', () => {
    expect(new HpackDecoder({ maxHeaderListSize: 84 }).decode(hex('82 82'))).toEqual([':method', 'GET', ':method', 'GET'])
    const decoder = new HpackDecoder({ maxHeaderListSize: 83 })
    expect(decoder.decode(hex('82 82'))).toBeNull()
    expect(decoder.builtSize).toBe(42)
    expect(decoder.listSize).toBe(84)
  })
  it('past the limit the table still follows the block, and the next block decodes', () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 100 })
    const block = concat(indexedLiteral('a', 'x'.repeat(60)), indexedLiteral('b', 'y'.repeat(60)), indexedLiteral('c', '3'))
    expect(decoder.decode(block)).toBeNull()
    expect(decoder.tableEntries()).toEqual(['c', '3', 'b', 'y'.repeat(60), 'a', 'x'.repeat(60)])
    expect(decoder.decode(hex('be'))).toEqual(['c', '3'])
    expect(decoder.decode(hex('c0'))).toEqual(['a', 'x'.repeat(60)])
  })
  it('an error after the limit is still an error', () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 50 })
    expect(decodeError(decoder, hex('82 82 80'))).toBe('invalid-index')
    expect(decodeError(decoder, hex('82 82 00 01 61 81 ff'))).toBe('invalid-huffman')
  })
  it('the HPACK bomb: one 4 KiB entry referenced 20 000 times builds nothing past the limit', () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 65536 })
    // a 4000-octet value, then 20 000 references to it: 80 MB of list from a 24 KB block
    const value = new Uint8Array(4000).fill(0x78)
    const literal = concat(hex('40 01 62 7f a1 1e'), value) // name 'b', raw length 127 + 3873
    const block = concat(literal, new Uint8Array(20_000).fill(0xbe))
    expect(decoder.decode(block)).toBeNull()
    expect(decoder.listSize).toBe(20_001 * (1 + 4000 + 32))
    expect(decoder.builtSize).toBeLessThanOrEqual(65536)
    expect(decoder.builtSize).toBe(16 * 4033)
    // the table is intact and the connection usable
    expect(decoder.decode(hex('be'))).toEqual(['b', 'x'.repeat(4000)])
  })
  it('literals past the limit are skipped but their Huffman is still checked', () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 42 })
    expect(decoder.decode(hex('82 04 83 49 50 9f'))).toBeNull() // :path "test" (Huffman), past the limit
    expect(decoder.builtSize).toBe(42)
  })
})
