/**
 * The `portico` command: `portico ./app.ts --port 8000`. Loads the app module, starts the
 * current runtime's driver, prints one `Listening on <url>` line, and closes gracefully on
 * SIGINT / SIGTERM. Runs as is under Deno (`deno run -A cli/main.ts`) and Bun
 * (`bun cli/main.ts`); `bin/portico.mjs` runs it (or its build, dist/cli.js) for npm users.
 *
 * With `--workers N` (or `--max-requests`) this process becomes a supervisor instead
 * (`supervise.ts`): it starts N copies of this command as workers, which take the
 * `serveWorker()` path below. With `--watch` it becomes a watcher (`watch.ts`) that runs this
 * command without `--watch` as a child and restarts it when a source file changes.
 *
 * Exit codes: 0 after a graceful stop, 1 if the server fails (the port is taken…), 2 for a bad
 * command line, a missing permission or an app that cannot be loaded.
 * @module
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import type { App, ServeOptions, Server } from '../core/server/options.ts'
import { detectRuntime } from '../runtimes/shared.ts'
import { missingPermissions, readEnv, type DenoNeed } from '../supervisor/deno-permissions.ts'
import { exitWorker, isWorker, serveWorker } from '../supervisor/worker.ts'
import { loadOpenTelemetry } from '../telemetry/load-otel.ts'
import { formatCommonLog, formatJsonLog } from './access-log.ts'
import { formatUsage, parseArgs, UsageError, type CliArgs } from './args.ts'
import { describeListenError, type ListenTarget } from './listen-check.ts'
import { AppLoadError, describeError, formatAppLoadError, loadApp } from './load-app.ts'
import { childArgs, freePort, runSupervisor } from './supervise.ts'
import { readTlsFiles, TlsFileError } from './tls-files.ts'
import { projectRoot, runWatcher } from './watch.ts'

/** gunicorn's `graceful_timeout` is 30 s; workers mode follows it (one process keeps 10 s). */
const WORKERS_GRACEFUL_TIMEOUT = 30_000

interface Driver {
  serve(app: App, options?: ServeOptions): Server
}

async function main(argv: readonly string[]): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(argv, {
      PORT: readEnv('PORT'),
      HOST: readEnv('HOST'),
      LISTEN_FDS: readEnv('LISTEN_FDS'),
      LISTEN_PID: readEnv('LISTEN_PID'),
      pid: process.pid,
    })
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message} (see portico --help)`, 2)
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
  if (args.workers !== undefined) options.gracefulTimeout ??= WORKERS_GRACEFUL_TIMEOUT
  const worker = isWorker()
  if (!worker) {
    const missing = missingPermissions(denoNeeds(args, options))
    if (missing !== undefined) fail(missing, 2)
  }
  if (args.watch) return watch(args, argv, options)
  if (args.workers !== undefined && !worker) return runSupervisor(args, argv, options, fail)
  const target: ListenTarget = options.unix !== undefined
    ? { unix: options.unix }
    : { hostname: options.hostname ?? '0.0.0.0', port: options.port ?? 8000 }

  if (args.tlsFiles !== undefined) {
    try {
      options.tls = readTlsFiles(args.tlsFiles)
    } catch (error) {
      if (!(error instanceof TlsFileError)) throw error
      if (worker) return exitWorker(error.message)
      fail(error.message, 2)
    }
  }
  if (args.accessLog !== 'off') {
    const format = args.accessLog === 'json' ? formatJsonLog : formatCommonLog
    const pid = worker ? process.pid : undefined
    options.accessLog = (entry) => {
      process.stdout.write(`${format(entry, pid)}\n`)
    }
  }
  // The server's url ends in '/'; the line reads better as the origin.
  options.onListen = (address) => {
    process.stdout.write(`Listening on ${address.url.replace(/\/$/, '')}\n`)
  }

  const prefix = worker ? `[${process.pid}] ` : ''
  let app: App
  try {
    // `portico --static DIR` alone: a file server, 404 for what is not a file.
    app = args.appPath === '' ? () => new Response('Not Found\n', { status: 404 }) : await loadApp(args.appPath)
  } catch (error) {
    if (!(error instanceof AppLoadError)) throw error
    const lines = formatAppLoadError(error, args.appPath, args.debug)
    process.stderr.write(lines.map((line, i) => `${prefix}${i === 0 ? 'portico: ' : ''}${line}\n`).join(''))
    process.exit(2)
  }
  const driver = await loadDriver()
  if (args.otel) {
    try {
      // What `telemetry: true` loads, loaded here so that a missing @opentelemetry/api is a
      // command-line error (exit 2) before listening, not a failed listen.
      options.telemetry = await loadOpenTelemetry()
    } catch (error) {
      const message = `--otel: ${describeError(error)}`
      if (worker) return exitWorker(message)
      fail(message, 2)
    }
  }

  if (worker) {
    // The supervisor prints the one Listening line and logs each worker's start.
    options.onListen = () => {}
    const log = (message: string, error?: unknown): void =>
      error === undefined ? console.error(prefix.trim(), message) : console.error(prefix.trim(), message, error)
    options.log = log
    try {
      serveWorker(driver.serve, app, options, {
        maxRequests: args.maxRequests,
        maxRequestsJitter: args.maxRequestsJitter,
        log,
        describeListenError: (error) => describeListenError(error, target),
      })
    } catch (error) {
      exitWorker(`cannot start the server: ${describeError(error)}`)
    }
    return
  }

  let server: Server
  try {
    server = driver.serve(app, options)
  } catch (error) {
    fail(`cannot start the server: ${describeError(error)}`, 1)
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
      (error: unknown) => fail(`error while closing: ${describeError(error)}`, 1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  // A single process cannot import a changed app again (modules are cached): say so rather
  // than die, as the default action of SIGHUP would.
  process.on('SIGHUP', () => {
    process.stderr.write('portico: SIGHUP ignored: one process cannot reload its app; use --workers (rolling restart on SIGHUP) or --watch\n')
  })
  // Started by `--watch`: stop with the watcher.
  if (process.send !== undefined) process.on('disconnect', stop)

  try {
    await server.ready()
  } catch (error) {
    if (options.fd !== undefined) fail(`cannot listen on the inherited socket (fd ${options.fd}): ${describeError(error)}`, 1)
    fail(await describeListenError(error, target), 1)
  }
}

/** `--watch`: run this command without it as a child, restarted on changes. */
async function watch(args: CliArgs, argv: readonly string[], options: ServeOptions): Promise<void> {
  let childArgv = argv.filter((arg) => arg !== '--watch')
  // Port 0 picks one port for every restart, so the URL stays the same.
  if (options.unix === undefined && options.port === 0) {
    childArgv = [...childArgv, '--port', String(await freePort(options.hostname ?? '0.0.0.0'))]
  }
  const log = (line: string): void => void process.stderr.write(`portico: ${line}\n`)
  await runWatcher({ appPath: args.appPath, execPath: process.execPath, args: childArgs(args, options, childArgv, log), log })
  process.exit(0)
}

/** What Deno must grant portico for this command line (nothing to check on Node and Bun). */
function denoNeeds(args: CliArgs, options: ServeOptions): DenoNeed[] {
  if (detectRuntime() !== 'deno') return []
  const needs: DenoNeed[] = []
  if (args.appPath !== '') needs.push({ descriptor: { name: 'read', path: resolve(args.appPath) }, flag: '--allow-read', why: `load ${args.appPath}` })
  const staticDir = typeof options.static === 'object' ? options.static.dir : options.static
  if (staticDir !== undefined) needs.push({ descriptor: { name: 'read', path: resolve(staticDir) }, flag: '--allow-read', why: `serve ${staticDir}` })
  if (options.fd !== undefined) {
    // An inherited socket is already bound: Deno asks no permission to accept on it.
  } else if (options.unix !== undefined) {
    const path = resolve(options.unix)
    needs.push({ descriptor: { name: 'read', path }, flag: '--allow-read', why: `listen on ${options.unix}` })
    needs.push({ descriptor: { name: 'write', path }, flag: '--allow-write', why: `listen on ${options.unix}` })
  } else {
    const hostname = options.hostname ?? '0.0.0.0'
    const port = options.port ?? 8000
    const host = port === 0 ? hostname : `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
    needs.push({ descriptor: { name: 'net', host }, flag: '--allow-net', why: `listen on ${host}` })
  }
  for (const path of [args.tlsFiles?.certPath, args.tlsFiles?.keyPath]) {
    if (path !== undefined) needs.push({ descriptor: { name: 'read', path: resolve(path) }, flag: '--allow-read', why: `read ${path}` })
  }
  const spawns = args.watch ? '--watch' : args.workers !== undefined ? '--workers' : undefined
  if (spawns !== undefined) {
    const execPath = process.execPath
    needs.push({ descriptor: { name: 'run', command: execPath }, flag: '--allow-run', why: `${spawns} starts ${execPath}` })
    needs.push({ descriptor: { name: 'env' }, flag: '--allow-env', why: `${spawns} passes the environment on` })
  }
  if (args.watch) needs.push({ descriptor: { name: 'read', path: projectRoot(args.appPath) }, flag: '--allow-read', why: 'watch the project' })
  return needs
}

async function loadDriver(): Promise<Driver> {
  const name = detectRuntime()
  try {
    // Literal specifiers, so that the build (dist/cli.js) bundles every driver.
    return name === 'deno' ? await import('../runtimes/deno.ts') : name === 'bun' ? await import('../runtimes/bun.ts') : await import('../runtimes/node.ts')
  } catch (error) {
    fail(`cannot load the ${name} driver: ${describeError(error)}`, 1)
  }
}

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

function fail(message: string, code: number): never {
  process.stderr.write(`portico: ${message}\n`)
  process.exit(code)
}

try {
  await main(process.argv.slice(2))
} catch (error) {
  // Deno refusing something not checked up front: its message names the flag.
  if ((error as { name?: unknown } | null)?.name === 'NotCapable') fail(describeError(error), 2)
  throw error
}
