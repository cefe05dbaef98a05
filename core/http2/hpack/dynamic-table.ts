/**
 * The dynamic table (RFC 7541 §2.3.2, §4): a FIFO of header fields, newest first in the
 * index space, bounded in octets rather than entries.
 *
 * - Size (§4.1): the sum over entries of name octets + value octets + 32. Names and values
 *   are latin1 strings, one character per octet, so `length` is the octet count.
 * - Adding (§4.4) evicts oldest entries until the new one fits; an entry larger than the
 *   whole table empties it and is not added ("not an error").
 * - A new maximum (§4.3, via a size update) evicts until the table fits under it.
 *
 * Entries live in a ring buffer (two parallel arrays, power-of-two capacity, grown on
 * demand), so adding and evicting move no elements. Each entry also has an insertion id
 * (0, 1, 2, … for the life of the table): the encoder remembers ids, and the entry with
 * id `a` is at index `insertCount - a` for as long as it lives.
 * @module
 */

/** RFC 9113 §6.5.2: the initial SETTINGS_HEADER_TABLE_SIZE of both sides, and our default. */
export const DEFAULT_HEADER_TABLE_SIZE = 4096

/** §4.1: "The size of an entry is the sum of its name's length in octets …, its value's length in octets, and 32." */
export const ENTRY_OVERHEAD = 32

/** The entry size of a field (§4.1). */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + ENTRY_OVERHEAD
}

/** A dynamic table: one per direction per connection. */
export class DynamicTable {
  private names: string[] = new Array<string>(16)
  private values: string[] = new Array<string>(16)
  private mask = 15
  /** Slot of the oldest entry. */
  private head = 0
  /** Entries in the table. */
  length = 0
  /** Current size in octets (§4.1). */
  size = 0
  /** Entries ever added (an entry too large to add is not counted); the newest has id `insertCount - 1`. */
  insertCount = 0
  /** The maximum size now in force (§4.2). */
  maxSize: number

  constructor(maxSize: number) {
    this.maxSize = maxSize
  }

  /** Name of the entry at dynamic index `index` (1 = newest); the caller checks the range. */
  name(index: number): string {
    return this.names[(this.head + this.length - index) & this.mask]!
  }

  /** Value of the entry at dynamic index `index` (1 = newest). */
  value(index: number): string {
    return this.values[(this.head + this.length - index) & this.mask]!
  }

  /** The entries, newest first, as `[name, value, …]` (for tests and debugging). */
  entries(): string[] {
    const out: string[] = []
    for (let i = 1; i <= this.length; i++) out.push(this.name(i), this.value(i))
    return out
  }

  /** Adds a field as the newest entry, evicting as §4.4 says. */
  add(name: string, value: string): void {
    const size = entrySize(name, value)
    if (size > this.maxSize) {
      this.evictDownTo(0)
      return
    }
    this.evictDownTo(this.maxSize - size)
    const id = this.insertCount++
    if (this.length > this.mask) this.grow()
    const slot = (this.head + this.length) & this.mask
    this.names[slot] = name
    this.values[slot] = value
    this.length++
    this.size += size
    this.added(name, value, id)
  }

  /** Evicts every entry (§4.4: what adding an entry larger than the table does). */
  clear(): void {
    this.evictDownTo(0)
  }

  /** A dynamic table size update (§4.3, §6.3): the new maximum, evicting to fit. */
  resize(maxSize: number): void {
    this.maxSize = maxSize
    this.evictDownTo(maxSize)
  }

  /** Hook for the encoder's lookup maps: an entry was added. */
  protected added(_name: string, _value: string, _id: number): void {}

  /** Hook for the encoder's lookup maps: an entry was evicted. */
  protected evicted(_name: string, _value: string, _id: number): void {}

  private evictDownTo(size: number): void {
    while (this.size > size) {
      const slot = this.head
      const id = this.insertCount - this.length
      const name = this.names[slot]!
      const value = this.values[slot]!
      // Drop the references: the strings may be large, and the slot may sit unused.
      this.names[slot] = this.values[slot] = ''
      this.head = (slot + 1) & this.mask
      this.length--
      this.size -= entrySize(name, value)
      this.evicted(name, value, id)
    }
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2
    const names = new Array<string>(capacity)
    const values = new Array<string>(capacity)
    for (let i = 0; i < this.length; i++) {
      names[i] = this.names[(this.head + i) & this.mask]!
      values[i] = this.values[(this.head + i) & this.mask]!
    }
    this.names = names
    this.values = values
    this.mask = capacity - 1
    this.head = 0
  }
}
