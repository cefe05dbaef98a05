/**
 * The pull stream behind `FileSystem.read()`, written once for every driver whose file API
 * is a handle read in order; a driver whose file API already gives a stream needs none of
 * this. The driver gives `open`, this gives the contract `FileSystem.read()`
 * promises: the file opened on the first pull, not before; one chunk read per pull and
 * nothing ahead of the consumer (backpressure, memory at one chunk); chunks filled up to
 * `chunkSize` even when the runtime reads less; an error if the file ends early; the handle
 * closed at the end, on an error and on cancel.
 * @module
 */

/** An open file, read in order from the offset it was opened at. */
export interface SequentialFile {
  /** Reads into `buffer`; the bytes read, or null at the end of the file. */
  read(buffer: Uint8Array): Promise<number | null>
  /** Closes the file; never throws (an error closing a read-only file changes nothing). */
  close(): void
}

/** Opens `path` for reading from byte `start`. */
export type OpenSequential = (path: string, start: number) => Promise<SequentialFile>

/** Bytes `start` to `end - 1` of `path` as a pull stream of chunks of at most `chunkSize` bytes. */
export function fileRangeStream(open: OpenSequential, path: string, start: number, end: number, chunkSize: number): ReadableStream<Uint8Array> {
  let file: SequentialFile | null = null
  let position = start
  const close = (): void => {
    file?.close()
    file = null
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        file ??= await open(path, start)
        const want = Math.min(chunkSize, end - position)
        // A fresh buffer per chunk: the writer may still hold the last one (the socket's queue).
        const buffer = new Uint8Array(want)
        // read() may return less than asked; fill the chunk so that chunks stay large.
        let filled = 0
        while (filled < want) {
          const n = await file.read(buffer.subarray(filled))
          if (n === null || n === 0) break
          filled += n
        }
        if (filled === 0) throw new Error(`${path} ended at byte ${position}, before ${end}`)
        position += filled
        controller.enqueue(filled === want ? buffer : buffer.subarray(0, filled))
        if (position >= end) {
          close()
          controller.close()
        }
      } catch (error) {
        close()
        controller.error(error)
      }
    },
    cancel: close,
  }, { highWaterMark: 0 })
}
