/**
 * The HPACK decoder (RFC 7541 §3, §6): one header block in, the field list out, the
 * peer's dynamic table kept in step. One decoder per connection, fed every block in the
 * order the frames arrived (§2.2: blocks are processed strictly in order).
 *
 * First octet of each representation (§6):
 *
 *     1xxxxxxx  indexed field, 7-bit index                         §6.1
 *     01xxxxxx  literal, incremental indexing, 6-bit name index    §6.2.1
 *     001xxxxx  dynamic table size update, 5-bit size              §6.3
 *     0001xxxx  literal, never indexed, 4-bit name index           §6.2.3
 *     0000xxxx  literal, without indexing, 4-bit name index        §6.2.2
 *
 * A name index of 0 means the name follows as a string literal. A string literal is an H
 * bit (Huffman) and a 7-bit-prefix length, then that many octets.
 *
 * The header-list limit (RFC 9113 §6.5.2, `maxHeaderListSize`) cannot stop decoding
 * early: every block must be processed whole or the dynamic tables drift apart. So past
 * the limit the decoder keeps reading and indexing, but builds no output string and
 * pushes nothing more, and returns null. A block that names one 4 KiB entry ten thousand
 * times costs the time to read it and no memory (the "HPACK bomb", RFC 7541 §7.3).
 * Strings are built only for the output or for the table, and the table is bounded.
 *
 * The table starts at 4096 octets, as the peer's encoder does (it may send blocks before
 * it has our SETTINGS); size updates may then set anything up to `maxTableSize`. We do not
 * insist on an update when `maxTableSize` is below 4096: the table stays bounded by 4096.
 * @module
 */
import { latin1Decode } from '../../http/ascii.ts'
import { DEFAULT_HEADER_TABLE_SIZE, DynamicTable, ENTRY_OVERHEAD } from './dynamic-table.ts'
import { HpackError } from './errors.ts'
import { huffmanDecode, maxDecodedLength } from './huffman.ts'
import { type ByteCursor, readInteger } from './integer.ts'
import { STATIC_NAMES, STATIC_TABLE_LENGTH, STATIC_VALUES } from './static-table.ts'

/** Our default SETTINGS_MAX_HEADER_LIST_SIZE (the contract's `Http2Limits.maxHeaderListSize`). */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 65536

/** Huffman scratch buffers above this are dropped after the block that needed them. */
const KEEP_SCRATCH_BYTES = 16 * 1024

/** Options of `HpackDecoder`. */
export interface HpackDecoderOptions {
  /** SETTINGS_HEADER_TABLE_SIZE we advertise: max size the peer's table-size updates may set. Default 4096. */
  maxTableSize?: number
  /** Max decoded header list size (RFC 9113 §6.5.2: sum of name + value + 32 per field). Default 65536. */
  maxHeaderListSize?: number
}

/** A string literal located by `readString`: `bytes[start, end)` holds its octets. */
interface StringSpan {
  bytes: Uint8Array
  start: number
  end: number
  /** The Huffman output buffer this span decodes into; grows on demand. */
  scratch: Uint8Array
}

const EMPTY = new Uint8Array(0)

/** RFC 9113 §6.5.2 size of a field list. */
function sizeOf(fields: readonly string[]): number {
  let size = 0
  for (let i = 0; i < fields.length; i += 2) size += fields[i]!.length + fields[i + 1]!.length + ENTRY_OVERHEAD
  return size
}

/** Decodes the header blocks of one connection (RFC 7541). */
export class HpackDecoder {
  /** The largest table size the peer may set (our SETTINGS_HEADER_TABLE_SIZE). */
  readonly maxTableSize: number
  /** The largest header list `decode` returns (RFC 9113 §6.5.2 size). */
  readonly maxHeaderListSize: number
  /**
   * Size of the fields the last `decode` put in its output, never above
   * `maxHeaderListSize`: what that call allocated for the caller is bounded by it.
   */
  builtSize = 0
  /** Size of the whole list the last block encoded, including fields past the limit. */
  listSize = 0

  private readonly table: DynamicTable
  private readonly cursor: ByteCursor = { bytes: EMPTY, pos: 0, end: 0 }
  private readonly name: StringSpan = { bytes: EMPTY, start: 0, end: 0, scratch: new Uint8Array(256) }
  private readonly value: StringSpan = { bytes: EMPTY, start: 0, end: 0, scratch: new Uint8Array(256) }

  constructor(options: HpackDecoderOptions = {}) {
    this.maxTableSize = options.maxTableSize ?? DEFAULT_HEADER_TABLE_SIZE
    this.maxHeaderListSize = options.maxHeaderListSize ?? DEFAULT_MAX_HEADER_LIST_SIZE
    // The peer's encoder starts at the protocol's 4096 (RFC 9113 §6.5.2) whatever we
    // advertise, until it announces another size; it must announce one at most our limit.
    this.table = new DynamicTable(DEFAULT_HEADER_TABLE_SIZE)
  }

  /** Size in octets of the dynamic table now (§4.1). */
  get tableSize(): number {
    return this.table.size
  }

  /** The dynamic table's entries, newest first, as `[name, value, …]` (for tests and debugging). */
  tableEntries(): string[] {
    return this.table.entries()
  }

  /**
   * Decodes one complete header block. Returns the flat list `[name, value, …]` (names
   * exactly as decoded; values as latin1 strings of the octets), or `null` if the decoded
   * list exceeds `maxHeaderListSize`: the whole block is still processed, so the dynamic
   * table stays in sync, but no string beyond the limit is built. Throws `HpackError`
   * (→ COMPRESSION_ERROR) on a malformed block.
   */
  decode(block: Uint8Array): string[] | null {
    const cursor = this.cursor
    const table = this.table
    cursor.bytes = block
    cursor.pos = 0
    cursor.end = block.length
    const limit = this.maxHeaderListSize
    const out: string[] = []
    let listSize = 0
    /** Past the limit: from here on nothing is added to `out`. */
    let overflowed = false
    let sawField = false
    let sizeUpdates = 0
    try {
      while (cursor.pos < cursor.end) {
        const first = block[cursor.pos]!
        if (first >= 0x80) {
          // §6.1 Indexed Header Field
          const index = readInteger(cursor, 7)
          if (index === 0) throw new HpackError('invalid-index', 'indexed field with index 0 (RFC 7541 §6.1)')
          sawField = true
          let name: string
          let value: string
          if (index <= STATIC_TABLE_LENGTH) {
            name = STATIC_NAMES[index - 1]!
            value = STATIC_VALUES[index - 1]!
          } else {
            this.checkDynamicIndex(index)
            name = table.name(index - STATIC_TABLE_LENGTH)
            value = table.value(index - STATIC_TABLE_LENGTH)
          }
          listSize += name.length + value.length + ENTRY_OVERHEAD
          if (overflowed || listSize > limit) overflowed = true
          else out.push(name, value)
          continue
        }
        if (first >= 0x20 && first < 0x40) {
          // §6.3 Dynamic Table Size Update: only before the first field (§4.2; RFC 9113 §4.3)
          if (sawField) {
            throw new HpackError('misplaced-table-size-update', 'dynamic table size update after a field (RFC 7541 §4.2)')
          }
          if (++sizeUpdates > 2) {
            throw new HpackError('misplaced-table-size-update', 'more than two dynamic table size updates (RFC 7541 §4.2)')
          }
          const size = readInteger(cursor, 5)
          if (size > this.maxTableSize) {
            throw new HpackError('table-size-too-large', `table size update to ${size}, above our limit ${this.maxTableSize}`)
          }
          table.resize(size)
          continue
        }
        // §6.2 Literal Header Field: with incremental indexing (01), never indexed (0001),
        // without indexing (0000)
        sawField = true
        const indexing = first >= 0x40
        const nameIndex = readInteger(cursor, indexing ? 6 : 4)
        let name: string | undefined
        let nameLength: number
        if (nameIndex === 0) {
          this.readString(this.name)
          nameLength = this.name.end - this.name.start
        } else {
          if (nameIndex <= STATIC_TABLE_LENGTH) {
            name = STATIC_NAMES[nameIndex - 1]!
          } else {
            this.checkDynamicIndex(nameIndex)
            name = table.name(nameIndex - STATIC_TABLE_LENGTH)
          }
          nameLength = name.length
        }
        this.readString(this.value)
        const valueLength = this.value.end - this.value.start
        const size = nameLength + valueLength + ENTRY_OVERHEAD
        listSize += size
        if (!overflowed && listSize > limit) overflowed = true
        let indexed = indexing
        if (indexing && size > table.maxSize) {
          // §4.4: an entry larger than the whole table empties it and is not added.
          table.clear()
          indexed = false
        }
        if (overflowed && !indexed) continue
        name ??= latin1Decode(this.name.bytes, this.name.start, this.name.end)
        const value = latin1Decode(this.value.bytes, this.value.start, this.value.end)
        if (indexed) table.add(name, value)
        if (!overflowed) out.push(name, value)
      }
    } finally {
      this.builtSize = overflowed ? sizeOf(out) : listSize
      this.listSize = listSize
      cursor.bytes = EMPTY
      this.releaseScratch(this.name)
      this.releaseScratch(this.value)
    }
    return overflowed ? null : out
  }

  /** Throws unless `index` (> 61) addresses a live dynamic entry (§2.3.3). */
  private checkDynamicIndex(index: number): void {
    if (index - STATIC_TABLE_LENGTH > this.table.length) {
      throw new HpackError('invalid-index', `index ${index} is beyond the tables (${STATIC_TABLE_LENGTH} + ${this.table.length})`)
    }
  }

  /** Reads a string literal (§5.2) into `span`, Huffman-decoding into its scratch buffer. */
  private readString(span: StringSpan): void {
    const cursor = this.cursor
    if (cursor.pos >= cursor.end) throw new HpackError('truncated', 'block ends before a string literal')
    const huffman = cursor.bytes[cursor.pos]! >= 0x80
    const length = readInteger(cursor, 7)
    const start = cursor.pos
    if (length > cursor.end - start) throw new HpackError('truncated', `string of ${length} octets runs past the block`)
    cursor.pos = start + length
    if (!huffman) {
      span.bytes = cursor.bytes
      span.start = start
      span.end = start + length
      return
    }
    const need = maxDecodedLength(length)
    if (span.scratch.length < need) span.scratch = new Uint8Array(Math.max(need, span.scratch.length * 2))
    span.bytes = span.scratch
    span.start = 0
    span.end = huffmanDecode(cursor.bytes, start, start + length, span.scratch)
  }

  private releaseScratch(span: StringSpan): void {
    span.bytes = EMPTY
    if (span.scratch.length > KEEP_SCRATCH_BYTES) span.scratch = new Uint8Array(256)
  }
}
