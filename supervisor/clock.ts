/**
 * The time the supervisor and its workers use: a clock and timers, injected as core takes them
 * (`Runtime.now`, `Runtime.timers`), so the pool logic runs on a `VirtualClock` in tests.
 * The default is the host's (`hostRuntime()`).
 * @module
 */
import type { Runtime } from '../core/server/runtime.ts'
import { detectRuntime, hostRuntime } from '../runtimes/shared.ts'

/**
 * A clock (ms since the epoch) and timers. A driver's `Runtime` is one; from a `VirtualClock`,
 * pass `{ now: () => clock.now, timers: clock.timers }`.
 */
export type Clock = Pick<Runtime, 'now' | 'timers'>

/**
 * The host's `Date.now` and `setTimeout`/`setInterval`. Their timers are not `unref()`ed: the
 * supervisor and the worker cancel every timer they set once it is no longer needed (see
 * `supervisor.ts`), so none holds a finished process open.
 */
export function hostClock(): Clock {
  const { now, timers } = hostRuntime(detectRuntime())
  return { now, timers }
}
