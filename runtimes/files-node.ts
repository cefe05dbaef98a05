/**
 * The static file handler's `FileSystem` on node:fs/promises (Node; Bun uses it for paths
 * and stats too). https://nodejs.org/api/fs.html#promises-api
 * @module
 */
import { open, realpath, stat, type FileHandle } from 'node:fs/promises'
import type { FetchHandler } from '../core/fetch/app.ts'
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
  read(path, start, end, chunkSize) {
    let handle: FileHandle | null = null
    let position = start
    const close = (): void => {
      void handle?.close().catch(() => {})
      handle = null
    }
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          handle ??= await open(path, 'r')
          const want = Math.min(chunkSize, end - position)
          // A fresh buffer per chunk: the writer may still hold the last one (the socket's queue).
          const buffer = new Uint8Array(want)
          const { bytesRead } = await handle.read(buffer, 0, want, position)
          if (bytesRead === 0) throw new Error(`${path} ended at byte ${position}, before ${end}`)
          position += bytesRead
          controller.enqueue(bytesRead === want ? buffer : buffer.subarray(0, bytesRead))
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
  },
}

/**
 * A fetch handler serving the files of `folder` on Node.js (node:fs): GET and HEAD, index.html for
 * folders, ETag / Last-Modified and conditional requests, one byte range, precompressed
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
