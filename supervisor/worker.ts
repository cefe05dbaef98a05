/**
 * The worker side of the supervisor protocol: serve with `reusePort`, report `ready` once
 * listening, ask to be recycled after `maxRequests`, and leave shutdown to the supervisor.
 * @module
 */
import process from 'node:process'
import { appWebSocket, toHandler, type App, type FetchHandler } from '../core/fetch/app.ts'
import type { ServeOptions, Server } from '../core/server/options.ts'
import { hostClock, type Clock } from './clock.ts'
import { readEnv } from './deno-permissions.ts'
import { isSupervisorMessage, WORKER_ENV, type SupervisorMessage, type WorkerMessage } from './messages.ts'

/** A driver's `serve` (`portico/node`, `portico/deno`, `portico/bun`). */
export type ServeFunction = (app: App, options: ServeOptions) => Server

/** Worker settings beyond `ServeOptions`. */
export interface WorkerOptions {
  /** Ask to be replaced after this many responses; 0 (default) never. */
  maxRequests?: number
  /** Adds 0..J (uniform) to `maxRequests`, so workers started together do not recycle together. */
  maxRequestsJitter?: number
  /** Error log for worker-level failures; default `console.error`. */
  log?: (message: string, error?: unknown) => void
  /** Timers for the drain delay of a replaced worker. Default: the host's. */
  clock?: Clock
  /**
   * The one line that says why listening failed (sent to the supervisor, which stops if the
   * pool has not started yet). Default: `cannot listen: <the error's message>`.
   */
  describeListenError?: (error: unknown) => string | Promise<string>
}

/** True in a process started by a supervisor (`supervise()` or `portico --workers`). */
export function isWorker(): boolean {
  return readEnv(WORKER_ENV) === '1'
}

/**
 * Ends a worker that cannot start for a reason a respawn would not fix: tells the supervisor
 * `message` (one line; before the pool has started, the supervisor stops with it instead of
 * respawning), then exits 1. Without a supervisor the line goes to stderr.
 */
export function exitWorker(message: string): void {
  const exit = (): never => process.exit(1)
  if (process.connected === true && process.send !== undefined) {
    const message_: WorkerMessage = { type: 'portico:fatal', message }
    process.send(message_, undefined, undefined, exit)
    // A send that never completes must not keep a broken worker alive.
    setTimeout(exit, 2000)
  } else {
    process.stderr.write(`${message}\n`)
    exit()
  }
}

/**
 * Serves `app` as a supervisor's worker. Adds `reusePort: true` (Deno and Bun share the port
 * that way; on Node the cluster primary shares it), sends `ready` once listening, counts
 * responses through `accessLog` for `maxRequests`, and installs the shutdown rules:
 * the supervisor's stop message, SIGTERM, or losing the supervisor closes gracefully and
 * exits 0 (a second request forces the close); SIGINT and SIGHUP are ignored, because a
 * terminal sends them to the whole process group and the supervisor decides what they mean.
 * A stop with `drainMs` (the worker was replaced) first answers with `connection: close` for
 * that long; the app is wrapped for it, at the cost of one function call per request.
 */
export function serveWorker(serve: ServeFunction, app: App, options: ServeOptions = {}, worker: WorkerOptions = {}): Server {
  // First, so that a non-app throws its TypeError before any handler is installed.
  const handler = toHandler(app)
  const log = worker.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''))
  const send = (message: WorkerMessage): void => {
    if (process.connected !== false) process.send?.(message)
  }

  const { maxRequests = 0, maxRequestsJitter = 0 } = worker
  let accessLog = options.accessLog
  if (maxRequests > 0) {
    const limit = maxRequests + Math.floor(Math.random() * (maxRequestsJitter + 1))
    const inner = options.accessLog
    let served = 0
    accessLog = (entry) => {
      inner?.(entry)
      // Asked once; the worker keeps serving until its replacement listens.
      if (++served === limit) send({ type: 'portico:recycle', requests: served })
    }
  }

  const { timers } = worker.clock ?? hostClock()
  let draining = false
  const fetch: FetchHandler = (request, info) => {
    const response = handler(request, info)
    return draining ? Promise.resolve(response).then(closeAfter) : response
  }
  const websocket = options.websocket ?? appWebSocket(app)
  const server = serve(fetch, { ...options, reusePort: true, accessLog, websocket })

  let phase: 'serving' | 'draining' | 'closing' = 'serving'
  let drainTimer: unknown = null
  const close = (): void => {
    if (drainTimer !== null) timers.cancel(drainTimer)
    drainTimer = null
    // A replaced worker has drained already, and its pool keeps serving: no shutdown delay
    // (its health path must not tell a balancer that the whole instance is going away).
    const replaced = phase === 'draining'
    phase = 'closing'
    server.close(replaced ? { shutdownDelay: 0 } : undefined).then(
      () => process.exit(0),
      (error: unknown) => {
        log('error while closing', error)
        process.exit(1)
      },
    )
  }
  // serving → (draining →) closing; a stop while closing forces it.
  const stop = (message?: SupervisorMessage): void => {
    if (phase === 'closing') return void server.close({ force: true })
    const drainMs = message?.drainMs ?? 0
    if (phase === 'draining' || drainMs <= 0) return close()
    phase = 'draining'
    draining = true
    drainTimer = timers.once(close, drainMs)
  }
  process.on('message', (message: unknown) => {
    if (isSupervisorMessage(message)) stop(message)
  })
  process.on('SIGTERM', () => stop())
  // The supervisor died (its IPC channel closed): do not linger as an orphan.
  process.on('disconnect', () => stop())
  process.on('SIGINT', () => {})
  process.on('SIGHUP', () => {})

  server.ready().then(
    (s) => send({ type: 'portico:ready', url: s.url }),
    async (error: unknown) => {
      const describe = worker.describeListenError ?? ((e: unknown) => `cannot listen: ${e instanceof Error ? e.message : String(e)}`)
      exitWorker(await describe(error))
    },
  )
  return server
}

/** The response with `connection: close` added, copied when its headers are immutable. */
function closeAfter(response: Response): Response {
  try {
    response.headers.set('connection', 'close')
    return response
  } catch {
    // Response.redirect() and fetch() responses have immutable headers.
    const copy = new Response(response.body, response)
    copy.headers.set('connection', 'close')
    return copy
  }
}
