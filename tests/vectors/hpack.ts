/**
 * HPACK (RFC 7541) vectors: the examples of Appendix C, the code table of Appendix B, and
 * malformed blocks after h2spec's `hpack/` group (summerwind/h2spec, hpack/*.go: the case
 * ids are its section numbers) and RFC 7541 §5 and §6.
 *
 * Appendix C.2 to C.6 were copied from the RFC's XML source (httpwg/http2-spec,
 * draft-ietf-httpbis-header-compression.xml, the text published as RFC 7541): the hex dump
 * of each block, the header list, and the dynamic table after it (newest entry first) with
 * its size. C.2.x are independent blocks; C.3 to C.6 are three blocks each on one
 * connection. C.5 and C.6 run with SETTINGS_HEADER_TABLE_SIZE = 256, so entries get evicted.
 * @module
 */
import type { HpackErrorCode } from '../../core/http2/hpack/errors.ts'

/** One header block of an Appendix C example and the state after decoding it. */
export interface HpackBlock {
  name: string
  /** The block as the RFC's hex dump (spaces ignored). */
  hex: string
  /** The decoded list, `[name, value, …]`. */
  headers: string[]
  /** The dynamic table after the block, newest first, `[name, value, …]`. */
  table: string[]
  /** The table's size in octets after the block (RFC 7541 §4.1). */
  tableSize: number
}

/** Blocks decoded in order by one decoder (one connection). */
export interface HpackSequence {
  section: string
  title: string
  /** Whether the RFC's encoder Huffman-coded the literals. */
  huffman: boolean
  /** SETTINGS_HEADER_TABLE_SIZE the example runs with. */
  maxTableSize: number
  blocks: HpackBlock[]
}

/** A block that must fail with an `HpackError` of this code. */
export interface MalformedBlock {
  name: string
  why: string
  hex: string
  error: HpackErrorCode
  /** The decoder's `maxTableSize` (default 4096). */
  maxTableSize?: number
}

/** RFC 7541 C.1: prefix integers. */
export const integerExamples: { name: string; value: number; prefixBits: number; hex: string }[] = [
  { name: 'C.1.1 encoding 10 using a 5-bit prefix', value: 10, prefixBits: 5, hex: '0a' },
  { name: 'C.1.2 encoding 1337 using a 5-bit prefix', value: 1337, prefixBits: 5, hex: '1f 9a 0a' },
  { name: 'C.1.3 encoding 42 starting at an octet boundary', value: 42, prefixBits: 8, hex: '2a' },
]

/**
 * A valid start for the malformed blocks, as h2spec's `spec.CommonHeaders` + EncodeHeaders:
 * :method GET, :scheme http, :path /, :authority www.example.com (C.3.1).
 */
const COMMON = '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'

export const malformedBlocks: MalformedBlock[] = [
  {
    name: 'h2spec hpack/2.3.3: indexed field with index 126, beyond both tables', hex: COMMON + ' fe',
    why: 'RFC 7541 §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be treated as a decoding error"',
    error: 'invalid-index',
  },
  {
    name: 'h2spec hpack/4.2: dynamic table size update at the end of the block', hex: COMMON + ' 21',
    why: 'RFC 7541 §4.2: the update "MUST occur at the beginning of the first header block following the change"; RFC 9113 §4.3',
    error: 'misplaced-table-size-update',
  },
  {
    name: 'h2spec hpack/5.2 #1: Huffman padding longer than 7 bits',
    hex: '00 85 f2b2 4a84 ff 84 4950 9fff',
    why: 'RFC 7541 §5.2: "A padding strictly longer than 7 bits MUST be treated as a decoding error"',
    error: 'invalid-huffman',
  },
  {
    name: 'h2spec hpack/5.2 #2: Huffman string padded with zeros', hex: '00 85 f2b2 4a84 ff 83 4950 90',
    why: 'RFC 7541 §5.2: "A padding not corresponding to the most significant bits of the code for the EOS symbol MUST be treated as a decoding error"',
    error: 'invalid-huffman',
  },
  {
    name: 'h2spec hpack/5.2 #3: Huffman string containing EOS', hex: '00 85 f2b2 4a84 ff 87 ffff fffd 2542 7f',
    why: 'RFC 7541 §5.2: "A Huffman-encoded string literal containing the EOS symbol MUST be treated as a decoding error"',
    error: 'invalid-huffman',
  },
  {
    name: 'h2spec hpack/6.1: indexed field with index 0', hex: COMMON + ' 80',
    why: 'RFC 7541 §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error"',
    error: 'invalid-index',
  },
  {
    name: 'h2spec hpack/6.3: table size update above SETTINGS_HEADER_TABLE_SIZE (4097)', hex: '3f e2 1f ' + COMMON,
    why: 'RFC 7541 §6.3: "A value that exceeds this limit MUST be treated as a decoding error"',
    error: 'table-size-too-large',
  },
  {
    name: 'table size update above a smaller SETTINGS_HEADER_TABLE_SIZE (257 > 256)', hex: '3f e2 01 82',
    maxTableSize: 256, why: 'RFC 7541 §6.3, with the limit we advertised rather than the default',
    error: 'table-size-too-large',
  },
  {
    name: 'table size update after a field, even a size update of 0', hex: '82 20',
    why: 'RFC 9113 §4.3: a size update after the first field line is a COMPRESSION_ERROR',
    error: 'misplaced-table-size-update',
  },
  {
    name: 'three table size updates', hex: '20 3f e1 1f 20 82',
    why: 'RFC 7541 §4.2: at most two (the smallest and the final size)',
    error: 'misplaced-table-size-update',
  },
  {
    name: 'literal with incremental indexing naming index 62 of an empty dynamic table', hex: '7e 01 61',
    why: 'RFC 7541 §2.3.3 applies to name indices too', error: 'invalid-index',
  },
  {
    name: 'literal without indexing naming index 70', hex: '0f 37 01 61',
    why: 'RFC 7541 §6.2.2: 4-bit prefix index 15 + 55 = 70 > 61', error: 'invalid-index',
  },
  {
    name: 'never-indexed literal naming index 62', hex: '1f 2f 01 61',
    why: 'RFC 7541 §6.2.3, 4-bit prefix', error: 'invalid-index',
  },
  {
    name: 'integer above 2^31 - 1', hex: 'ff ff ff ff ff 07',
    why: 'RFC 7541 §5.1: "Integer encodings that exceed implementation limits MUST be treated as decoding errors"',
    error: 'integer-overflow',
  },
  {
    name: 'integer with six continuation octets (all zero bits)', hex: 'ff 80 80 80 80 80 00',
    why: 'RFC 7541 §5.1: no bound in the RFC, so filler octets must be capped', error: 'integer-overflow',
  },
  {
    name: 'block ends inside an integer', hex: 'ff 80',
    why: 'RFC 7541 §5.1: the last octet has its top bit clear', error: 'truncated',
  },
  {
    name: 'string length beyond the block', hex: '00 05 61 62',
    why: 'RFC 7541 §5.2: the string runs past the end of the block', error: 'truncated',
  },
  {
    name: 'value length beyond the block (indexed name)', hex: '04 7f 00 61',
    why: 'RFC 7541 §5.2: 127 octets announced, 1 present', error: 'truncated',
  },
  {
    name: 'block ends before the value', hex: '04',
    why: 'RFC 7541 §6.2.2: a literal needs its value', error: 'truncated',
  },
  {
    name: 'block ends before the literal name', hex: '40',
    why: 'RFC 7541 §6.2.1: index 0 means a name literal follows', error: 'truncated',
  },
  {
    name: 'Huffman name with EOS', hex: '40 84 ff ff ff ff 00',
    why: 'RFC 7541 §5.2: EOS in a name is the same error as in a value', error: 'invalid-huffman',
  },
  {
    name: 'Huffman string of one octet 0xff: 8 bits of padding', hex: '04 81 ff',
    why: 'RFC 7541 §5.2: padding strictly longer than 7 bits', error: 'invalid-huffman',
  },
]

export const rfcExamples: HpackSequence[] = [
  {
    section: 'C.2.1', title: 'Literal Header Field with Indexing', huffman: false, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.2.1 Literal Header Field with Indexing',
        hex: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
        headers: ['custom-key', 'custom-header'],
        table: ['custom-key', 'custom-header'],
        tableSize: 55,
      },
    ],
  },
  {
    section: 'C.2.2', title: 'Literal Header Field without Indexing', huffman: false, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.2.2 Literal Header Field without Indexing',
        hex: '040c 2f73 616d 706c 652f 7061 7468',
        headers: [':path', '/sample/path'],
        table: [],
        tableSize: 0,
      },
    ],
  },
  {
    section: 'C.2.3', title: 'Literal Header Field Never Indexed', huffman: false, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.2.3 Literal Header Field Never Indexed',
        hex: '1008 7061 7373 776f 7264 0673 6563 7265 74',
        headers: ['password', 'secret'],
        table: [],
        tableSize: 0,
      },
    ],
  },
  {
    section: 'C.2.4', title: 'Indexed Header Field', huffman: false, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.2.4 Indexed Header Field',
        hex: '82',
        headers: [':method', 'GET'],
        table: [],
        tableSize: 0,
      },
    ],
  },
  {
    section: 'C.3', title: 'Request Examples without Huffman Coding', huffman: false, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.3.1 First Request',
        hex: '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        headers: [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com'],
        table: [':authority', 'www.example.com'],
        tableSize: 57,
      },
      {
        name: 'C.3.2 Second Request',
        hex: '8286 84be 5808 6e6f 2d63 6163 6865',
        headers: [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com', 'cache-control', 'no-cache'],
        table: ['cache-control', 'no-cache', ':authority', 'www.example.com'],
        tableSize: 110,
      },
      {
        name: 'C.3.3 Third Request',
        hex: '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
        headers: [':method', 'GET', ':scheme', 'https', ':path', '/index.html', ':authority', 'www.example.com', 'custom-key', 'custom-value'],
        table: ['custom-key', 'custom-value', 'cache-control', 'no-cache', ':authority', 'www.example.com'],
        tableSize: 164,
      },
    ],
  },
  {
    section: 'C.4', title: 'Request Examples with Huffman Coding', huffman: true, maxTableSize: 4096,
    blocks: [
      {
        name: 'C.4.1 First Request',
        hex: '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
        headers: [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com'],
        table: [':authority', 'www.example.com'],
        tableSize: 57,
      },
      {
        name: 'C.4.2 Second Request',
        hex: '8286 84be 5886 a8eb 1064 9cbf',
        headers: [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'www.example.com', 'cache-control', 'no-cache'],
        table: ['cache-control', 'no-cache', ':authority', 'www.example.com'],
        tableSize: 110,
      },
      {
        name: 'C.4.3 Third Request',
        hex: '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
        headers: [':method', 'GET', ':scheme', 'https', ':path', '/index.html', ':authority', 'www.example.com', 'custom-key', 'custom-value'],
        table: ['custom-key', 'custom-value', 'cache-control', 'no-cache', ':authority', 'www.example.com'],
        tableSize: 164,
      },
    ],
  },
  {
    section: 'C.5', title: 'Response Examples without Huffman Coding', huffman: false, maxTableSize: 256,
    blocks: [
      {
        name: 'C.5.1 First Response',
        hex: '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032' +
          ' ' + '303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63' +
          ' ' + '6f6d',
        headers: [':status', '302', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'location', 'https://www.example.com'],
        table: ['location', 'https://www.example.com', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'cache-control', 'private', ':status', '302'],
        tableSize: 222,
      },
      {
        name: 'C.5.2 Second Response',
        hex: '4803 3330 37c1 c0bf',
        headers: [':status', '307', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'location', 'https://www.example.com'],
        table: [':status', '307', 'location', 'https://www.example.com', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'cache-control', 'private'],
        tableSize: 222,
      },
      {
        name: 'C.5.3 Third Response',
        hex: '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0' +
          ' ' + '5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851' +
          ' ' + '5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
        headers: [':status', '200', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:22 GMT', 'location', 'https://www.example.com', 'content-encoding', 'gzip', 'set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
        table: ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1', 'content-encoding', 'gzip', 'date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
        tableSize: 215,
      },
    ],
  },
  {
    section: 'C.6', title: 'Response Examples with Huffman Coding', huffman: true, maxTableSize: 256,
    blocks: [
      {
        name: 'C.6.1 First Response',
        hex: '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b' +
          ' ' + 'ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
        headers: [':status', '302', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'location', 'https://www.example.com'],
        table: ['location', 'https://www.example.com', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'cache-control', 'private', ':status', '302'],
        tableSize: 222,
      },
      {
        name: 'C.6.2 Second Response',
        hex: '4883 640e ffc1 c0bf',
        headers: [':status', '307', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'location', 'https://www.example.com'],
        table: [':status', '307', 'location', 'https://www.example.com', 'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'cache-control', 'private'],
        tableSize: 222,
      },
      {
        name: 'C.6.3 Third Response',
        hex: '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad' +
          ' ' + '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160' +
          ' ' + '65c0 03ed 4ee5 b106 3d50 07',
        headers: [':status', '200', 'cache-control', 'private', 'date', 'Mon, 21 Oct 2013 20:13:22 GMT', 'location', 'https://www.example.com', 'content-encoding', 'gzip', 'set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
        table: ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1', 'content-encoding', 'gzip', 'date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
        tableSize: 215,
      },
    ],
  },
]

/** RFC 7541 Appendix B, "code as hex aligned to LSB" and "len in bits", symbols 0..255 then EOS. */
export const huffmanCodes: readonly (readonly [code: number, bits: number])[] = [
  [0x1ff8, 13], [0x7fffd8, 23], [0xfffffe2, 28], [0xfffffe3, 28], [0xfffffe4, 28], [0xfffffe5, 28], // 0..5
  [0xfffffe6, 28], [0xfffffe7, 28], [0xfffffe8, 28], [0xffffea, 24], [0x3ffffffc, 30], [0xfffffe9, 28], // 6..11
  [0xfffffea, 28], [0x3ffffffd, 30], [0xfffffeb, 28], [0xfffffec, 28], [0xfffffed, 28], [0xfffffee, 28], // 12..17
  [0xfffffef, 28], [0xffffff0, 28], [0xffffff1, 28], [0xffffff2, 28], [0x3ffffffe, 30], [0xffffff3, 28], // 18..23
  [0xffffff4, 28], [0xffffff5, 28], [0xffffff6, 28], [0xffffff7, 28], [0xffffff8, 28], [0xffffff9, 28], // 24..29
  [0xffffffa, 28], [0xffffffb, 28], [0x14, 6], [0x3f8, 10], [0x3f9, 10], [0xffa, 12], // 30..35
  [0x1ff9, 13], [0x15, 6], [0xf8, 8], [0x7fa, 11], [0x3fa, 10], [0x3fb, 10], // 36..41
  [0xf9, 8], [0x7fb, 11], [0xfa, 8], [0x16, 6], [0x17, 6], [0x18, 6], // 42..47
  [0x0, 5], [0x1, 5], [0x2, 5], [0x19, 6], [0x1a, 6], [0x1b, 6], // 48..53
  [0x1c, 6], [0x1d, 6], [0x1e, 6], [0x1f, 6], [0x5c, 7], [0xfb, 8], // 54..59
  [0x7ffc, 15], [0x20, 6], [0xffb, 12], [0x3fc, 10], [0x1ffa, 13], [0x21, 6], // 60..65
  [0x5d, 7], [0x5e, 7], [0x5f, 7], [0x60, 7], [0x61, 7], [0x62, 7], // 66..71
  [0x63, 7], [0x64, 7], [0x65, 7], [0x66, 7], [0x67, 7], [0x68, 7], // 72..77
  [0x69, 7], [0x6a, 7], [0x6b, 7], [0x6c, 7], [0x6d, 7], [0x6e, 7], // 78..83
  [0x6f, 7], [0x70, 7], [0x71, 7], [0x72, 7], [0xfc, 8], [0x73, 7], // 84..89
  [0xfd, 8], [0x1ffb, 13], [0x7fff0, 19], [0x1ffc, 13], [0x3ffc, 14], [0x22, 6], // 90..95
  [0x7ffd, 15], [0x3, 5], [0x23, 6], [0x4, 5], [0x24, 6], [0x5, 5], // 96..101
  [0x25, 6], [0x26, 6], [0x27, 6], [0x6, 5], [0x74, 7], [0x75, 7], // 102..107
  [0x28, 6], [0x29, 6], [0x2a, 6], [0x7, 5], [0x2b, 6], [0x76, 7], // 108..113
  [0x2c, 6], [0x8, 5], [0x9, 5], [0x2d, 6], [0x77, 7], [0x78, 7], // 114..119
  [0x79, 7], [0x7a, 7], [0x7b, 7], [0x7ffe, 15], [0x7fc, 11], [0x3ffd, 14], // 120..125
  [0x1ffd, 13], [0xffffffc, 28], [0xfffe6, 20], [0x3fffd2, 22], [0xfffe7, 20], [0xfffe8, 20], // 126..131
  [0x3fffd3, 22], [0x3fffd4, 22], [0x3fffd5, 22], [0x7fffd9, 23], [0x3fffd6, 22], [0x7fffda, 23], // 132..137
  [0x7fffdb, 23], [0x7fffdc, 23], [0x7fffdd, 23], [0x7fffde, 23], [0xffffeb, 24], [0x7fffdf, 23], // 138..143
  [0xffffec, 24], [0xffffed, 24], [0x3fffd7, 22], [0x7fffe0, 23], [0xffffee, 24], [0x7fffe1, 23], // 144..149
  [0x7fffe2, 23], [0x7fffe3, 23], [0x7fffe4, 23], [0x1fffdc, 21], [0x3fffd8, 22], [0x7fffe5, 23], // 150..155
  [0x3fffd9, 22], [0x7fffe6, 23], [0x7fffe7, 23], [0xffffef, 24], [0x3fffda, 22], [0x1fffdd, 21], // 156..161
  [0xfffe9, 20], [0x3fffdb, 22], [0x3fffdc, 22], [0x7fffe8, 23], [0x7fffe9, 23], [0x1fffde, 21], // 162..167
  [0x7fffea, 23], [0x3fffdd, 22], [0x3fffde, 22], [0xfffff0, 24], [0x1fffdf, 21], [0x3fffdf, 22], // 168..173
  [0x7fffeb, 23], [0x7fffec, 23], [0x1fffe0, 21], [0x1fffe1, 21], [0x3fffe0, 22], [0x1fffe2, 21], // 174..179
  [0x7fffed, 23], [0x3fffe1, 22], [0x7fffee, 23], [0x7fffef, 23], [0xfffea, 20], [0x3fffe2, 22], // 180..185
  [0x3fffe3, 22], [0x3fffe4, 22], [0x7ffff0, 23], [0x3fffe5, 22], [0x3fffe6, 22], [0x7ffff1, 23], // 186..191
  [0x3ffffe0, 26], [0x3ffffe1, 26], [0xfffeb, 20], [0x7fff1, 19], [0x3fffe7, 22], [0x7ffff2, 23], // 192..197
  [0x3fffe8, 22], [0x1ffffec, 25], [0x3ffffe2, 26], [0x3ffffe3, 26], [0x3ffffe4, 26], [0x7ffffde, 27], // 198..203
  [0x7ffffdf, 27], [0x3ffffe5, 26], [0xfffff1, 24], [0x1ffffed, 25], [0x7fff2, 19], [0x1fffe3, 21], // 204..209
  [0x3ffffe6, 26], [0x7ffffe0, 27], [0x7ffffe1, 27], [0x3ffffe7, 26], [0x7ffffe2, 27], [0xfffff2, 24], // 210..215
  [0x1fffe4, 21], [0x1fffe5, 21], [0x3ffffe8, 26], [0x3ffffe9, 26], [0xffffffd, 28], [0x7ffffe3, 27], // 216..221
  [0x7ffffe4, 27], [0x7ffffe5, 27], [0xfffec, 20], [0xfffff3, 24], [0xfffed, 20], [0x1fffe6, 21], // 222..227
  [0x3fffe9, 22], [0x1fffe7, 21], [0x1fffe8, 21], [0x7ffff3, 23], [0x3fffea, 22], [0x3fffeb, 22], // 228..233
  [0x1ffffee, 25], [0x1ffffef, 25], [0xfffff4, 24], [0xfffff5, 24], [0x3ffffea, 26], [0x7ffff4, 23], // 234..239
  [0x3ffffeb, 26], [0x7ffffe6, 27], [0x3ffffec, 26], [0x3ffffed, 26], [0x7ffffe7, 27], [0x7ffffe8, 27], // 240..245
  [0x7ffffe9, 27], [0x7ffffea, 27], [0x7ffffeb, 27], [0xffffffe, 28], [0x7ffffec, 27], [0x7ffffed, 27], // 246..251
  [0x7ffffee, 27], [0x7ffffef, 27], [0x7fffff0, 27], [0x3ffffee, 26], [0x3fffffff, 30], // 252..256
]
