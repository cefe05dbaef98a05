/**
 * A response body the server can pull chunk by chunk without a ReadableStream. A web
 * stream costs a promise chain and a queue per chunk (tens of µs on some runtimes); a body that
 * comes from a pull source the server itself knows (a file, from the static handler) needs
 * none of that when nothing but the server reads it.
 *
 * A `PullBody` is the body of a light response (`light-response.ts`): the response writer
 * takes its source and reads it directly; anyone else who asks for `response.body` gets a
 * real ReadableStream over the same source (`sourceStream`), built only then. Either way
 * the source is read once, in order.
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
  constructor(source: ChunkSource) {
    this.source = source
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
