/**
 * Small output arrays carved from shared slabs, as a buffer pool does.
 * `new Uint8Array(n)` past 64 bytes gets its own zeroed backing store from the engine's
 * allocator and is tracked by the garbage collector one by one: measured here, about
 * 10× the cost of a view into an existing buffer, paid for every response head and every
 * small response. A slab is never written again where a view was handed out (the pointer
 * only moves forward; a full slab is replaced, not reset), so views stay valid for as long
 * as their holder keeps them; a slab is freed once no view into it is alive.
 * Memory stays bounded: a live view pins at most one slab (8 KiB).
 * @module
 */

const SLAB_BYTES = 8 * 1024
/** Arrays larger than this get their own buffer: a big one would waste most of a slab. */
const MAX_POOLED = SLAB_BYTES >> 2

let slab = new ArrayBuffer(SLAB_BYTES)
let used = 0

/**
 * A new, zero-filled array of `n` bytes that nothing else references, as `new Uint8Array(n)`,
 * except that its `buffer` may be shared with other such arrays: never detach or transfer it,
 * nor reach past the view through `.buffer`.
 */
export function allocBytes(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n)
  if (used + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES)
    used = 0
  }
  const bytes = new Uint8Array(slab, used, n)
  used = (used + n + 7) & ~7 // 8-byte aligned, as engines like their views
  return bytes
}
