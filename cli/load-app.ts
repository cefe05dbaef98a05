/**
 * Loading the user's app module for the CLI: the default export (a fetch handler or an
 * object with `fetch`, as Hono and Elysia export), or a function exported as `fetch`.
 * @module
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { appWebSocket, toHandler, type App } from '../core/fetch/app.ts'

/** Why the app could not be loaded, in one line for the terminal. */
export class AppLoadError extends Error {
  override name = 'AppLoadError'
}

/**
 * Imports `appPath` and returns its handler (bound, so class-based apps keep `this`), with
 * the module's Bun-style `websocket` handlers when it has them.
 */
export async function loadApp(appPath: string): Promise<App> {
  const path = resolve(appPath)
  if (!existsSync(path)) throw new AppLoadError(`cannot find ${appPath}`)
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(path).href)
  } catch (error) {
    throw new AppLoadError(`cannot load ${appPath}: ${describeError(error)}`)
  }
  const app = (mod.default ?? mod.fetch) as App
  try {
    const fetch = toHandler(app)
    const websocket = appWebSocket(app)
    return websocket === undefined ? fetch : { fetch, websocket }
  } catch {
    throw new AppLoadError(`${appPath} must export default a fetch handler or an object with a fetch method, or export a function named fetch`)
  }
}

/** An error's message on one line: loader and transform errors span several. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ')
}
