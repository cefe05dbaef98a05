/**
 * The `portico` command: `portico ./app.ts --port 8000`. Loads the app module, starts the
 * current runtime's driver, prints one `Listening on <url>` line, and closes gracefully on
 * SIGINT / SIGTERM. Runs as is under Deno (`deno run -A cli/main.ts`) and Bun
 * (`bun cli/main.ts`); Node users go through `bin/portico.mjs`, which registers tsx first.
 *
 * With `--workers N` (or `--max-requests`) this process becomes a supervisor instead
 * (`supervisor/`): it starts N copies of this command as workers, which take the
 * `serveWorker()` path below, and handles SIGHUP (rolling restart) and SIGINT / SIGTERM.
 *
 * Exit codes: 0 after a graceful stop, 1 if the server fails, 2 for a bad command line or an
 * app that cannot be loaded.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import { resolve } from 'node:path'
import process from 'node:process'
import type { App, ServeOptions, Server } from '../core/server/options.ts'
import type { Launcher } from '../supervisor/launcher.ts'
import { supervise } from '../supervisor/supervisor.ts'
import { isWorker, serveWorker } from '../supervisor/worker.ts'
import { formatCommonLog, formatJsonLog } from './access-log.ts'
import { formatUsage, parseArgs, UsageError } from './args.ts'
import { describeError, loadApp } from './load-app.ts'
import { detectRuntime } from '../runtimes/shared.ts'
import type { CliArgs } from './args.ts'

/** gunicorn's `graceful_timeout` is 30 s; workers mode follows it (one process keeps 10 s). */
const WORKERS_GRACEFUL_TIMEOUT = 30_000

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
  if (args.workers !== undefined) options.gracefulTimeout ??= WORKERS_GRACEFUL_TIMEOUT
  if (args.workers !== undefined && !isWorker()) return runSupervisor(args, argv, options)
  const worker = isWorker()

  if (args.tlsFiles !== undefined) {
    options.tls = {
      cert: readText(args.tlsFiles.certPath, '--tls-cert'),
      key: readText(args.tlsFiles.keyPath, '--tls-key'),
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

  const app = await loadApp(args.appPath).catch((error: unknown) => fail(describeError(error)))
  const driver = await loadDriver()

  if (worker) {
    // The supervisor prints the one Listening line and logs each worker's start.
    options.onListen = () => {}
    const prefix = `[${process.pid}]`
    const log = (message: string, error?: unknown): void =>
      error === undefined ? console.error(prefix, message) : console.error(prefix, message, error)
    options.log = log
    try {
      serveWorker(driver.serve, app, options, { maxRequests: args.maxRequests, maxRequestsJitter: args.maxRequestsJitter, log })
    } catch (error) {
      process.stderr.write(`${prefix} portico: cannot start the server: ${describeError(error)}\n`)
      process.exit(1)
    }
    return
  }

  let server: Server
  try {
    server = driver.serve(app, options)
  } catch (error) {
    process.stderr.write(`portico: cannot start the server: ${describeError(error)}\n`)
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
        process.stderr.write(`portico: error while closing: ${describeError(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  try {
    await server.ready()
  } catch (error) {
    process.stderr.write(`portico: cannot listen: ${describeError(error)}\n`)
    process.exit(1)
  }
}

/** The supervisor: starts the workers, maps signals to stop / reload, never loads the app. */
async function runSupervisor(args: CliArgs, argv: readonly string[], options: ServeOptions): Promise<void> {
  const onNode = detectRuntime() === 'node'
  // Checked here as well: in a worker these failures would only become a respawn loop.
  if (!existsSync(resolve(args.appPath))) fail(`cannot find ${args.appPath}`)
  if (args.tlsFiles !== undefined) {
    readText(args.tlsFiles.certPath, '--tls-cert')
    readText(args.tlsFiles.keyPath, '--tls-key')
  }
  // Deno and Bun share a port with SO_REUSEPORT, which unix sockets do not have.
  if (options.unix !== undefined && !onNode) fail('--unix with --workers needs Node (node:cluster shares the socket)')
  const workers = args.workers === 'auto' ? cpuCount() : args.workers!

  // Port 0 must be one port for every worker: with reusePort each would pick its own.
  let workerArgv = [...argv]
  if (options.unix === undefined && options.port === 0) {
    workerArgv = [...argv, '--port', String(await freePort(options.hostname ?? '0.0.0.0'))]
  }
  let launcher: Launcher
  if (onNode) {
    launcher = (await import('../supervisor/cluster-launcher.ts')).clusterLauncher({ args: workerArgv })
  } else {
    const { processLauncher, defaultWorkerArgs } = await import('../supervisor/process-launcher.ts')
    launcher = processLauncher({ args: defaultWorkerArgs(workerArgv) })
  }

  const supervisor = supervise({ workers, launcher, gracefulTimeout: options.gracefulTimeout })
  process.stderr.write(`[supervisor] pid ${process.pid}, starting ${workers} worker${workers === 1 ? '' : 's'}\n`)
  let stopping = false
  const stop = (): void => {
    stopping = true
    supervisor.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', () => void supervisor.reload())
  await supervisor.start()
  const url = supervisor.url
  if (url !== undefined && !stopping) process.stdout.write(`Listening on ${url.replace(/\/$/, '')} (${workers} worker${workers === 1 ? '' : 's'})\n`)
}

function cpuCount(): number {
  // availableParallelism respects CPU affinity; older runtimes only have cpus().
  const count = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, count)
}

function freePort(hostname: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen({ port: 0, host: hostname }, () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

async function loadDriver(): Promise<Driver> {
  const name = detectRuntime()
  // A computed specifier: typecheck must not require drivers that are not written yet.
  const url = new URL(`../runtimes/${name}.ts`, import.meta.url).href
  try {
    return (await import(url)) as Driver
  } catch (error) {
    fail(`cannot load the ${name} driver: ${describeError(error)}`)
  }
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    fail(`${flag}: cannot read ${path}: ${describeError(error)}`)
  }
}

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

function fail(message: string): never {
  process.stderr.write(`portico: ${message}\n`)
  process.exit(2)
}

await main(process.argv.slice(2))
