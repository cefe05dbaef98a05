/**
 * `portico app.ts --workers N`: this process becomes the supervisor (`supervisor/`). It never
 * loads the app. Before starting workers it checks what a worker could only fail at over and
 * over (the app file, the TLS files, the port), so each is one line and an exit, not a
 * respawn loop; a worker that still cannot listen stops the supervisor the same way.
 * @module
 */
import { existsSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import { dirname, resolve } from 'node:path'
import process from 'node:process'
import type { ServeOptions } from '../core/server/options.ts'
import { detectRuntime } from '../runtimes/shared.ts'
import { denoChildArgs } from '../supervisor/deno-permissions.ts'
import type { Launcher } from '../supervisor/launcher.ts'
import { defaultWorkerArgs } from '../supervisor/process-launcher.ts'
import { supervise } from '../supervisor/supervisor.ts'
import type { CliArgs } from './args.ts'
import { checkPort, describeRefusal } from './listen-check.ts'
import { readTlsFiles, TlsFileError } from './tls-files.ts'
import { projectRoot } from './watch.ts'

/** How the CLI ends: `fail(message, code)` prints `portico: <message>` and exits. */
export type Fail = (message: string, code: number) => never

/** Runs the supervisor until SIGINT / SIGTERM (exit 0) or a start that cannot succeed (exit 1). */
export async function runSupervisor(args: CliArgs, argv: readonly string[], options: ServeOptions, fail: Fail): Promise<void> {
  const onNode = detectRuntime() === 'node'
  if (!existsSync(resolve(args.appPath))) fail(`cannot find ${args.appPath}`, 2)
  if (args.tlsFiles !== undefined) {
    try {
      readTlsFiles(args.tlsFiles)
    } catch (error) {
      if (error instanceof TlsFileError) fail(error.message, 2)
      throw error
    }
  }
  // Deno and Bun share a port with SO_REUSEPORT, which unix sockets do not have.
  if (options.unix !== undefined && !onNode) fail('--unix with --workers needs Node (node:cluster shares the socket)', 2)
  const workers = args.workers === 'auto' ? cpuCount() : args.workers!

  let workerArgv = [...argv]
  if (options.unix === undefined) {
    const hostname = options.hostname ?? '0.0.0.0'
    const port = options.port ?? 8000
    if (port === 0) {
      // One port for every worker: with reusePort each would pick its own.
      workerArgv = [...argv, '--port', String(await freePort(hostname))]
    } else {
      // Deno and Bun workers would join a listener another program holds with SO_REUSEPORT
      // (same user) and split its traffic; node:cluster would retry EADDRINUSE forever.
      const refused = await checkPort(hostname, port)
      if (refused !== undefined) fail(describeRefusal({ hostname, port }, refused), 1)
    }
  }

  let launcher: Launcher
  if (onNode) {
    launcher = (await import('../supervisor/cluster-launcher.ts')).clusterLauncher({ args: workerArgv })
  } else {
    const { processLauncher } = await import('../supervisor/process-launcher.ts')
    launcher = processLauncher({ args: childArgs(args, options, workerArgv, (line) => process.stderr.write(`[supervisor] ${line}\n`)) })
  }

  const count = `${workers} worker${workers === 1 ? '' : 's'}`
  // A stopping worker first serves for its shutdown delay: it must not be killed for it.
  const gracefulTimeout = options.gracefulTimeout === undefined ? undefined : options.gracefulTimeout + (options.shutdownDelay ?? 0)
  const supervisor = supervise({ workers, launcher, gracefulTimeout })
  process.stderr.write(`[supervisor] pid ${process.pid}, starting ${count}\n`)
  let stopping = false
  const stop = (): void => {
    stopping = true
    void supervisor.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', () => void supervisor.reload())
  // Started by `--watch`: stop with the watcher.
  if (process.send !== undefined) process.on('disconnect', stop)
  try {
    await supervisor.start()
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 1)
  }
  const url = supervisor.url
  if (url !== undefined && !stopping) process.stdout.write(`Listening on ${url.replace(/\/$/, '')} (${count})\n`)
}

/**
 * The arguments that run this command again (a worker, or `--watch`'s child) under this
 * runtime. On Deno, its permissions: a permission held for a list only is passed as the
 * paths and address this command needs (Deno does not expose the list), which `log` says.
 */
export function childArgs(args: CliArgs, options: ServeOptions, argv: readonly string[], log: (line: string) => void): string[] {
  if (detectRuntime() !== 'deno') return defaultWorkerArgs(argv)
  const cwd = process.cwd()
  const tls = args.tlsFiles === undefined ? [] : [resolve(args.tlsFiles.certPath), resolve(args.tlsFiles.keyPath)]
  const hostname = options.hostname ?? '0.0.0.0'
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  const port = options.port ?? 8000
  const { args: childArgv, narrowed } = denoChildArgs(argv, {
    read: [cwd, projectRoot(args.appPath), dirname(resolve(args.appPath)), ...tls, ...staticDirs(options)],
    write: [cwd],
    net: port === 0 ? [host] : [`${host}:${port}`],
  })
  if (narrowed.length > 0) log(`Deno does not expose permission lists; the child processes get ${narrowed.join(' ')}`)
  return childArgv
}

/** The --static folder, which the workers read. */
function staticDirs(options: ServeOptions): string[] {
  const dir = typeof options.static === 'object' ? options.static.dir : options.static
  return dir === undefined ? [] : [resolve(dir)]
}

function cpuCount(): number {
  // availableParallelism respects CPU affinity; older runtimes only have cpus().
  const count = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, count)
}

/** A port that is free on `hostname` now (the kernel's pick for port 0). */
export function freePort(hostname: string): Promise<number> {
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
