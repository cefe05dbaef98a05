// Encoder → decoder over many header lists on one connection (h11's ConnectionPair idea):
// every list must come back as sent, and the two dynamic tables must stay identical, with
// and without Huffman, across table size changes, for every octet value and for a seeded
// random mix of repeated and fresh fields.
import { describe, expect, it } from 'vitest'
import { HpackDecoder } from '../../../../core/http2/hpack/decoder.ts'
import { HpackEncoder } from '../../../../core/http2/hpack/encoder.ts'
import { seededRandom } from './random.ts'

/** Sends `lists` over one encoder/decoder pair and checks each list and the table sizes. */
function roundTrip(lists: string[][], options: { huffman?: boolean; maxTableSize?: number; sensitive?: Set<string> } = {}): void {
  const encoder = new HpackEncoder({ huffman: options.huffman, maxTableSize: options.maxTableSize })
  const decoder = new HpackDecoder({ maxHeaderListSize: 1 << 30 })
  for (const [i, list] of lists.entries()) {
    expect(decoder.decode(encoder.encode(list, options.sensitive)), `list ${i}`).toEqual(list)
    expect(decoder.tableEntries(), `table after list ${i}`).toEqual(encoder.tableEntries())
    expect(decoder.tableSize, `table size after list ${i}`).toBe(encoder.tableSize)
  }
}

const octets = (from: number, to: number): string => String.fromCharCode(...Array.from({ length: to - from }, (_, i) => from + i))

describe('round trips', () => {
  for (const huffman of [true, false]) {
    const mode = huffman ? 'Huffman when shorter' : 'raw strings'
    it(`all 256 octet values in values (${mode})`, () => {
      roundTrip([
        ['x-all', octets(0, 256)],
        ['x-high', octets(0x80, 0x100), 'x-c1', octets(0x80, 0xa0)],
        ['x-all', octets(0, 256), 'x-each', '\x00', 'x-each', '\xff', 'x-each', '\x7f'],
        ...Array.from({ length: 256 }, (_, b) => ['x-octet', String.fromCharCode(b).repeat(3)]),
      ], { huffman })
    })
    it(`a browser's requests and a server's responses (${mode})`, () => {
      const request = [':method', 'GET', ':scheme', 'https', ':authority', 'shop.example.com', ':path', '/products/trail-runner?size=43',
        'user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        'accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'accept-language', 'en-US,en;q=0.9',
        'accept-encoding', 'gzip, deflate, br, zstd', 'cookie', 'sid=7f3a9c2e41d8; theme=dark', 'sec-fetch-dest', 'document']
      const response = (n: number): string[] => [':status', n % 5 === 0 ? '404' : '200', 'content-type', 'text/html; charset=utf-8',
        'content-length', String(1000 + n), 'date', `Mon, 21 Oct 2013 20:13:${String(n % 60).padStart(2, '0')} GMT`, 'server', 'portico',
        'set-cookie', `sid=${n}; Path=/; HttpOnly`, 'etag', `"${n.toString(16)}"`, 'vary', 'accept-encoding']
      roundTrip(Array.from({ length: 50 }, (_, n) => (n % 2 ? response(n) : [...request.slice(0, 7), `/item/${n}`, ...request.slice(8)])), { huffman })
    })
  }
  it('empty lists, empty names and values, duplicate fields', () => {
    roundTrip([[], ['', ''], ['x', '', 'x', '', 'x', ''], [], [':status', '200', ':status', '200']])
  })
  it('tables of 0, 1 and 64 octets', () => {
    for (const maxTableSize of [0, 1, 64]) {
      roundTrip(Array.from({ length: 20 }, (_, i) => ['x-a', String(i % 3), 'x-b', 'b']), { maxTableSize })
    }
  })
})

describe('seeded random header lists', () => {
  for (const seed of [1, 2, 3, 7541]) {
    it(`seed ${seed}: 300 blocks, repeated and fresh fields, size changes between blocks`, () => {
      const random = seededRandom(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
      const names = ['content-type', 'x-a', 'x-b', 'cache-control', 'set-cookie', 'cookie', 'date', ':status', 'content-length', 'x-long']
      const values = ['', '200', 'text/plain', 'no-cache', 'a=b', 'Mon, 21 Oct 2013 20:13:21 GMT']
      const randomString = (max: number): string =>
        String.fromCharCode(...Array.from({ length: Math.floor(random() * max) }, () => Math.floor(random() * 256)))
      const encoder = new HpackEncoder({ huffman: random() < 0.7, maxTableSize: pick([4096, 256, 1000, 65536]) })
      const decoder = new HpackDecoder({ maxTableSize: 65536, maxHeaderListSize: 1 << 30 })
      for (let block = 0; block < 300; block++) {
        if (random() < 0.05) encoder.setPeerMaxTableSize(pick([0, 64, 256, 4096, 65536]))
        if (random() < 0.03) encoder.setPeerMaxTableSize(pick([0, 100, 8192]))
        const list: string[] = []
        const fields = Math.floor(random() * 12)
        for (let f = 0; f < fields; f++) {
          const name = random() < 0.8 ? pick(names) : 'x-' + randomString(10).replace(/[^a-z]/g, 'q')
          const value = random() < 0.5 ? pick(values) : randomString(name === 'x-long' ? 3000 : 40)
          list.push(name, value)
        }
        const sensitive = random() < 0.1 ? new Set([pick(names)]) : undefined
        expect(decoder.decode(encoder.encode(list, sensitive)), `block ${block}`).toEqual(list)
        expect(decoder.tableEntries(), `block ${block}`).toEqual(encoder.tableEntries())
        expect(decoder.tableSize, `block ${block}`).toBe(encoder.tableSize)
        expect(encoder.tableSize).toBeLessThanOrEqual(encoder.tableMaxSize)
      }
    })
  }
})
