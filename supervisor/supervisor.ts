/**
 * The supervisor: gunicorn's process model. It keeps N worker processes serving the same app
 * on a shared port, respawns a worker that dies (with backoff), replaces workers one at a
 * time on `reload()` and on a worker's `max-requests` recycle, and stops them all gracefully.
 * It never touches a socket or the app: workers do, see `worker.ts`.
 *
 * Theory of operation: the pool is N slots. A slot has a `current` worker (serving) and at
 * most one `next` worker (starting). Every start, whether first start, respawn, reload or
 * recycle, puts a worker in `next`; when it reports ready it is promoted and the old
 * `current`, if any, is stopped gracefully. So a replacement always listens before its
 * predecessor stops listening, and a `next` that dies before listening is retried with
 * backoff while `current` (if alive) keeps serving.
 * @module
 */
import process from 'node:process'
import { detectRuntime } from '../runtimes/shared.ts'
import { Backoff, type BackoffOptions } from './backoff.ts'
import { hostClock, type Clock } from './clock.ts'
import type { Launcher, WorkerProcess } from './launcher.ts'
import type { WorkerMessage } from './messages.ts'

/** Options for `supervise()`. */
export interface SuperviseOptions {
  /** Worker processes to keep running. */
  workers: number
  /**
   * How to start a worker. Default: re-run this script as a worker, via node:cluster on Node
   * (`clusterLauncher()`) and as a child process on Deno and Bun (`processLauncher()`).
   */
  launcher?: Launcher
  /** ms a stopping worker gets before it is killed (its own graceful timeout, plus 5 s). Default 30 000. */
  gracefulTimeout?: number
  /**
   * ms a replaced worker keeps serving with `connection: close` before it closes, so its busy
   * keep-alive clients move over without a failed request. Default 1000.
   */
  drainTime?: number
  /** Respawn delays; default 0.1 s doubling to 10 s, reset after 30 s of uptime. */
  backoff?: Partial<BackoffOptions>
  /** One line per event; default: `[supervisor] <line>` on stderr. */
  log?: (line: string) => void
  /**
   * Worker uptimes (for the backoff reset) and the one-shot respawn and kill delays. Default:
   * the host's clock and timers. Tests pass a `VirtualClock`.
   */
  clock?: Clock
}

/** A running pool of workers. */
export interface Supervisor {
  /**
   * Starts the workers; resolves once `workers` of them listen (stays pending while they
   * crash). Rejects, once every worker has exited, if a worker reports that it cannot start
   * for a reason a respawn cannot fix (`portico:fatal`: port taken, privileged port, bad TLS
   * files) or the workers cannot be started at all (no such binary, no permission to run
   * it), before the pool has first started; the error's message is that reason, in one line.
   */
  start(): Promise<void>
  /**
   * Rolling restart: for each slot, starts a new worker, waits until it listens, then stops the
   * old one gracefully. New processes import the app afresh, so changed code is picked up.
   * Resolves when every slot runs a new worker; a new worker that fails is retried with backoff.
   */
  reload(): Promise<void>
  /** Stops every worker gracefully; `force` (or a second call) makes workers drop busy connections. */
  stop(options?: { force?: boolean }): Promise<void>
  /** Pids of the workers currently serving. */
  readonly pids: readonly number[]
  /** The URL the last worker to start reported it listens on; undefined before the first. */
  readonly url: string | undefined
  /** Resolves once `stop()` has finished. */
  readonly finished: Promise<void>
}

/** Time a stopping worker gets beyond its graceful timeout before SIGKILL. */
const KILL_MARGIN_MS = 5000

type WorkerState = 'starting' | 'ready' | 'stopping' | 'exited'

interface Worker {
  process: WorkerProcess
  startedAt: number
  state: WorkerState
  /** The SIGKILL after a stop; cancelled when the worker exits. */
  killTimer: unknown
  /** Why it cannot start (`portico:fatal`), reported just before it exits. */
  fatal: string | undefined
}

interface Slot {
  current: Worker | null
  next: Worker | null
  /** The delayed spawn after a crash; cancelled by `stop()` and by a replacement. */
  respawnTimer: unknown
  /** Called when a `next` started at or after the waiter's registration is promoted. */
  promoted: Array<() => void>
}

/**
 * Creates a supervisor. Call it in the primary process only; workers call `serveWorker()`.
 *
 * ```ts
 * import { serve } from 'portico/node'
 * import { isWorker, serveWorker, supervise } from 'portico/supervisor'
 *
 * if (isWorker()) serveWorker(serve, app, { port: 8000 })
 * else {
 *   const supervisor = supervise({ workers: 4, launcher: await defaultLauncher() })
 *   await supervisor.start()
 *   process.on('SIGHUP', () => void supervisor.reload())
 *   process.on('SIGTERM', () => void supervisor.stop().then(() => process.exit(0)))
 * }
 * ```
 */
export function supervise(options: SuperviseOptions): Supervisor {
  return new Pool(options)
}

/**
 * The launcher `supervise()` uses by default for this runtime: node:cluster on Node, child
 * processes of the same runtime on Deno and Bun.
 */
export async function defaultLauncher(): Promise<Launcher> {
  if (detectRuntime() === 'node') return (await import('./cluster-launcher.ts')).clusterLauncher()
  return (await import('./process-launcher.ts')).processLauncher()
}

/**
 * Every timer is a one-shot (`timers.once`) and is cancelled when it stops mattering: a kill
 * timer when its worker exits, a respawn timer on `stop()` or when the slot is replaced. So
 * when `finished` resolves (every worker exited) no timer is pending, and the host's timers
 * need no `unref()` to let the process end.
 */
class Pool implements Supervisor {
  readonly #options: SuperviseOptions
  readonly #clock: Clock
  readonly #log: (line: string) => void
  readonly #backoff: Backoff
  readonly #slots: Slot[]
  readonly #workers = new Set<Worker>()
  #launcher: Launcher | null
  #started: Promise<void> | null = null
  #startWaiters: Array<() => void> = []
  /** Every slot has had a listening worker: from then on, failures are respawned, never fatal. */
  #up = false
  #failure: Error | null = null
  #reloading: Promise<void> = Promise.resolve()
  #stopping = false
  #url: string | undefined = undefined
  #resolveFinished!: () => void
  readonly finished: Promise<void>

  constructor(options: SuperviseOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('workers must be a positive integer')
    this.#options = options
    this.#clock = options.clock ?? hostClock()
    this.#log = options.log ?? ((line) => void process.stderr.write(`[supervisor] ${line}\n`))
    this.#backoff = new Backoff(options.backoff)
    this.#launcher = options.launcher ?? null
    this.#slots = Array.from({ length: options.workers }, () => ({ current: null, next: null, respawnTimer: null, promoted: [] }))
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve))
  }

  get url(): string | undefined {
    return this.#url
  }

  get pids(): readonly number[] {
    return this.#slots.flatMap((slot) => (slot.current !== null ? [slot.current.process.pid] : []))
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#launcher ??= await defaultLauncher()
      const ready = new Promise<void>((resolve) => this.#startWaiters.push(resolve))
      for (const slot of this.#slots) this.#spawn(slot)
      await ready
      if (this.#failure !== null) {
        await this.finished
        throw this.#failure
      }
    })()
    return this.#started
  }

  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(async () => {
      if (this.#stopping) return
      this.#log(`reloading ${plural(this.#slots.length, 'worker')}`)
      // One slot at a time: capacity never drops below N while old workers drain.
      for (const slot of this.#slots) {
        if (this.#stopping) return
        await this.#replace(slot)
      }
      if (!this.#stopping) this.#log(`reload complete; workers ${this.pids.join(', ')}`)
    })
    return this.#reloading
  }

  stop(options: { force?: boolean } = {}): Promise<void> {
    const again = this.#stopping
    if (!again) {
      this.#stopping = true
      if (this.#failure === null) this.#log(`stopping ${plural(this.#workers.size, 'worker')}`)
      for (const slot of this.#slots) {
        this.#cancelRespawn(slot)
        for (const wake of slot.promoted.splice(0)) wake()
      }
      for (const wake of this.#startWaiters.splice(0)) wake()
    }
    for (const worker of this.#workers) {
      // A second stop message tells a stopping worker to drop its busy connections.
      if (again || options.force === true) worker.process.send({ type: 'portico:stop' })
      this.#stopWorker(worker)
    }
    this.#checkFinished()
    return this.finished
  }

  /** Starts a replacement for the slot; resolves once one started from now on is promoted. */
  #replace(slot: Slot): Promise<void> {
    return new Promise((resolve) => {
      slot.promoted.push(resolve)
      // A `next` already starting was launched before this request and may run old code.
      if (slot.next !== null) this.#stopWorker(slot.next)
      this.#cancelRespawn(slot)
      this.#spawn(slot)
    })
  }

  #spawn(slot: Slot): void {
    if (this.#stopping) return
    const worker: Worker = { process: null!, startedAt: this.#clock.now(), state: 'starting', killTimer: null, fatal: undefined }
    try {
      worker.process = this.#launcher!({
        message: (message) => this.#onMessage(slot, worker, message),
        exit: (code, signal, error) => this.#onExit(slot, worker, code, signal, error),
      })
    } catch (error) {
      this.#cannotLaunch(slot, error)
      return
    }
    slot.next = worker
    this.#workers.add(worker)
    this.#log(`worker ${worker.process.pid} started`)
  }

  /** The launcher failed: fatal before the pool is up if retrying cannot help, else retried. */
  #cannotLaunch(slot: Slot, error: unknown): void {
    const message = `cannot start a worker: ${error instanceof Error ? error.message : String(error)}`
    if (!this.#up && isPermanent(error)) return this.#fail(message)
    const delay = this.#backoff.next(0)
    this.#log(`${message}; retrying in ${seconds(delay)}`)
    this.#scheduleSpawn(slot, delay)
  }

  /** Gives up before the pool is up: stops every worker; `start()` rejects with `message`. */
  #fail(message: string): void {
    if (this.#failure !== null || this.#stopping) return
    this.#failure = new Error(message)
    void this.stop({ force: true })
  }

  #scheduleSpawn(slot: Slot, delay: number): void {
    this.#cancelRespawn(slot)
    slot.respawnTimer = this.#clock.timers.once(() => {
      slot.respawnTimer = null
      this.#spawn(slot)
    }, delay)
  }

  #cancelRespawn(slot: Slot): void {
    if (slot.respawnTimer !== null) this.#clock.timers.cancel(slot.respawnTimer)
    slot.respawnTimer = null
  }

  #onMessage(slot: Slot, worker: Worker, message: WorkerMessage): void {
    if (message.type === 'portico:ready') {
      if (worker.state !== 'starting') return
      worker.state = 'ready'
      this.#url = message.url
      if (slot.next !== worker) return
      const old = slot.current
      slot.current = worker
      slot.next = null
      this.#log(`worker ${worker.process.pid} listening${old !== null ? `; stopping worker ${old.process.pid}` : ''}`)
      if (old !== null) this.#stopWorker(old, this.#options.drainTime ?? 1000)
      for (const wake of slot.promoted.splice(0)) wake()
      if (!this.#up && this.#slots.every((s) => s.current !== null)) {
        this.#up = true
        for (const wake of this.#startWaiters.splice(0)) wake()
      }
    } else if (message.type === 'portico:recycle') {
      if (slot.current !== worker || slot.next !== null || this.#stopping) return
      this.#log(`worker ${worker.process.pid} served ${message.requests} requests; replacing it`)
      this.#spawn(slot)
    } else if (message.type === 'portico:fatal') {
      worker.fatal = message.message
      // The message can come after the exit event (two channels, read in either order).
      if (worker.state === 'exited' && !this.#up) this.#fail(message.message)
    }
  }

  #onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null, error?: Error): void {
    const was = worker.state
    worker.state = 'exited'
    if (worker.killTimer !== null) this.#clock.timers.cancel(worker.killTimer)
    worker.killTimer = null
    this.#workers.delete(worker)
    const how = signal !== null ? `signal ${signal}` : `code ${code}`
    const pid = worker.process.pid
    const wasCurrent = slot.current === worker
    const wasNext = slot.next === worker
    if (wasCurrent) slot.current = null
    if (wasNext) slot.next = null

    if (this.#stopping || was === 'stopping' || (!wasCurrent && !wasNext)) {
      if (this.#failure === null) this.#log(`worker ${pid} exited (${how})`)
      this.#checkFinished()
      return
    }
    if (error !== undefined) return this.#cannotLaunch(slot, error)
    if (worker.fatal !== undefined && !this.#up) return this.#fail(worker.fatal)
    if (wasCurrent && slot.next !== null) {
      this.#log(`worker ${pid} exited (${how}); worker ${slot.next.process.pid} is starting in its place`)
      return
    }
    const delay = this.#backoff.next(this.#clock.now() - worker.startedAt)
    const before = was === 'starting' ? ' before listening' : ''
    const why = worker.fatal !== undefined ? `: ${worker.fatal}` : ''
    this.#log(`worker ${pid} exited (${how})${before}${why}; respawning in ${seconds(delay)}`)
    this.#scheduleSpawn(slot, delay)
  }

  #stopWorker(worker: Worker, drainMs = 0): void {
    if (worker.state === 'stopping' || worker.state === 'exited') return
    worker.state = 'stopping'
    if (!worker.process.send({ type: 'portico:stop', drainMs })) worker.process.kill('SIGTERM')
    const grace = drainMs + (this.#options.gracefulTimeout ?? 30_000) + KILL_MARGIN_MS
    worker.killTimer = this.#clock.timers.once(() => {
      worker.killTimer = null
      this.#log(`worker ${worker.process.pid} still running ${seconds(grace)} after stop; killing it`)
      worker.process.kill('SIGKILL')
    }, grace)
  }

  #checkFinished(): void {
    if (this.#stopping && this.#workers.size === 0) this.#resolveFinished()
  }
}

/** Errors of starting a process that a retry cannot fix: no such binary, no permission. */
function isPermanent(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown }
  return name === 'NotCapable' || name === 'PermissionDenied' || code === 'ENOENT' || code === 'EACCES'
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}
