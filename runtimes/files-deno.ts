/**
 * The static file handler's `FileSystem` on Deno's own file API.
 * https://docs.deno.com/api/deno/~/Deno.realPath · https://docs.deno.com/api/deno/~/Deno.stat
 * https://docs.deno.com/api/deno/~/Deno.open
 * @module
 */
import type { FetchHandler } from '../core/fetch/app.ts'
import { fileChunks, fileRangeStream, type SequentialFile } from '../core/static/file-stream.ts'
import type { FileSystem } from '../core/static/file-system.ts'
import { staticApp, type ServeStaticOptions } from '../core/static/static-app.ts'

// The subset of the Deno namespace used here, declared locally (see deno.ts).
interface DenoFile {
  seek(offset: number, whence: 0): Promise<number>
  read(buffer: Uint8Array): Promise<number | null>
  close(): void
}
interface DenoFileInfo { isFile: boolean; isDirectory: boolean; size: number; mtime: Date | null }
declare const Deno: {
  realPath(path: string): Promise<string>
  stat(path: string): Promise<DenoFileInfo>
  open(path: string, options: { read: true }): Promise<DenoFile>
}

/** The errors that mean "no such servable file": answered with null, i.e. 404. */
const NOT_FOUND = new Set(['NotFound', 'NotADirectory', 'PermissionDenied', 'NotCapable', 'FilesystemLoop', 'InvalidData'])

function notFound(error: unknown): null {
  if (NOT_FOUND.has((error as { name?: string } | null)?.name ?? '')) return null
  throw error
}

/** `FileSystem` on `Deno.realPath`, `Deno.stat` and `Deno.open`. */
export const denoFiles: FileSystem = {
  realPath: (path) => Deno.realPath(path).catch(notFound),
  stat: (path) => Deno.stat(path).then((s) => ({ isFile: s.isFile, isDirectory: s.isDirectory, size: s.size, mtimeMs: s.mtime?.getTime() ?? 0 }), notFound),
  read: (path, start, end, chunkSize) => fileRangeStream(openDeno, path, start, end, chunkSize),
  chunks: (path, start, end, chunkSize) => fileChunks(openDeno, path, start, end, chunkSize),
}

/** `Deno.open`, seeked to `start`, as the sequential file `fileRangeStream` reads. */
async function openDeno(path: string, start: number): Promise<SequentialFile> {
  const file = await Deno.open(path, { read: true })
  try {
    if (start > 0) await file.seek(start, 0)
  } catch (error) {
    file.close()
    throw error
  }
  return {
    read: (buffer) => file.read(buffer),
    close: () => {
      try {
        file.close()
      } catch {
        // Already closed.
      }
    },
  }
}

/**
 * A fetch handler serving the files of `folder` on Deno (Deno.open): GET and HEAD, index.html for
 * folders, ETag / Last-Modified and conditional requests, byte ranges, precompressed
 * siblings on request; requests no file matches go to `options.fallthrough` (else 404).
 *
 * ```ts
 * import { serve, serveStatic } from 'portico'
 * serve(serveStatic('public', { fallthrough: app }))
 * ```
 */
export function serveStatic(folder: string, options?: ServeStaticOptions): FetchHandler {
  return staticApp(denoFiles, folder, options)
}
