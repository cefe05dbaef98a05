/**
 * The `portico` command: `portico ./app.ts --port 8000`. Loads the app module, starts the
 * current runtime's driver, prints one `Listening on <url>` line, and closes gracefully on
 * SIGINT / SIGTERM. Runs as is under Deno (`deno run -A cli/main.ts`) and Bun
 * (`bun cli/main.ts`); Node users go through `bin/portico.mjs`, which registers tsx first.
 *
 * Exit codes: 0 after a graceful stop, 1 if the server fails, 2 for a bad command line or an
 * app that cannot be loaded.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import type { App, FetchHandler, ServeOptions, Server } from '../core/options.ts'
import { formatCommonLog, formatJsonLog } from './access-log.ts'
import { formatUsage, parseArgs, UsageError } from './args.ts'
import type { CliArgs } from './args.ts'

interface Driver {
  serve(app: App, options?: ServeOptions): Server
}

async function main(argv: readonly string[]): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message} (see portico --help)`)
    throw error
  }
  if (args.help) {
    process.stdout.write(formatUsage())
    return
  }
  if (args.version) {
    process.stdout.write(`portico ${readVersion()}\n`)
    return
  }

  const options: ServeOptions = { ...args.options }
  if (args.tlsFiles !== undefined) {
    options.tls = {
      cert: readText(args.tlsFiles.certPath, '--tls-cert'),
      key: readText(args.tlsFiles.keyPath, '--tls-key'),
    }
  }
  if (args.accessLog !== 'off') {
    const format = args.accessLog === 'json' ? formatJsonLog : formatCommonLog
    options.accessLog = (entry) => {
      process.stdout.write(`${format(entry)}\n`)
    }
  }
  // The server's url ends in '/'; the line reads better as the origin.
  options.onListen = (address) => {
    process.stdout.write(`Listening on ${address.url.replace(/\/$/, '')}\n`)
  }

  const app = await loadApp(args.appPath)
  const driver = await loadDriver()

  let server: Server
  try {
    server = driver.serve(app, options)
  } catch (error) {
    process.stderr.write(`portico: cannot start the server: ${describe(error)}\n`)
    process.exit(1)
  }

  let stopping = false
  const stop = (): void => {
    // A second signal means the user is done waiting for in-flight requests.
    if (stopping) {
      void server.close({ force: true })
      return
    }
    stopping = true
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`portico: error while closing: ${describe(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  try {
    await server.ready()
  } catch (error) {
    process.stderr.write(`portico: cannot listen: ${describe(error)}\n`)
    process.exit(1)
  }
}

async function loadApp(appPath: string): Promise<App> {
  const path = resolve(appPath)
  if (!existsSync(path)) fail(`cannot find ${appPath}`)
  const url = pathToFileURL(path).href
  let mod: Record<string, unknown>
  try {
    mod = await import(url)
  } catch (error) {
    fail(`cannot load ${appPath}: ${describe(error)}`)
  }
  const app = mod.default ?? mod.fetch
  if (typeof app === 'function') return app as FetchHandler
  if (typeof app === 'object' && app !== null && typeof (app as { fetch?: unknown }).fetch === 'function') {
    const fetch = (app as { fetch: FetchHandler }).fetch
    // Bound so class-based apps (Hono, Elysia) keep `this`.
    return { fetch: fetch.bind(app) }
  }
  fail(`${appPath} must export default a fetch handler or an object with a fetch method, or export a function named fetch`)
}

async function loadDriver(): Promise<Driver> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  const name = g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'
  // A computed specifier: typecheck must not require drivers that are not written yet.
  const url = new URL(`../runtimes/${name}.ts`, import.meta.url).href
  try {
    return (await import(url)) as Driver
  } catch (error) {
    fail(`cannot load the ${name} driver: ${describe(error)}`)
  }
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    fail(`${flag}: cannot read ${path}: ${describe(error)}`)
  }
}

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  // Keep the promise of one line: loader and transform errors span several.
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ')
}

function fail(message: string): never {
  process.stderr.write(`portico: ${message}\n`)
  process.exit(2)
}

await main(process.argv.slice(2))
