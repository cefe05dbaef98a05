/**
 * Respawn delays for crashed workers: exponential, capped, and forgiven once a worker has
 * stayed up for a while. Pure (time comes in as arguments), so it is tested without sleeping.
 * @module
 */

/** Backoff settings, all in ms. */
export interface BackoffOptions {
  /** Delay before the first respawn after a healthy period. Default 100. */
  initialMs: number
  /** Delays double up to this cap. Default 10 000. */
  maxMs: number
  /** A worker that lived this long resets the delay to `initialMs`. Default 30 000. */
  resetAfterMs: number
}

/** gunicorn-like defaults: 0.1 s doubling to 10 s, reset after 30 s of uptime. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { initialMs: 100, maxMs: 10_000, resetAfterMs: 30_000 }

/**
 * One shared delay sequence for the whole pool: an app that crashes at start-up takes every
 * worker down, and a per-worker sequence would respawn N times as often.
 */
export class Backoff {
  readonly #options: BackoffOptions
  #nextMs: number

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options }
    this.#nextMs = this.#options.initialMs
  }

  /** The delay before respawning a worker that died after `livedMs`; advances the sequence. */
  next(livedMs: number): number {
    if (livedMs >= this.#options.resetAfterMs) this.#nextMs = this.#options.initialMs
    const delay = this.#nextMs
    this.#nextMs = Math.min(this.#options.maxMs, delay * 2)
    return delay
  }
}
