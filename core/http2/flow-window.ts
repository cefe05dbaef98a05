/**
 * Flow-control windows (RFC 9113 §5.2, §6.9). A send window is a plain number on the stream
 * or connection (it may go negative after a SETTINGS change, §6.9.2); `addToSendWindow`
 * checks the 2^31-1 ceiling. A receive window is a `ReceiveWindow`: what the peer may still
 * send, re-opened only as the server consumes bytes, and announced in batches.
 * @module
 */
import { MAX_WINDOW_SIZE } from './frame-types.ts'

/** `window + increment`, or -1 if that passes 2^31-1 (§6.9.1: a FLOW_CONTROL_ERROR). */
export function addToSendWindow(window: number, increment: number): number {
  const next = window + increment
  return next > MAX_WINDOW_SIZE ? -1 : next
}

/**
 * Our receive window for one stream or for the connection. The peer may send `available`
 * more bytes. Bytes received are not given back until `consume()`: an upload the server
 * does not read stops the peer once the window is used up, so buffered bytes never exceed
 * `size`. Consumed bytes are announced (WINDOW_UPDATE) once they reach half the window, not
 * per chunk.
 */
export class ReceiveWindow {
  /** Bytes the peer may still send. */
  available: number
  /** The window we aim to keep open. */
  readonly size: number
  /** Consumed bytes not yet announced to the peer. */
  #unannounced = 0

  constructor(size: number) {
    this.size = size
    this.available = size
  }

  /** The peer sent `n` flow-controlled bytes; false (and nothing changes) if they exceed the window. */
  receive(n: number): boolean {
    if (n > this.available) return false
    this.available -= n
    return true
  }

  /** `n` bytes were consumed. Returns the WINDOW_UPDATE increment to send now, or 0 to wait for more. */
  consume(n: number): number {
    this.#unannounced += n
    if (this.#unannounced < this.size / 2) return 0
    // Never past `size`, whatever the caller claims: the peer would see an overflow.
    const increment = Math.min(this.#unannounced, this.size - this.available)
    this.#unannounced = 0
    if (increment <= 0) return 0
    this.available += increment
    return increment
  }
}
