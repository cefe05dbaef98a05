/**
 * The IPC messages between the supervisor and its workers. Node cluster workers and child
 * processes forked with an `'ipc'` stdio slot (Node, Deno 2 and Bun all support it) carry
 * the same JSON objects, so one protocol serves every runtime.
 * @module
 */

/** Worker → supervisor. */
export type WorkerMessage =
  /** The worker listens and takes connections: a replacement may now retire its predecessor. */
  | { type: 'portico:ready'; url: string }
  /** The worker served its `maxRequests`: start a replacement, then stop this worker. */
  | { type: 'portico:recycle'; requests: number }
  /**
   * The worker cannot start for a reason a respawn cannot fix (the port is taken, a privileged
   * port, bad TLS files), in one line; it exits next. Before the pool has started, the
   * supervisor gives up (`start()` rejects with this message) instead of respawning.
   */
  | { type: 'portico:fatal'; message: string }

/** Supervisor → worker. */
export type SupervisorMessage =
  /**
   * Close gracefully and exit; a second one forces the close. `drainMs` (set when a successor
   * already listens) first keeps serving that long with `connection: close` on every
   * response, so busy keep-alive clients move to new connections after a response instead of
   * racing a close of their idle connection (the request they send as it closes would fail).
   */
  { type: 'portico:stop'; drainMs?: number }

/** Environment variable that marks a process as a worker of a supervisor. */
export const WORKER_ENV = 'PORTICO_WORKER'

/** Narrows an IPC payload to a `WorkerMessage`; other messages (the app's own) are ignored. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false
  const type = (value as { type?: unknown }).type
  return type === 'portico:ready' || type === 'portico:recycle' || type === 'portico:fatal'
}

/** Narrows an IPC payload to a `SupervisorMessage`. */
export function isSupervisorMessage(value: unknown): value is SupervisorMessage {
  if (typeof value !== 'object' || value === null) return false
  const { type, drainMs } = value as { type?: unknown; drainMs?: unknown }
  return type === 'portico:stop' && (drainMs === undefined || typeof drainMs === 'number')
}
