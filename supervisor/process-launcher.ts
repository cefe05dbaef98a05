/**
 * Deno and Bun workers: child processes of the same runtime, each binding the port with
 * `reusePort` (SO_REUSEPORT, Linux) so the kernel spreads connections. Started with
 * node:child_process rather than `Deno.Command` / `Bun.spawn` because both runtimes implement
 * it, including the `'ipc'` channel that Deno.Command lacks: one launcher, and the same
 * `process.send` protocol as Node cluster workers.
 * https://docs.deno.com/api/node/child_process/ · https://bun.com/docs/runtime/child-process
 * @module
 */
import { spawn } from 'node:child_process'
import process from 'node:process'
import { detectRuntime } from '../runtimes/shared.ts'
import { denoChildArgs, type DenoGrantHints } from './deno-permissions.ts'
import type { Launcher } from './launcher.ts'
import { isWorkerMessage, WORKER_ENV } from './messages.ts'

/** How to start a worker process; every field defaults to re-running this process. */
export interface ProcessLauncherOptions {
  /** The runtime binary. Default: `process.execPath`. */
  execPath?: string
  /** Its full argument list. Default: `defaultWorkerArgs()`. */
  args?: string[]
  /** Extra environment variables. */
  env?: Record<string, string>
}

/**
 * The arguments that re-run this script as a worker. Deno gets `run`, this process's own
 * permissions (never wider: see `denoChildArgs`, which `hints` are for) and `--unstable-net`,
 * which `Deno.listen({ reusePort })` needs. Bun and Node reuse `process.execArgv`.
 * `scriptArgs` replaces the script's own arguments (default: this process's).
 */
export function defaultWorkerArgs(scriptArgs: readonly string[] = process.argv.slice(2), hints?: DenoGrantHints): string[] {
  if (detectRuntime() === 'deno') return denoChildArgs(scriptArgs, hints).args
  return [...process.execArgv, process.argv[1] ?? '', ...scriptArgs]
}

/** A `Launcher` that spawns child processes with an IPC channel. */
export function processLauncher(options: ProcessLauncherOptions = {}): Launcher {
  let args = options.args
  return (events) => {
    args ??= defaultWorkerArgs()
    const child = spawn(options.execPath ?? process.execPath, args, {
      // stdout/stderr are shared, not piped: access log lines do not pass through us.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env, [WORKER_ENV]: '1' },
    })
    child.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) events.message(message)
    })
    let exited = false
    const onExit = (code: number | null, signal: string | null, error?: Error): void => {
      if (exited) return
      exited = true
      events.exit(code, signal, error)
    }
    child.on('exit', onExit)
    // A spawn failure (ENOENT, Deno without --allow-run) emits 'error' and no 'exit'.
    child.on('error', (error) => {
      if (child.pid === undefined) onExit(null, null, error)
    })
    return {
      pid: child.pid ?? -1,
      send: (message) => child.connected && child.send(message),
      kill(signal) {
        try {
          child.kill(signal)
        } catch {
          // Already gone.
        }
      },
    }
  }
}
