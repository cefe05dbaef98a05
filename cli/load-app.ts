/**
 * Loading the user's app module for the CLI: the default export (a fetch handler or an
 * object with `fetch`, as Hono and Elysia export), or a function exported as `fetch`.
 * @module
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { toHandler, type FetchHandler } from '../core/fetch/app.ts'

/** Why the app could not be loaded, in one line for the terminal. */
export class AppLoadError extends Error {
  override name = 'AppLoadError'
}

/** Imports `appPath` and returns its handler (bound, so class-based apps keep `this`). */
export async function loadApp(appPath: string): Promise<FetchHandler> {
  const path = resolve(appPath)
  if (!existsSync(path)) throw new AppLoadError(`cannot find ${appPath}`)
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(path).href)
  } catch (error) {
    throw new AppLoadError(`cannot load ${appPath}: ${describeError(error)}`)
  }
  try {
    return toHandler((mod.default ?? mod.fetch) as never)
  } catch {
    throw new AppLoadError(`${appPath} must export default a fetch handler or an object with a fetch method, or export a function named fetch`)
  }
}

/** An error's message on one line: loader and transform errors span several. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ')
}
