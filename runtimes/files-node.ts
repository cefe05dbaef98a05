/**
 * The static file handler's `FileSystem` on node:fs (Node; Bun uses it for paths and stats
 * too). https://nodejs.org/api/fs.html
 * @module
 */
import { Buffer } from 'node:buffer'
import { closeSync, open, read, realpath, stat, type Stats } from 'node:fs'
import type { FetchHandler } from '../core/fetch/app.ts'
import { fileChunks, fileRangeStream, type AllocateChunk, type SequentialFile } from '../core/static/file-stream.ts'
import type { FileInfo, FileSystem } from '../core/static/file-system.ts'
import { staticApp, type ServeStaticOptions } from '../core/static/static-app.ts'
import { takeChunk } from './chunk-pool.ts'

/** The errors that mean "no such servable file": answered with null, i.e. 404. */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'EINVAL'])

/** Resolves with `value`, or with null for a "no such file" error; rejects on any other. */
function settle<T>(resolve: (value: T | null) => void, reject: (error: unknown) => void, error: (Error & { code?: string }) | null, value: T): void {
  if (error === null) resolve(value)
  else if (NOT_FOUND.has(error.code ?? '')) resolve(null)
  else reject(error)
}

function fileInfo(stats: Stats): FileInfo {
  return { isFile: stats.isFile(), isDirectory: stats.isDirectory(), size: stats.size, mtimeMs: stats.mtimeMs }
}

/**
 * `FileSystem` on node:fs, with callbacks rather than node:fs/promises (less per call, on a
 * path that makes four or five calls per request). Each call goes to libuv's thread pool
 * except `close`, which is synchronous: closing a read-only descriptor does no I/O on a local
 * file system (a FUSE mount's daemon does hear a FLUSH), and a thread-pool round trip costs
 * more than the call.
 */
export const nodeFiles: FileSystem = {
  realPath: (path) => new Promise((resolve, reject) => realpath.native(path, (error, real) => settle(resolve, reject, error, real))),
  stat: (path) => new Promise((resolve, reject) => stat(path, (error, stats) => settle(resolve, reject, error, stats && fileInfo(stats)))),
  read: (path, start, end, chunkSize) => fileRangeStream(openNode, path, start, end, chunkSize, unzeroed),
  // Only the server writes these chunks: full ones come from the pool the socket gives back to.
  chunks: (path, start, end, chunkSize) => fileChunks(openNode, path, start, end, chunkSize, (size) => (size === chunkSize ? takeChunk(size) : unzeroed(size))),
}

/** Chunk buffers left unzeroed (each is read into before it is handed on), outside Node's shared pool. */
const unzeroed: AllocateChunk = (size) => Buffer.allocUnsafeSlow(size)

/**
 * A file descriptor read at an advancing position, as the sequential file `fileChunks`
 * reads. Callbacks and a bare fd, not a FileHandle: a FileHandle adds a promise per read
 * and its own close bookkeeping, on a path that runs several times per request.
 */
function openNode(path: string, start: number): Promise<SequentialFile> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (error, fd) => {
      if (error) return reject(error)
      resolve(new NodeFile(fd, start))
    })
  })
}

class NodeFile implements SequentialFile {
  private readonly fd: number
  private position: number

  constructor(fd: number, position: number) {
    this.fd = fd
    this.position = position
  }

  read(buffer: Uint8Array): Promise<number | null> {
    return new Promise((resolve, reject) => {
      read(this.fd, buffer, 0, buffer.length, this.position, (error, bytesRead) => {
        if (error) return reject(error)
        this.position += bytesRead
        resolve(bytesRead === 0 ? null : bytesRead)
      })
    })
  }

  close(): void {
    try {
      closeSync(this.fd)
    } catch {
      // EBADF or EIO: a read-only file loses nothing.
    }
  }
}

/**
 * A fetch handler serving the files of `folder` on Node.js (node:fs): GET and HEAD, index.html for
 * folders, ETag / Last-Modified and conditional requests, byte ranges, precompressed
 * siblings on request; requests no file matches go to `options.fallthrough` (else 404).
 *
 * ```ts
 * import { serve, serveStatic } from 'portico'
 * serve(serveStatic('public', { fallthrough: app }))
 * ```
 */
export function serveStatic(folder: string, options?: ServeStaticOptions): FetchHandler {
  return staticApp(nodeFiles, folder, options)
}
