/**
 * The static file handler's `FileSystem` on Bun: paths and stats through node:fs/promises
 * (Bun.file has no realpath), bytes through `Bun.file(path).slice(start, end).stream()`.
 * https://bun.com/docs/api/file-io
 * @module
 */
import type { FetchHandler } from '../core/fetch/app.ts'
import type { FileSystem } from '../core/static/file-system.ts'
import { staticApp, type ServeStaticOptions } from '../core/static/static-app.ts'
import { nodeFiles } from './files-node.ts'

// The subset of Bun's API used here, declared locally (see bun.ts).
declare const Bun: {
  file(path: string): { slice(start: number, end: number): { stream(chunkSize?: number): ReadableStream<Uint8Array> } }
}

/** `FileSystem` on node:fs for paths, `Bun.file` for reading. */
export const bunFiles: FileSystem = {
  realPath: nodeFiles.realPath,
  stat: nodeFiles.stat,
  read: (path, start, end, chunkSize) => Bun.file(path).slice(start, end).stream(chunkSize),
}

/**
 * A fetch handler serving the files of `folder` on Bun (Bun.file): GET and HEAD, index.html for
 * folders, ETag / Last-Modified and conditional requests, byte ranges, precompressed
 * siblings on request; requests no file matches go to `options.fallthrough` (else 404).
 *
 * ```ts
 * import { serve, serveStatic } from 'portico'
 * serve(serveStatic('public', { fallthrough: app }))
 * ```
 */
export function serveStatic(folder: string, options?: ServeStaticOptions): FetchHandler {
  return staticApp(bunFiles, folder, options)
}
