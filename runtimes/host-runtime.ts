/**
 * The clock, timers and console that Node, Deno and Bun all provide as globals, handed to
 * core as a `Runtime` (core itself may not touch globals). Shared by the three drivers.
 * @module
 */
import { LightResponse } from '../core/fetch/light-response.ts'
import type { Runtime } from '../core/server/transport.ts'

/** A `Runtime` backed by the host's `Date.now`, `setInterval` and `console`. */
export function hostRuntime(name: string): Runtime {
  return {
    name,
    now: Date.now,
    timers: {
      repeat: (callback, ms) => setInterval(callback, ms),
      cancel: (handle) => clearInterval(handle as Parameters<typeof clearInterval>[0]),
    },
    log: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
    print: (message) => console.log(message),
  }
}

/** Replaces the global `Response` with `LightResponse` (see `ServeOptions.lightResponse`). */
export function installLightResponse(): void {
  if (globalThis.Response !== (LightResponse as unknown as typeof Response)) {
    globalThis.Response = LightResponse as unknown as typeof Response
  }
}
