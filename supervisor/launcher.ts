/**
 * What the supervisor needs from a worker process, whichever way it was started: its pid, a
 * message channel, signals, and two events. `cluster-launcher.ts` (Node) and
 * `process-launcher.ts` (Deno, Bun) implement it; tests can pass a fake.
 * @module
 */
import type { SupervisorMessage, WorkerMessage } from './messages.ts'

/** A started worker process. */
export interface WorkerProcess {
  readonly pid: number
  /** Sends a message; false when the channel is already closed. */
  send(message: SupervisorMessage): boolean
  /** Sends a signal; a process that is already gone is not an error. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void
}

/** Callbacks a launcher invokes for one worker. */
export interface WorkerEvents {
  message(message: WorkerMessage): void
  /**
   * Called once, when the process has exited; `signal` is set when a signal ended it, `error`
   * when it could not be started at all (spawn failed: no such binary, no permission).
   */
  exit(code: number | null, signal: string | null, error?: Error): void
}

/** Starts one worker process running the app. May throw (e.g. EAGAIN from fork). */
export type Launcher = (events: WorkerEvents) => WorkerProcess
