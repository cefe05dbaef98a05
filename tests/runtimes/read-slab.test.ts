// The read slabs of the Deno driver (runtimes/read-slab.ts): small first, consecutive views,
// doubling while reads come back full, never past MAX_SLAB_BYTES, back to small after.
import { describe, expect, it } from 'vitest'
import { MAX_SLAB_BYTES, MIN_READ_BYTES, ReadSlab, SLAB_BYTES } from '../../runtimes/read-slab.ts'

/** A read of `n` bytes (at most the room) into the slab, as a socket would do it. */
function read(slab: ReadSlab, n: number): { room: number; view: Uint8Array } {
  const room = slab.room()
  const taken = Math.min(n, room.length)
  room.fill(7, 0, taken)
  return { room: room.length, view: slab.filled(room, taken) }
}

describe('ReadSlab', () => {
  it('fills consecutive views of one small slab, never the same bytes twice', () => {
    const slab = new ReadSlab()
    const a = read(slab, 100)
    const b = read(slab, 200)
    expect(a.room).toBe(SLAB_BYTES)
    expect(b.room).toBe(SLAB_BYTES - 100)
    expect(b.view.buffer).toBe(a.view.buffer)
    expect(b.view.byteOffset).toBe(a.view.byteOffset + 100)
    expect(a.view.length).toBe(100)
  })

  it('starts a fresh slab when less than MIN_READ_BYTES is left', () => {
    const slab = new ReadSlab()
    const first = read(slab, SLAB_BYTES - MIN_READ_BYTES + 1)
    const next = read(slab, 10)
    expect(next.view.buffer).not.toBe(first.view.buffer)
    expect(next.room).toBe(SLAB_BYTES)
  })

  it('doubles while reads come back full, up to MAX_SLAB_BYTES, and goes back to SLAB_BYTES after a small read', () => {
    const slab = new ReadSlab()
    const rooms: number[] = []
    for (let i = 0; i < 8; i++) rooms.push(read(slab, Infinity).room)
    expect(rooms).toEqual([SLAB_BYTES, 2 * SLAB_BYTES, 4 * SLAB_BYTES, 8 * SLAB_BYTES, MAX_SLAB_BYTES, MAX_SLAB_BYTES, MAX_SLAB_BYTES, MAX_SLAB_BYTES])
    expect(Math.max(...rooms)).toBe(MAX_SLAB_BYTES) // the cap is hit, never passed
    read(slab, 100) // a small read in the big slab
    expect(read(slab, 10).room).toBe(SLAB_BYTES) // the next slab is small again
  })
})
