/**
 * The supervisor's pool logic without processes: a fake launcher and fake timers. The
 * end-to-end behaviour per runtime is in suite.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Backoff } from '../../supervisor/backoff.ts'
import type { Launcher, WorkerEvents } from '../../supervisor/launcher.ts'
import type { SupervisorMessage } from '../../supervisor/messages.ts'
import { supervise } from '../../supervisor/supervisor.ts'

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
      ready: () => events.message({ type: 'portico:ready', url: 'http://127.0.0.1:1/' }),
      exit: (code, signal) => events.exit(code, signal ?? null),
    }
    workers.push(fake)
    return { pid: fake.pid, send: (message) => (fake.received.push(message), true), kill: () => {} }
  }
  return { launcher, workers }
}

describe('supervise() with a fake launcher', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('starts N workers and resolves start() once all listen', async () => {
    const { launcher, workers } = fakeLauncher()
    const lines: string[] = []
    const supervisor = supervise({ workers: 2, launcher, log: (line) => lines.push(line) })
    const started = supervisor.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(workers).toHaveLength(2)
    for (const w of workers) w.ready()
    await started
    expect(supervisor.pids).toEqual([100, 101])
    expect(lines).toContain('worker 100 started')
  })

  it('respawns a dead worker after a growing delay, and not before', async () => {
    const { launcher, workers } = fakeLauncher()
    const lines: string[] = []
    const supervisor = supervise({ workers: 1, launcher, log: (line) => lines.push(line) })
    void supervisor.start()
    await vi.advanceTimersByTimeAsync(0)
    workers[0]!.exit(1)
    expect(lines.at(-1)).toBe('worker 100 exited (code 1) before listening; respawning in 0.1 s')
    await vi.advanceTimersByTimeAsync(99)
    expect(workers).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(workers).toHaveLength(2)
    workers[1]!.exit(null, 'SIGKILL')
    expect(lines.at(-1)).toBe('worker 101 exited (signal SIGKILL) before listening; respawning in 0.2 s')
  })

  it('reload starts each replacement before stopping its predecessor, one slot at a time', async () => {
    const { launcher, workers } = fakeLauncher()
    const supervisor = supervise({ workers: 2, launcher, log: () => {} })
    const started = supervisor.start()
    await vi.advanceTimersByTimeAsync(0)
    for (const w of workers) w.ready()
    await started
    const reloaded = supervisor.reload()
    await vi.advanceTimersByTimeAsync(0)
    expect(workers).toHaveLength(3) // one replacement at a time
    expect(workers[0]!.received).toEqual([])
    workers[2]!.ready()
    expect(workers[0]!.received).toEqual([{ type: 'portico:stop', drainMs: 1000 }])
    await vi.advanceTimersByTimeAsync(0)
    expect(workers).toHaveLength(4)
    workers[3]!.ready()
    await reloaded
    expect(supervisor.pids).toEqual([102, 103])
    // Old workers exiting after a stop are not respawned.
    workers[0]!.exit(0)
    workers[1]!.exit(0)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(workers).toHaveLength(4)
  })

  it('recycles on request: the replacement listens first', async () => {
    const { launcher, workers } = fakeLauncher()
    const supervisor = supervise({ workers: 1, launcher, log: () => {} })
    const started = supervisor.start()
    await vi.advanceTimersByTimeAsync(0)
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
    const { launcher, workers } = fakeLauncher()
    const supervisor = supervise({ workers: 2, launcher, log: () => {} })
    void supervisor.start()
    await vi.advanceTimersByTimeAsync(0)
    for (const w of workers) w.ready()
    let stopped = false
    void supervisor.stop().then(() => (stopped = true))
    expect(workers.map((w) => w.received.length)).toEqual([1, 1])
    void supervisor.stop()
    expect(workers.map((w) => w.received.length)).toEqual([2, 2])
    workers[0]!.exit(0)
    await vi.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(false)
    workers[1]!.exit(0)
    await vi.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(true)
  })
})
