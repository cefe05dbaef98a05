/**
 * The file capability a driver gives the static file handler: core opens no file itself
 * (it runs on every runtime and touches no runtime global), so each driver implements this
 * with its runtime's file API in `runtimes/files-*.ts`.
 * @module
 */
import type { ChunkSource } from '../fetch/pull-body.ts'

/** What the handler needs to know of a file. */
export interface FileInfo {
  isFile: boolean
  isDirectory: boolean
  /** Bytes. */
  size: number
  /** Last modification, ms since the epoch. */
  mtimeMs: number
}

/** Files, read-only, as the static handler uses them. Paths are absolute, `/`-separated. */
export interface FileSystem {
  /**
   * The canonical absolute path, every symlink resolved; null when the path does not exist
   * or cannot be resolved (a loop, a missing permission). Other failures may reject.
   */
  realPath(path: string): Promise<string | null>
  /** What the path is (symlinks followed); null when it does not exist or is not permitted. */
  stat(path: string): Promise<FileInfo | null>
  /**
   * Bytes `start` to `end - 1` of the file as a pull stream: each pull reads at most
   * `chunkSize` bytes, and nothing is read ahead of the consumer (backpressure: memory stays
   * at one chunk however large the file and however slow the client). The stream closes in
   * the pull that reads its last byte, and errors if the file ends early; cancelling it
   * closes the file.
   */
  read(path: string, start: number, end: number, chunkSize: number): ReadableStream<Uint8Array>
  /**
   * The same bytes as `read()`, with the same promises, as a chunk source the server pulls
   * without a stream (`core/fetch/pull-body.ts`); the done flag is set by the pull that
   * returns the last chunk. Optional: without it, file bodies are `read()` streams.
   */
  chunks?(path: string, start: number, end: number, chunkSize: number): ChunkSource
}
