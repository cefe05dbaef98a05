/**
 * The chunk source behind `FileSystem.chunks()` and the pull stream behind
 * `FileSystem.read()`, written once for every driver whose file API is a handle read in
 * order; a driver whose file API already gives a stream needs none of this. The driver
 * gives `open`, this gives the contract the file system promises: the file opened on the
 * first pull, not before; one chunk read per pull and nothing ahead of the consumer
 * (backpressure, memory at one chunk); chunks filled up to `chunkSize` even when the runtime
 * reads less; an error if the file ends early; the handle closed in the pull that reads the
 * last byte, on an error and on cancel.
 * @module
 */
import { sourceStream, type ChunkSource } from '../fetch/pull-body.ts'

/** An open file, read in order from the offset it was opened at. */
export interface SequentialFile {
  /** Reads into `buffer`; the bytes read, or null at the end of the file. */
  read(buffer: Uint8Array): Promise<number | null>
  /** Closes the file; never throws (an error closing a read-only file changes nothing). */
  close(): void
}

/** Opens `path` for reading from byte `start`. */
export type OpenSequential = (path: string, start: number) => Promise<SequentialFile>

/**
 * A buffer for one chunk. Each chunk gets its own: the writer may still hold the last one
 * (the socket's queue). A driver may give buffers it does not zero (every byte handed on is
 * read into first).
 */
export type AllocateChunk = (size: number) => Uint8Array

const zeroed: AllocateChunk = (size) => new Uint8Array(size)

/** Bytes `start` to `end - 1` of `path` as a chunk source of chunks of at most `chunkSize` bytes. */
export function fileChunks(
  open: OpenSequential,
  path: string,
  start: number,
  end: number,
  chunkSize: number,
  allocate: AllocateChunk = zeroed,
): ChunkSource {
  return new FileChunks(open, path, start, end, chunkSize, allocate)
}

/** The same bytes as `fileChunks`, as a pull stream (closed by the pull that reads the last byte). */
export function fileRangeStream(...args: Parameters<typeof fileChunks>): ReadableStream<Uint8Array> {
  return sourceStream(fileChunks(...args))
}

class FileChunks implements ChunkSource {
  done: boolean
  private readonly open: OpenSequential
  private readonly path: string
  private readonly end: number
  private readonly chunkSize: number
  private readonly allocate: AllocateChunk
  private file: SequentialFile | null = null
  private position: number
  /** A pull is waiting on the file: a cancel then leaves the closing to it. */
  private busy = false

  constructor(open: OpenSequential, path: string, start: number, end: number, chunkSize: number, allocate: AllocateChunk) {
    this.open = open
    this.path = path
    this.position = start
    this.end = end
    this.chunkSize = chunkSize
    this.allocate = allocate
    this.done = start >= end
  }

  async pull(): Promise<Uint8Array | null> {
    if (this.done) return null
    this.busy = true
    try {
      const chunk = await this.readChunk()
      if (this.done) this.close() // the last byte read, or cancelled meanwhile
      return chunk
    } catch (error) {
      this.done = true
      this.close()
      throw error
    } finally {
      this.busy = false
    }
  }

  private async readChunk(): Promise<Uint8Array | null> {
    this.file ??= await this.open(this.path, this.position)
    if (this.done) return null
    const want = Math.min(this.chunkSize, this.end - this.position)
    const buffer = this.allocate(want)
    // read() may return less than asked; fill the chunk so that chunks stay large.
    let filled = 0
    while (filled < want) {
      const n = await this.file.read(filled === 0 ? buffer : buffer.subarray(filled))
      if (n === null || n === 0) break
      filled += n
    }
    if (filled === 0) throw new Error(`${this.path} ended at byte ${this.position}, before ${this.end}`)
    this.position += filled
    if (this.position >= this.end) this.done = true
    return filled === want ? buffer : buffer.subarray(0, filled)
  }

  cancel(): void {
    this.done = true
    // Closing under a pending read could hand its descriptor to the next open file.
    if (!this.busy) this.close()
  }

  private close(): void {
    this.file?.close()
    this.file = null
  }
}
