/**
 * The HPACK encoder (RFC 7541 §6, §7): a field list in, one header block out, our view
 * of the peer's dynamic table kept in step. One encoder per connection; blocks must be
 * sent in the order they were encoded.
 *
 * Per field, the shortest safe representation:
 * - Indexed (§6.1) when name and value are both in the static or dynamic table.
 * - Never indexed (§6.2.3) for sensitive fields (§7.1.3): `authorization`,
 *   `proxy-authorization`, `set-cookie`, `cookie` values under 20 octets (guessable by
 *   brute force) and whatever the caller names. The name may still be an index.
 * - With incremental indexing (§6.2.1) for fields likely to repeat on this connection:
 *   content-type, server, vary, cache-control, date (same value for every response within
 *   one second), `:status` values outside the static table, and any field not listed
 *   below, if its entry is at most half the table (a bigger one would evict most of it).
 * - Without indexing (§6.2.2) for fields whose values are new on nearly every response
 *   (content-length, etag, last-modified, content-range, age, request and trace ids):
 *   indexing those would only evict entries that do repeat.
 * Strings are Huffman-coded (§5.2) when that is strictly shorter.
 *
 * Table size (§4.2, §6.3; RFC 9113 §6.5.2): we use min(our `maxTableSize`, the peer's
 * SETTINGS_HEADER_TABLE_SIZE), never more than the peer allows. A change is announced at
 * the start of the next block; if the size went down and then up again between two blocks,
 * the block starts with the smallest value and then the final one, as §4.2 requires.
 * @module
 */
import { DEFAULT_HEADER_TABLE_SIZE, entrySize } from './dynamic-table.ts'
import { EncoderTable } from './encoder-table.ts'
import { HpackError } from './errors.ts'
import { huffmanEncode, huffmanLength } from './huffman.ts'
import { writeInteger } from './integer.ts'
import { STATIC_BY_NAME, STATIC_TABLE_LENGTH } from './static-table.ts'

/** Options of `HpackEncoder`. */
export interface HpackEncoderOptions {
  /** Our encoder table size limit (we may use less than the peer allows). Default 4096. */
  maxTableSize?: number
  /** Huffman-code strings when that is shorter. Default true. */
  huffman?: boolean
}

/** Always written never-indexed (RFC 7541 §7.1.3: credentials and session state). */
const ALWAYS_SENSITIVE: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'set-cookie'])
/** §7.1.3: "an encoder might choose not to index values for the Cookie header field … short values". */
const SHORT_COOKIE = 20

/** Fields whose values change from response to response: not worth a table entry. */
const NOT_INDEXED: ReadonlySet<string> = new Set([
  'content-length',
  'content-range',
  'etag',
  'last-modified',
  'age',
  'x-request-id',
  'request-id',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'server-timing',
])

/** Throws `HpackError('invalid-octet')` if a name or value has a character above U+00FF. */
function checkOctets(headers: readonly string[]): void {
  for (let i = 0; i < headers.length; i++) {
    if (NOT_OCTET.test(headers[i]!)) throw new HpackError('invalid-octet', `field ${i >> 1} has a character above U+00FF`)
  }
}

/** A character that is not an octet (native regex: far faster than a charCodeAt loop). */
// deno-lint-ignore no-control-regex -- the range is every octet, on purpose
const NOT_OCTET = /[^\x00-\xff]/

/** Encodes the header blocks of one connection (RFC 7541). */
export class HpackEncoder {
  /** Our limit on the table size. */
  readonly maxTableSize: number
  private readonly huffman: boolean
  private readonly table: EncoderTable
  /** The smallest size the table passed through since the last block, or -1 if no change is pending. */
  private pendingMinSize = -1
  /** The size to announce last at the start of the next block. */
  private pendingSize = -1
  private buffer = new Uint8Array(1024)
  private pos = 0

  constructor(options: HpackEncoderOptions = {}) {
    this.maxTableSize = options.maxTableSize ?? DEFAULT_HEADER_TABLE_SIZE
    this.huffman = options.huffman ?? true
    // Both sides start at the protocol's 4096 (RFC 9113 §6.5.2); a smaller choice of ours
    // is announced in the first block.
    this.table = new EncoderTable(DEFAULT_HEADER_TABLE_SIZE)
    this.setPeerMaxTableSize(DEFAULT_HEADER_TABLE_SIZE)
  }

  /** Size in octets of the dynamic table now (§4.1). */
  get tableSize(): number {
    return this.table.size
  }

  /** The dynamic table's entries, newest first, as `[name, value, …]` (for tests and debugging). */
  tableEntries(): string[] {
    return this.table.entries()
  }

  /** The table size in force (after the pending update, if any). */
  get tableMaxSize(): number {
    return this.pendingSize >= 0 ? this.pendingSize : this.table.maxSize
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with a table-size update. */
  setPeerMaxTableSize(size: number): void {
    const next = Math.min(this.maxTableSize, size)
    const current = this.tableMaxSize
    if (next === current && this.pendingSize < 0) return
    const lowest = this.pendingMinSize >= 0 ? this.pendingMinSize : this.table.maxSize
    this.pendingMinSize = Math.min(lowest, next)
    this.pendingSize = next
  }

  /**
   * Encodes `[name, value, …]` (names already lowercase; pseudo-headers first). Fields named
   * in `sensitive` (and `authorization`, `proxy-authorization`, `cookie` values shorter than
   * 20 bytes, `set-cookie`) are written never-indexed. Returns the block bytes.
   * Throws `HpackError('invalid-octet')` for a character above U+00FF.
   */
  encode(headers: readonly string[], sensitive?: ReadonlySet<string>): Uint8Array {
    // Checked before anything changes: a block that is never sent must leave the table as
    // it was, or every later block would be decoded against a table the peer does not have.
    checkOctets(headers)
    this.pos = 0
    this.writeSizeUpdates()
    const table = this.table
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!
      const value = headers[i + 1]!
      this.reserve(20 + name.length + value.length)
      const secret = ALWAYS_SENSITIVE.has(name) || (name === 'cookie' && value.length < SHORT_COOKIE) ||
        (sensitive !== undefined && sensitive.has(name))
      const fromStatic = STATIC_BY_NAME.get(name)
      if (!secret) {
        const staticIndex = fromStatic?.values.get(value)
        if (staticIndex !== undefined) {
          this.pos = writeInteger(this.buffer, this.pos, staticIndex, 7, 0x80)
          continue
        }
        const dynamicIndex = table.indexOf(name, value)
        if (dynamicIndex !== 0) {
          this.pos = writeInteger(this.buffer, this.pos, STATIC_TABLE_LENGTH + dynamicIndex, 7, 0x80)
          continue
        }
      }
      let nameIndex = fromStatic?.index ?? 0
      if (nameIndex === 0) {
        const dynamicIndex = table.nameIndexOf(name)
        if (dynamicIndex !== 0) nameIndex = STATIC_TABLE_LENGTH + dynamicIndex
      }
      const indexing = !secret && !NOT_INDEXED.has(name) && entrySize(name, value) * 2 <= table.maxSize
      if (secret) this.pos = writeInteger(this.buffer, this.pos, nameIndex, 4, 0x10)
      else if (indexing) this.pos = writeInteger(this.buffer, this.pos, nameIndex, 6, 0x40)
      else this.pos = writeInteger(this.buffer, this.pos, nameIndex, 4, 0x00)
      if (nameIndex === 0) this.writeString(name)
      this.writeString(value)
      if (indexing) table.add(name, value)
    }
    return this.buffer.slice(0, this.pos)
  }

  /** §4.2, §6.3: announce table size changes before the first field. */
  private writeSizeUpdates(): void {
    if (this.pendingSize < 0) return
    this.reserve(12)
    if (this.pendingMinSize < this.pendingSize) {
      this.pos = writeInteger(this.buffer, this.pos, this.pendingMinSize, 5, 0x20)
      this.table.resize(this.pendingMinSize)
    }
    this.pos = writeInteger(this.buffer, this.pos, this.pendingSize, 5, 0x20)
    this.table.resize(this.pendingSize)
    this.pendingMinSize = this.pendingSize = -1
  }

  /** A string literal (§5.2): Huffman if strictly shorter. */
  private writeString(s: string): void {
    if (this.huffman) {
      const length = huffmanLength(s)
      if (length < s.length) {
        this.pos = huffmanEncode(s, this.buffer, writeInteger(this.buffer, this.pos, length, 7, 0x80))
        return
      }
    }
    const buffer = this.buffer
    let pos = writeInteger(buffer, this.pos, s.length, 7, 0)
    for (let i = 0; i < s.length; i++) buffer[pos++] = s.charCodeAt(i)
    this.pos = pos
  }

  /** Makes room for `n` more octets. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.pos + n))
    grown.set(this.buffer.subarray(0, this.pos))
    this.buffer = grown
  }
}
