/**
 * A response body the server can pull chunk by chunk without a ReadableStream. A web
 * stream costs a promise chain and a queue per chunk (tens of µs on some runtimes); a body that
 * comes from a pull source the server itself knows (a file, from the static handler) needs
 * none of that when nothing but the server reads it.
 *
 * A `PullBody` is the body of a light response (`light-response.ts`): the response writer
 * takes its source and reads it directly; anyone else who asks for `response.body` gets a
 * real ReadableStream, built only then: the body's own `stream()` when it has one (a file
 * read afresh, into buffers the reader may keep: the source's may be reused once written),
 * else one over the source (`sourceStream`). Either way one of them is read, once, in order.
 * @module
 */

/** Chunks pulled one at a time, nothing read ahead of the consumer. */
export interface ChunkSource {
  /** The next chunk, or null after the last. Rejects on a read error (the source is then closed). */
  pull(): Promise<Uint8Array | null>
  /** True once the last chunk has been returned: the next pull would give null. */
  readonly done: boolean
  /** Stops early and frees what the source holds (an open file); harmless after the end. */
  cancel(): void
}

/** The body of a light response whose bytes come from `source`. */
export class PullBody {
  readonly source: ChunkSource
  private readonly makeStream: (() => ReadableStream<Uint8Array>) | undefined

  /** `stream`: the same bytes as a stream of their own, for a reader other than the server. */
  constructor(source: ChunkSource, stream?: () => ReadableStream<Uint8Array>) {
    this.source = source
    this.makeStream = stream
  }

  /** The body as a ReadableStream; the source is then not to be pulled by anyone else. */
  stream(): ReadableStream<Uint8Array> {
    if (this.makeStream === undefined) return sourceStream(this.source)
    this.source.cancel()
    return this.makeStream()
  }
}

/**
 * `source` as a pull stream (highWaterMark 0: a chunk is read only when the consumer asks),
 * closed in the pull that returns the last chunk; cancelling it cancels the source.
 */
export function sourceStream(source: ChunkSource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await source.pull()
        if (chunk !== null) controller.enqueue(chunk)
        if (chunk === null || source.done) controller.close()
      } catch (error) {
        controller.error(error)
      }
    },
    cancel: () => source.cancel(),
  }, { highWaterMark: 0 })
}
