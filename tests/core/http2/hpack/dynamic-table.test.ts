// The dynamic table (RFC 7541 §4): sizes, eviction order, size updates, the ring buffer
// across growth and wrap-around, and the encoder's lookups staying in step with eviction.
import { describe, expect, it } from 'vitest'
import { DynamicTable, entrySize } from '../../../../core/http2/hpack/dynamic-table.ts'
import { EncoderTable } from '../../../../core/http2/hpack/encoder-table.ts'
import { seededRandom } from './random.ts'

const entries = (table: DynamicTable): string[] => table.entries()

describe('DynamicTable', () => {
  it('counts name + value + 32 per entry (RFC 7541 §4.1)', () => {
    const table = new DynamicTable(4096)
    table.add('custom-key', 'custom-header')
    expect(table.size).toBe(55)
    expect(entrySize('custom-key', 'custom-header')).toBe(55)
  })
  it('indexes newest first and evicts oldest first (§2.3.2, §4.4)', () => {
    const table = new DynamicTable(3 * 34)
    table.add('a', '1')
    table.add('b', '2')
    table.add('c', '3')
    expect(entries(table)).toEqual(['c', '3', 'b', '2', 'a', '1'])
    table.add('d', '4')
    expect(entries(table)).toEqual(['d', '4', 'c', '3', 'b', '2'])
    expect(table.size).toBe(102)
  })
  it('an entry larger than the table empties it (§4.4) and is not counted', () => {
    const table = new DynamicTable(40)
    table.add('a', '1')
    const before = table.insertCount
    table.add('a', 'x'.repeat(8))
    expect(table.length).toBe(0)
    expect(table.size).toBe(0)
    expect(table.insertCount).toBe(before)
  })
  it('resize evicts down to the new maximum (§4.3)', () => {
    const table = new DynamicTable(4096)
    for (const n of ['a', 'b', 'c']) table.add(n, '1')
    table.resize(68)
    expect(entries(table)).toEqual(['c', '1', 'b', '1'])
    table.resize(0)
    expect(table.length).toBe(0)
    table.add('a', '1')
    expect(table.length).toBe(0)
  })
  it('keeps its order across ring growth and wrap-around (a random walk against an array)', () => {
    const random = seededRandom(41)
    const table = new DynamicTable(2000)
    let model: [string, string][] = []
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.02) {
        const size = Math.floor(random() * 2000)
        table.resize(size)
        while (model.reduce((s, [n, v]) => s + entrySize(n, v), 0) > size) model.pop()
      } else {
        const name = `n${step}`
        const value = 'v'.repeat(Math.floor(random() * 100))
        table.add(name, value)
        if (entrySize(name, value) > table.maxSize) model = []
        else {
          model.unshift([name, value])
          while (model.reduce((s, [n, v]) => s + entrySize(n, v), 0) > table.maxSize) model.pop()
        }
      }
      expect(table.length).toBe(model.length)
    }
    expect(entries(table)).toEqual(model.flat())
  })
})

describe('EncoderTable lookups', () => {
  it('finds fields by name + value and by name, newest first', () => {
    const table = new EncoderTable(4096)
    table.add('x-a', '1')
    table.add('x-b', '2')
    table.add('x-a', '3')
    expect(table.indexOf('x-a', '1')).toBe(3)
    expect(table.indexOf('x-a', '3')).toBe(1)
    expect(table.indexOf('x-a', '2')).toBe(0)
    expect(table.nameIndexOf('x-a')).toBe(1)
    expect(table.nameIndexOf('x-b')).toBe(2)
    expect(table.nameIndexOf('x-c')).toBe(0)
  })
  it('forgets evicted entries, and keeps newer ones of the same name', () => {
    const table = new EncoderTable(2 * 36)
    table.add('x-a', '1')
    table.add('x-a', '2')
    table.add('x-b', '3') // evicts x-a: 1
    expect(table.indexOf('x-a', '1')).toBe(0)
    expect(table.indexOf('x-a', '2')).toBe(2)
    expect(table.nameIndexOf('x-a')).toBe(2)
    table.add('x-c', '4') // evicts x-a: 2
    expect(table.nameIndexOf('x-a')).toBe(0)
    expect(table.indexOf('x-a', '2')).toBe(0)
  })
  it('holds no more names than the table holds entries (bounded memory)', () => {
    const table = new EncoderTable(4096)
    for (let i = 0; i < 10_000; i++) table.add(`x-${i}`, String(i))
    const byName = (table as unknown as { byName: Map<string, unknown> }).byName
    expect(byName.size).toBe(table.length)
  })
})
