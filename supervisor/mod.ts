/**
 * Portico's process model for embedders: `supervise()` runs N workers of your script on one
 * port (node:cluster on Node, `reusePort` child processes on Deno and Bun), and the workers
 * call `serveWorker()`. The `portico --workers N` CLI is built on the same two calls.
 *
 * ```ts
 * import { serve } from 'portico/node'
 * import { isWorker, serveWorker, supervise } from 'portico/supervisor'
 *
 * if (isWorker()) serveWorker(serve, app, { port: 8000 })
 * else await supervise({ workers: 4 }).start()
 * ```
 * @module
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts'
export { hostClock, type Clock } from './clock.ts'
export { clusterLauncher, type ClusterLauncherOptions } from './cluster-launcher.ts'
export { denoChildArgs, type DenoChildArgs, type DenoGrantHints } from './deno-permissions.ts'
export type { Launcher, WorkerEvents, WorkerProcess } from './launcher.ts'
export { isSupervisorMessage, isWorkerMessage, WORKER_ENV, type SupervisorMessage, type WorkerMessage } from './messages.ts'
export { defaultWorkerArgs, processLauncher, type ProcessLauncherOptions } from './process-launcher.ts'
export { defaultLauncher, supervise, type SuperviseOptions, type Supervisor } from './supervisor.ts'
export { exitWorker, isWorker, serveWorker, type ServeFunction, type WorkerOptions } from './worker.ts'
