/**
 * Loading the user's app module for the CLI: the default export (a fetch handler or an
 * object with `fetch`, as Hono and Elysia export), or a function exported as `fetch`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { appWebSocket, toHandler, type App } from '../core/fetch/app.ts'
import { analyzeLoadError, formatLoadFailure, type LoadFailure } from './load-error.ts'

/** Why the app could not be loaded; `failure` is set when importing the module threw. */
export class AppLoadError extends Error {
  override name = 'AppLoadError'
  readonly failure: LoadFailure | undefined

  constructor(message: string, failure?: LoadFailure) {
    super(message)
    this.failure = failure
  }
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
    const failure = analyzeLoadError(error)
    throw new AppLoadError(`cannot load ${appPath}: ${failure.message}`, failure)
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

/**
 * The lines to print for an `AppLoadError`: the headline with the failing file:line, then the
 * source line of a syntax error or the stack of a thrown error (`debug`: the runtime's whole text).
 */
export function formatAppLoadError(error: AppLoadError, appPath: string, debug: boolean): string[] {
  const failure = error.failure
  if (failure === undefined) return [error.message]
  let sourceLine: string | undefined
  if (failure.kind === 'syntax' && failure.location !== undefined) {
    try {
      sourceLine = readFileSync(failure.location.file, 'utf8').split('\n')[failure.location.line - 1]
    } catch {
      // No read access, or the file is gone: the headline still names the place.
    }
  }
  return formatLoadFailure(failure, { appPath, cwd: process.cwd(), debug, sourceLine, internal: isPortico })
}

/** Portico's own code (CLI, supervisor, drivers, engine), whose frames a user does not need. */
const PORTICO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
function isPortico(path: string): boolean {
  return ['cli', 'dist', 'bin', 'supervisor', 'runtimes', 'core'].some((dir) => path.startsWith(`${PORTICO_ROOT}/${dir}/`))
}

/** An error's message on one line: loader and transform errors span several. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ')
}
