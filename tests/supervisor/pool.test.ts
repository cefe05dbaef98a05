/**
 * The supervisor's pool logic without processes: a fake launcher and a virtual clock. The
 * end-to-end behaviour per runtime is in suite.ts.
 */
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../testing/virtual-clock.ts'
import { Backoff } from '../../supervisor/backoff.ts'
import type { Clock } from '../../supervisor/clock.ts'
import type { Launcher, WorkerEvents } from '../../supervisor/launcher.ts'
import type { SupervisorMessage } from '../../supervisor/messages.ts'
import { supervise, type SuperviseOptions, type Supervisor } from '../../supervisor/supervisor.ts'
import { serveWorker } from '../../supervisor/worker.ts'

describe('Backoff', () => {
  it('doubles from 0.1 s to the 10 s cap and resets after 30 s of uptime', () => {
    const backoff = new Backoff()
    const delays = Array.from({ length: 9 }, () => backoff.next(50))
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000])
    expect(backoff.next(29_999)).toBe(10_000)
    expect(backoff.next(30_000)).toBe(100)
    expect(backoff.next(10)).toBe(200)
  })
})

interface Fake {
  pid: number
  events: WorkerEvents
  received: SupervisorMessage[]
  /** Signals sent to it, in order. */
  kills: string[]
  ready(): void
  exit(code: number | null, signal?: string): void
}

function fakeLauncher(): { launcher: Launcher; workers: Fake[] } {
  const workers: Fake[] = []
  let nextPid = 100
  const launcher: Launcher = (events) => {
    const fake: Fake = {
      pid: nextPid++,
      events,
      received: [],
      kills: [],
      ready: () => events.message({ type: 'portico:ready', url: 'http://127.0.0.1:1/' }),
      exit: (code, signal) => events.exit(code, signal ?? null),
    }
    workers.push(fake)
    return { pid: fake.pid, send: (message) => (fake.received.push(message), true), kill: (signal) => void fake.kills.push(signal) }
  }
  return { launcher, workers }
}

/** A supervisor on a fake launcher and a virtual clock that starts at 0. */
function pool(options: Omit<SuperviseOptions, 'launcher' | 'clock'>): {
  supervisor: Supervisor
  workers: Fake[]
  clock: VirtualClock
} {
  const { launcher, workers } = fakeLauncher()
  const clock = new VirtualClock(0)
  const time: Clock = { now: () => clock.now, timers: clock.timers }
  return { supervisor: supervise({ ...options, launcher, clock: time }), workers, clock }
}

/**
 * Fires the timers due within `ms` virtual ms, then lets the supervisor's promise callbacks run
 * (one macrotask turn drains the microtask queue).
 */
async function advance(clock: VirtualClock, ms: number): Promise<void> {
  clock.advance(ms)
  await new Promise<void>((resolve) => setImmediate(resolve))
}

describe('supervise() with a fake launcher', () => {

  it('starts N workers and resolves start() once all listen', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 2, log: (line) => lines.push(line) })
    const started = supervisor.start()
    await advance(clock, 0)
    expect(workers).toHaveLength(2)
    for (const w of workers) w.ready()
    await started
    expect(supervisor.pids).toEqual([100, 101])
    expect(lines).toContain('worker 100 started')
  })

  it('respawns a dead worker after a growing delay, and not before', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, log: (line) => lines.push(line) })
    void supervisor.start()
    await advance(clock, 0)
    workers[0]!.exit(1)
    expect(lines.at(-1)).toBe('worker 100 exited (code 1) before listening; respawning in 0.1 s')
    await advance(clock, 99)
    expect(workers).toHaveLength(1)
    await advance(clock, 1)
    expect(workers).toHaveLength(2)
    workers[1]!.exit(null, 'SIGKILL')
    expect(lines.at(-1)).toBe('worker 101 exited (signal SIGKILL) before listening; respawning in 0.2 s')
  })

  it('reload starts each replacement before stopping its predecessor, one slot at a time', async () => {
    const { supervisor, workers, clock } = pool({ workers: 2, log: () => {} })
    const started = supervisor.start()
    await advance(clock, 0)
    for (const w of workers) w.ready()
    await started
    const reloaded = supervisor.reload()
    await advance(clock, 0)
    expect(workers).toHaveLength(3) // one replacement at a time
    expect(workers[0]!.received).toEqual([])
    workers[2]!.ready()
    expect(workers[0]!.received).toEqual([{ type: 'portico:stop', drainMs: 1000 }])
    await advance(clock, 0)
    expect(workers).toHaveLength(4)
    workers[3]!.ready()
    await reloaded
    expect(supervisor.pids).toEqual([102, 103])
    // Old workers exiting after a stop are not respawned.
    workers[0]!.exit(0)
    workers[1]!.exit(0)
    await advance(clock, 20_000)
    expect(workers).toHaveLength(4)
  })

  it('recycles on request: the replacement listens first', async () => {
    const { supervisor, workers, clock } = pool({ workers: 1, log: () => {} })
    const started = supervisor.start()
    await advance(clock, 0)
    workers[0]!.ready()
    await started
    workers[0]!.events.message({ type: 'portico:recycle', requests: 1000 })
    workers[0]!.events.message({ type: 'portico:recycle', requests: 1001 }) // asked twice: one replacement
    expect(workers).toHaveLength(2)
    expect(workers[0]!.received).toEqual([])
    workers[1]!.ready()
    expect(workers[0]!.received).toHaveLength(1)
    expect(supervisor.pids).toEqual([101])
  })

  it('stop() asks every worker to stop, forces on a second call, and resolves when all exited', async () => {
    const { supervisor, workers, clock } = pool({ workers: 2, log: () => {} })
    void supervisor.start()
    await advance(clock, 0)
    for (const w of workers) w.ready()
    let stopped = false
    void supervisor.stop().then(() => (stopped = true))
    expect(workers.map((w) => w.received.length)).toEqual([1, 1])
    void supervisor.stop()
    expect(workers.map((w) => w.received.length)).toEqual([2, 2])
    workers[0]!.exit(0)
    await advance(clock, 0)
    expect(stopped).toBe(false)
    workers[1]!.exit(0)
    await advance(clock, 0)
    expect(stopped).toBe(true)
  })
})

describe('supervise() when a worker cannot start', () => {
  const FATAL = 'cannot listen on 0.0.0.0:80: permission denied (EACCES)'

  it('gives up before the pool is up: start() rejects with the worker\'s one line once all have exited', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 2, log: (line) => lines.push(line) })
    const started = supervisor.start()
    const outcome = started.then(() => 'resolved', (error: Error) => error.message)
    await advance(clock, 0)
    workers[0]!.events.message({ type: 'portico:fatal', message: FATAL })
    workers[0]!.exit(1)
    // The other worker is asked to stop, and nothing is respawned.
    expect(workers[1]!.received).toContainEqual({ type: 'portico:stop', drainMs: 0 })
    expect(clock.nextDue()).toBe(35_000) // worker 101's kill timer; no respawn is scheduled
    await advance(clock, 0)
    let settled = false
    void outcome.then(() => (settled = true))
    await advance(clock, 0)
    expect(settled).toBe(false) // waits for the last worker
    workers[1]!.exit(0)
    expect(await outcome).toBe(FATAL)
    expect(workers).toHaveLength(2)
    expect(lines.filter((line) => /respawn|stopping/.test(line))).toEqual([])
  })

  it('takes the fatal message when it arrives after the exit event', async () => {
    const { supervisor, workers, clock } = pool({ workers: 1, log: () => {} })
    const outcome = supervisor.start().then(() => 'resolved', (error: Error) => error.message)
    await advance(clock, 0)
    workers[0]!.exit(1)
    workers[0]!.events.message({ type: 'portico:fatal', message: FATAL })
    expect(await outcome).toBe(FATAL)
    await advance(clock, 10_000)
    expect(workers).toHaveLength(1)
  })

  it('once the pool is up, logs the reason and respawns with backoff (a reload must not take the old workers down)', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, log: (line) => lines.push(line) })
    const started = supervisor.start()
    await advance(clock, 0)
    workers[0]!.ready()
    await started
    void supervisor.reload()
    await advance(clock, 0)
    workers[1]!.events.message({ type: 'portico:fatal', message: FATAL })
    workers[1]!.exit(1)
    expect(lines.at(-1)).toBe(`worker 101 exited (code 1) before listening: ${FATAL}; respawning in 0.1 s`)
    expect(workers[0]!.received).toEqual([])
    expect(supervisor.pids).toEqual([100])
    void supervisor.stop()
  })

  it('gives up when the workers cannot be launched for lack of permission, and retries other launch errors', async () => {
    const clock = new VirtualClock(0)
    const time: Clock = { now: () => clock.now, timers: clock.timers }
    const denied = Object.assign(new Error('Requires run access to "deno"'), { name: 'NotCapable' })
    const refused = supervise({ workers: 2, clock: time, log: () => {}, launcher: () => { throw denied } })
    await expect(refused.start()).rejects.toThrow('cannot start a worker: Requires run access to "deno"')

    const lines: string[] = []
    const again = Object.assign(new Error('fork: Resource temporarily unavailable'), { code: 'EAGAIN' })
    const retried = supervise({ workers: 1, clock: time, log: (line) => lines.push(line), launcher: () => { throw again } })
    void retried.start()
    await advance(clock, 0)
    expect(lines.at(-1)).toBe('cannot start a worker: fork: Resource temporarily unavailable; retrying in 0.1 s')
    void retried.stop()
  })

  it('gives up on a spawn that fails after the fact (exit with an error), as a launch error', async () => {
    const { supervisor, workers, clock } = pool({ workers: 1, log: () => {} })
    const outcome = supervisor.start().then(() => 'resolved', (error: Error) => error.message)
    await advance(clock, 0)
    const enoent = Object.assign(new Error('spawn deno ENOENT'), { code: 'ENOENT' })
    workers[0]!.events.exit(null, null, enoent)
    expect(await outcome).toBe('cannot start a worker: spawn deno ENOENT')
  })

  it('says "1 worker", not "1 workers"', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, log: (line) => lines.push(line) })
    void supervisor.start()
    await advance(clock, 0)
    workers[0]!.ready()
    void supervisor.reload()
    void supervisor.stop()
    expect(lines).toContain('stopping 1 worker')
  })
})

describe('supervise() timers on the injected clock', () => {
  it('kills a stopped worker once, gracefulTimeout + 5 s after the stop, then finishes with no timer left', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, gracefulTimeout: 1000, log: (line) => lines.push(line) })
    void supervisor.start()
    await advance(clock, 0)
    workers[0]!.ready()
    let finished = false
    void supervisor.stop().then(() => (finished = true))
    expect(workers[0]!.received).toEqual([{ type: 'portico:stop', drainMs: 0 }])
    await advance(clock, 5999)
    expect(workers[0]!.kills).toEqual([])
    await advance(clock, 1)
    expect(workers[0]!.kills).toEqual(['SIGKILL'])
    expect(lines.at(-1)).toBe('worker 100 still running 6 s after stop; killing it')
    // A one-shot: the worker has not exited yet, and still no second SIGKILL.
    await advance(clock, 60_000)
    expect(workers[0]!.kills).toEqual(['SIGKILL'])
    expect(clock.nextDue()).toBe(null)
    expect(finished).toBe(false)
    workers[0]!.exit(null, 'SIGKILL')
    await advance(clock, 0)
    expect(finished).toBe(true)
  })

  it('cancels the kill timer when the worker exits in time', async () => {
    const { supervisor, workers, clock } = pool({ workers: 2, gracefulTimeout: 1000, log: () => {} })
    void supervisor.start()
    await advance(clock, 0)
    for (const w of workers) w.ready()
    let finished = false
    void supervisor.stop().then(() => (finished = true))
    expect(clock.nextDue()).toBe(6000)
    await advance(clock, 5999)
    workers[0]!.exit(0)
    workers[1]!.exit(0)
    // Nothing pending: a finished supervisor holds no timer that could keep the process alive.
    expect(clock.nextDue()).toBe(null)
    await advance(clock, 60_000)
    expect(workers.map((w) => w.kills)).toEqual([[], []])
    expect(finished).toBe(true)
  })

  it('gives a replaced worker drainTime on top of gracefulTimeout + 5 s before the kill', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, gracefulTimeout: 1000, drainTime: 500, log: (line) => lines.push(line) })
    const started = supervisor.start()
    await advance(clock, 0)
    workers[0]!.ready()
    await started
    const reloaded = supervisor.reload()
    await advance(clock, 0)
    workers[1]!.ready()
    await reloaded
    expect(workers[0]!.received).toEqual([{ type: 'portico:stop', drainMs: 500 }])
    await advance(clock, 6499)
    expect(workers[0]!.kills).toEqual([])
    await advance(clock, 1)
    expect(workers[0]!.kills).toEqual(['SIGKILL'])
    expect(lines.at(-1)).toBe('worker 100 still running 6.5 s after stop; killing it')
    expect(workers[1]!.kills).toEqual([])
    expect(clock.nextDue()).toBe(null)
  })

  it('a respawn is one delayed spawn, and stop() cancels a pending one', async () => {
    const { supervisor, workers, clock } = pool({ workers: 1, log: () => {} })
    void supervisor.start()
    await advance(clock, 0)
    workers[0]!.exit(1)
    expect(clock.nextDue()).toBe(100)
    await advance(clock, 100)
    expect(workers).toHaveLength(2)
    expect(clock.nextDue()).toBe(null)
    await advance(clock, 10_000)
    expect(workers).toHaveLength(2)
    workers[1]!.exit(1)
    expect(clock.nextDue()).toBe(clock.now + 200)
    void supervisor.stop()
    expect(clock.nextDue()).toBe(null)
    await advance(clock, 10_000)
    expect(workers).toHaveLength(2)
    await supervisor.finished
  })

  it('measures uptime on the injected clock: 30 s up resets the backoff', async () => {
    const lines: string[] = []
    const { supervisor, workers, clock } = pool({ workers: 1, log: (line) => lines.push(line) })
    void supervisor.start()
    await advance(clock, 0)
    workers[0]!.exit(1)
    await advance(clock, 100)
    workers[1]!.exit(1)
    expect(lines.at(-1)).toBe('worker 101 exited (code 1) before listening; respawning in 0.2 s')
    await advance(clock, 200)
    workers[2]!.ready()
    await advance(clock, 29_999)
    workers[2]!.exit(1)
    expect(lines.at(-1)).toBe('worker 102 exited (code 1); respawning in 0.4 s')
    await advance(clock, 400)
    workers[3]!.ready()
    await advance(clock, 30_000)
    workers[3]!.exit(1)
    expect(lines.at(-1)).toBe('worker 103 exited (code 1); respawning in 0.1 s')
    void supervisor.stop()
  })
})

describe('serveWorker()', () => {
  it('throws a TypeError for a non-app before it serves or installs anything', () => {
    let served = false
    const serve = (): never => {
      served = true
      throw new Error('not reached')
    }
    expect(() => serveWorker(serve, { handle: () => new Response('') } as never)).toThrow(TypeError)
    expect(served).toBe(false)
  })
})
