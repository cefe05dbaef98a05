/**
 * `serveStatic()` as a fetch handler: a file when one matches, else the `fallthrough` app,
 * else a 404. The drivers bind it to their file system (`runtimes/files-*.ts`), so that user
 * code writes `serveStatic('public', { fallthrough: app })` on every runtime.
 * @module
 */
import { toHandler, type App, type FetchHandler } from '../fetch/app.ts'
import { errorResponse } from '../fetch/error-response.ts'
import type { FileSystem } from './file-system.ts'
import { createStaticHandler, type StaticOptions } from './serve-static.ts'

/** Options of `serveStatic()`: the file options, and what answers when no file matches. */
export interface ServeStaticOptions extends StaticOptions {
  /**
   * The app that answers requests no file matches (other methods than GET and HEAD, paths
   * without a file, refused paths). Default: a plain 404.
   */
  fallthrough?: App
}

/** A fetch handler serving `folder` through `files`. */
export function staticApp(files: FileSystem, folder: string, options: ServeStaticOptions = {}): FetchHandler {
  const find = createStaticHandler(files, folder, options)
  const next = options.fallthrough === undefined ? null : toHandler(options.fallthrough)
  return async (request, info) => (await find(request)) ?? (next === null ? errorResponse(404) : next(request, info))
}
