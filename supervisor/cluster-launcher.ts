/**
 * Node workers via node:cluster: the primary owns the listening socket and hands connections
 * to workers, which is how Node 20 shares a port (its node:net has no `reusePort` before
 * 22.12). A worker's `net.Server#listen` is routed through the primary automatically, so the
 * Node driver runs unchanged. https://nodejs.org/api/cluster.html
 * @module
 */
import cluster from 'node:cluster'
import process from 'node:process'
import type { Launcher } from './launcher.ts'
import { isWorkerMessage, WORKER_ENV } from './messages.ts'

/** How to start a cluster worker; every field defaults to re-running this process. */
export interface ClusterLauncherOptions {
  /** Script each worker runs. Default: `process.argv[1]`. */
  exec?: string
  /** Its arguments. Default: `process.argv.slice(2)`. */
  args?: string[]
  /** Node flags for it. Default: `process.execArgv` (keeps e.g. `--import tsx`). */
  execArgv?: string[]
  /** Extra environment variables. */
  env?: Record<string, string>
  /**
   * `'shared'` (default): workers accept from the one listening socket themselves
   * (`cluster.SCHED_NONE`). `'round-robin'`: the primary accepts and hands each connection to
   * a worker (`SCHED_RR`, Node's default on Linux): evener spread, but a connection handed to
   * a worker that exits before taking it is lost, so reloads can drop or hang connections.
   */
  scheduling?: 'shared' | 'round-robin'
}

/** A `Launcher` that forks node:cluster workers. Call it in the primary only. */
export function clusterLauncher(options: ClusterLauncherOptions = {}): Launcher {
  let configured = false
  return (events) => {
    if (!configured) {
      cluster.schedulingPolicy = options.scheduling === 'round-robin' ? cluster.SCHED_RR : cluster.SCHED_NONE
      cluster.setupPrimary({
        exec: options.exec ?? process.argv[1],
        args: options.args ?? process.argv.slice(2),
        execArgv: options.execArgv ?? process.execArgv,
      })
      configured = true
    }
    const worker = cluster.fork({ ...options.env, [WORKER_ENV]: '1' })
    worker.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) events.message(message)
    })
    worker.on('exit', (code: number | null, signal: string | null) => events.exit(code, signal))
    // EPIPE when a message races the worker's death; 'exit' reports the death itself.
    worker.on('error', () => {})
    return {
      pid: worker.process.pid ?? -1,
      send: (message) => worker.isConnected() && worker.send(message),
      kill(signal) {
        try {
          worker.process.kill(signal)
        } catch {
          // Already gone.
        }
      },
    }
  }
}
