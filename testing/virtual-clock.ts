/**
 * A clock that moves only when told to, with the `Timers` the engine takes: timeouts are
 * tested without sleeping, and the same script fires the same timers in the same order.
 * @module
 */
import type { Timers } from '../core/server/runtime.ts'

/** A fixed start (2023-11-14T22:13:20Z) keeps Date headers identical from run to run. */
const DEFAULT_START = 1_700_000_000_000

interface Interval {
  callback: () => void
  every: number
  next: number
}

/**
 * Virtual time for the engine's timers (and for scripted clients, see `TestConnection.trickle`).
 *
 * @example
 * ```ts
 * const clock = new VirtualClock()
 * clock.timers.repeat(() => console.log(clock.now), 1000)
 * clock.advance(2500) // logs start+1000, start+2000
 * ```
 */
export class VirtualClock {
  /** The current time, ms since the epoch. */
  now: number
  private readonly intervals = new Map<number, Interval>()
  private ids = 0

  /** `start`: the initial time in ms since the epoch. */
  constructor(start: number = DEFAULT_START) {
    this.now = start
  }

  /** The timers to hand to the engine (`Runtime.timers`). */
  readonly timers: Timers = {
    once: (callback: () => void, ms: number): unknown => this.setTimeout(callback, ms),
    repeat: (callback: () => void, ms: number): unknown => this.setInterval(callback, ms),
    cancel: (handle: unknown): void => this.clearInterval(handle),
  }

  /** Calls `callback` once, `ms` virtual ms from now; returns a handle for `clearInterval`. */
  setTimeout(callback: () => void, ms: number): number {
    const id = this.setInterval(() => {
      this.intervals.delete(id)
      callback()
    }, ms)
    return id
  }

  /** Calls `callback` every `ms` virtual ms; returns a handle for `clearInterval`. */
  setInterval(callback: () => void, ms: number): number {
    const id = ++this.ids
    // At least 1 ms, or advance() would loop forever on one instant.
    const every = Math.max(1, ms)
    this.intervals.set(id, { callback, every, next: this.now + every })
    return id
  }

  /** Cancels a timer (once or repeating); unknown handles are ignored. */
  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number)
  }

  /** When the next timer fires, or null if none is set. */
  nextDue(): number | null {
    let due: number | null = null
    for (const t of this.intervals.values()) if (due === null || t.next < due) due = t.next
    return due
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in time order (ties in the
   * order they were set). Synchronous: the engine reacts on the next `settle()`.
   */
  advance(ms: number): void {
    this.advanceTo(this.now + Math.max(0, ms))
  }

  /** Moves time forward to `time` (never backwards), firing due timers as `advance()` does. */
  advanceTo(time: number): void {
    for (;;) {
      let due: Interval | null = null
      // Map order is insertion order, and `<` keeps the first of equal times: ties are stable.
      for (const t of this.intervals.values()) if (t.next <= time && (due === null || t.next < due.next)) due = t
      if (due === null) break
      this.now = due.next
      due.next += due.every
      due.callback()
    }
    if (time > this.now) this.now = time
  }
}
