/**
 * The payload of the data message being received, its frames joined as they are
 * unmasked. It grows by doubling but never past what the current frame has announced,
 * so a header that claims a large payload costs nothing until the bytes arrive: memory
 * stays within twice what was received, and within `maxPayloadLength` (which the frame
 * parser enforced on the announced lengths).
 * @module
 */

const EMPTY = new Uint8Array(0)
/** First allocation for a frame whose length is known to be at least this big. */
const INITIAL_CAPACITY = 16 * 1024

/** Growable byte array for one message. */
export class MessageBuffer {
  bytes: Uint8Array = EMPTY
  length = 0

  /**
   * Makes room for `incoming` more bytes, out of `announced` still due in the current frame
   * (`incoming ≤ announced`).
   */
  reserve(incoming: number, announced: number): void {
    const needed = this.length + incoming
    if (needed <= this.bytes.length) return
    const ceiling = this.length + announced
    // Twice what is needed (within what was received, ×2), so a frame that arrives in two
    // reads is not copied again for the second; never past what the frame announced.
    const capacity = Math.max(needed, Math.min(Math.max(2 * needed, INITIAL_CAPACITY), ceiling))
    const next = new Uint8Array(capacity)
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  /** Takes `bytes` as the whole message (nothing may have been reserved or written yet). */
  adopt(bytes: Uint8Array): void {
    this.bytes = bytes
    this.length = bytes.length
  }

  /** The message so far, handed over: the buffer starts empty again. */
  take(): Uint8Array {
    const out = this.bytes.length === this.length ? this.bytes : this.bytes.subarray(0, this.length)
    this.bytes = EMPTY
    this.length = 0
    return out
  }
}
