/**
 * The frames one connection has queued for the peer, in the order they must be written, and
 * the HPACK encoder that writes our field blocks. The two belong together: the peer decodes
 * blocks in the order they arrive, so a block must be encoded in the order it is queued, and
 * a HEADERS frame and its CONTINUATIONs are queued in one step so nothing comes between
 * (RFC 9113 §6.10).
 *
 * Replies the peer makes us queue (SETTINGS and PING acks, RST_STREAM for its mistakes) are
 * counted apart: a peer that sends pings and never reads would otherwise grow the queue
 * without bound (CVE-2019-9512, -9515). Past `maxQueuedControlBytes` since the server last
 * took the output, the connection ends with ENHANCE_YOUR_CALM.
 * @module
 */
import { ConnectionError } from './errors.ts'
import { pushHeaderFrames } from './frame-serializer.ts'
import { ErrorCode } from './frame-types.ts'
import { HpackEncoder } from './hpack/mod.ts'

/** Frames waiting to be written, and the encoder of our field blocks. */
export class OutputQueue {
  readonly #encoder = new HpackEncoder()
  readonly #maxReplyBytes: number
  #frames: Uint8Array[] = []
  #bytes = 0
  /** Bytes of replies the peer made us queue since the last `take()`. */
  #replyBytes = 0

  constructor(maxQueuedControlBytes: number) {
    this.#maxReplyBytes = maxQueuedControlBytes
  }

  /** Bytes queued and not yet taken. */
  get bytes(): number {
    return this.#bytes
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with a size update. */
  setPeerMaxTableSize(size: number): void {
    this.#encoder.setPeerMaxTableSize(size)
  }

  /** Queues a frame (or a DATA payload after its header) we chose to send. */
  push(frame: Uint8Array): void {
    this.#frames.push(frame)
    this.#bytes += frame.length
  }

  /** Queues a frame the peer's frame made us send; throws ConnectionError past the reply bound. */
  reply(frame: Uint8Array): void {
    this.push(frame)
    this.#replyBytes += frame.length
    if (this.#replyBytes > this.#maxReplyBytes) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.#maxReplyBytes} bytes of replies not read`)
    }
  }

  /** Encodes `fields` and queues HEADERS and its CONTINUATIONs, each at most `maxFrameSize`. */
  fieldBlock(streamId: number, fields: readonly string[], endStream: boolean, maxFrameSize: number): void {
    const block = this.#encoder.encode(fields)
    this.#bytes += pushHeaderFrames(this.#frames, streamId, block, endStream, maxFrameSize)
  }

  /** Frames waiting to be written, in order; empties the queue. */
  take(): Uint8Array[] {
    const frames = this.#frames
    this.#frames = []
    this.#bytes = 0
    this.#replyBytes = 0
    return frames
  }
}
