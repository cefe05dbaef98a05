/**
 * The clock, timers and console that Node, Deno and Bun all provide as globals, handed to
 * core as a `Runtime` (core itself may not touch globals). Shared by the three drivers.
 * @module
 */
import type { Runtime } from '../core/transport.ts'

/** A `Runtime` backed by the host's `Date.now`, `setInterval` and `console`. */
export function hostRuntime(name: string): Runtime {
  return {
    name,
    now: Date.now,
    timers: {
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => clearInterval(handle as Parameters<typeof clearInterval>[0]),
    },
    log: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
    print: (message) => console.log(message),
  }
}
