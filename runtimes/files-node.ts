/**
 * The static file handler's `FileSystem` on node:fs/promises (Node; Bun uses it for paths
 * and stats too). https://nodejs.org/api/fs.html#promises-api
 * @module
 */
import { open, realpath, stat } from 'node:fs/promises'
import type { FetchHandler } from '../core/fetch/app.ts'
import { fileRangeStream, type SequentialFile } from '../core/static/file-stream.ts'
import type { FileInfo, FileSystem } from '../core/static/file-system.ts'
import { staticApp, type ServeStaticOptions } from '../core/static/static-app.ts'

/** The errors that mean "no such servable file": answered with null, i.e. 404. */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'EINVAL'])

function notFound(error: unknown): null {
  if (NOT_FOUND.has((error as { code?: string } | null)?.code ?? '')) return null
  throw error
}

/** `FileSystem` on node:fs/promises. */
export const nodeFiles: FileSystem = {
  realPath: (path) => realpath(path).catch(notFound),
  stat: (path) => stat(path).then((s): FileInfo => ({ isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs }), notFound),
  read: (path, start, end, chunkSize) => fileRangeStream(openNode, path, start, end, chunkSize),
}

/** A FileHandle read at an advancing position, as the sequential file `fileRangeStream` reads. */
async function openNode(path: string, start: number): Promise<SequentialFile> {
  const handle = await open(path, 'r')
  let position = start
  return {
    async read(buffer) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      position += bytesRead
      return bytesRead === 0 ? null : bytesRead
    },
    close: () => void handle.close().catch(() => {}),
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
