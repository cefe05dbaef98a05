/**
 * A field block in pieces (RFC 9113 §4.3, §6.10): a HEADERS frame without END_HEADERS and
 * the CONTINUATION frames that must follow it on the same stream, with nothing in between.
 * The pieces are copied (they outlive the chunk they came in) and capped twice, by bytes and
 * by frame count (the 2024 CONTINUATION flood): a block cannot be skipped without decoding
 * it, so going past either cap ends the connection.
 * @module
 */
import { ConnectionError } from './errors.ts'
import { ErrorCode } from './frame-types.ts'

/** The HEADERS frame's facts, kept until the block is complete. */
export class FieldBlock {
  readonly streamId: number
  readonly endStream: boolean
  readonly dependency: number
  #parts: Uint8Array[]
  #bytes: number
  #continuations = 0

  constructor(streamId: number, endStream: boolean, dependency: number, first: Uint8Array) {
    this.streamId = streamId
    this.endStream = endStream
    this.dependency = dependency
    this.#parts = [new Uint8Array(first)]
    this.#bytes = first.length
  }

  /** Adds a CONTINUATION's fragment. Throws ENHANCE_YOUR_CALM past `maxBytes` or `maxFrames`. */
  add(fragment: Uint8Array, maxBytes: number, maxFrames: number): void {
    if (++this.#continuations > maxFrames) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${maxFrames} CONTINUATION frames in one field block`)
    }
    this.#bytes += fragment.length
    if (this.#bytes > maxBytes) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `field block larger than ${maxBytes} bytes`)
    }
    this.#parts.push(new Uint8Array(fragment))
  }

  /** The whole block. */
  bytes(): Uint8Array {
    if (this.#parts.length === 1) return this.#parts[0]!
    const out = new Uint8Array(this.#bytes)
    let at = 0
    for (const part of this.#parts) {
      out.set(part, at)
      at += part.length
    }
    return out
  }
}
