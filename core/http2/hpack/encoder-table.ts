/**
 * The encoder's copy of the dynamic table, with the lookups it needs to find a field it
 * sent before: exact name + value → index, and name → index of its newest entry. The
 * maps hold insertion ids, not indices, since every addition shifts every index by one;
 * an entry's index is `insertCount - id` while it lives (see dynamic-table.ts). Evicted
 * entries leave the maps at once, so they never hold more than the table does.
 * @module
 */
import { DynamicTable } from './dynamic-table.ts'

interface NameEntries {
  /** Id of the newest live entry with this name. */
  newest: number
  /** value → id of the newest live entry with this name and value. */
  values: Map<string, number>
}

/** A `DynamicTable` the encoder can search. */
export class EncoderTable extends DynamicTable {
  private readonly byName = new Map<string, NameEntries>()

  /** Dynamic index (1 = newest) of the field `name: value`, or 0 if not in the table. */
  indexOf(name: string, value: string): number {
    const id = this.byName.get(name)?.values.get(value)
    return id === undefined ? 0 : this.insertCount - id
  }

  /** Dynamic index of the newest entry named `name`, or 0 if none. */
  nameIndexOf(name: string): number {
    const entries = this.byName.get(name)
    return entries === undefined ? 0 : this.insertCount - entries.newest
  }

  protected override added(name: string, value: string, id: number): void {
    const entries = this.byName.get(name)
    if (entries === undefined) {
      this.byName.set(name, { newest: id, values: new Map([[value, id]]) })
    } else {
      entries.newest = id
      entries.values.set(value, id)
    }
  }

  protected override evicted(name: string, value: string, id: number): void {
    const entries = this.byName.get(name)
    if (entries === undefined) return
    // Eviction is oldest first: if the newest entry of this name goes, all of them have.
    if (entries.newest === id) this.byName.delete(name)
    else if (entries.values.get(value) === id) entries.values.delete(value)
  }
}
