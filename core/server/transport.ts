/**
 * What a driver provides for one accepted connection. Drivers in runtimes/ implement it on
 * their runtime's sockets; tests implement it in memory. Nothing else crosses into core.
 * @module
 */

/** One byte stream to one peer. */
export interface Transport {
  /**
   * The next bytes from the peer; null once the peer has closed its side (EOF). Rejects on
   * reset. The engine keeps views of the bytes it returns (zero-copy bodies), so a driver
   * must never reuse the memory of a chunk it has handed out.
   */
  read(): Promise<Uint8Array | null>
  /**
   * Queues bytes for the peer. Returns a promise when the runtime's buffer is full and the
   * caller must wait before writing more (backpressure), otherwise nothing. The bytes must
   * not be modified after the call.
   */
  write(bytes: Uint8Array): Promise<void> | void
  /**
   * Optional gathered write (writev): queues `parts` in order as one write, so large body
   * chunks go out without being copied next to their framing. Same backpressure contract.
   */
  writeMany?(parts: readonly Uint8Array[]): Promise<void> | void
  /** Flushes what was written, then closes. */
  close(): void
  /** Closes at once, discarding unsent bytes (used after a broken response). */
  abort(): void
  /** Peer address, if the runtime knows it. */
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
}

/** Timers, injected so that core reads no global clock and tests can use a virtual one. */
export interface Timers {
  /** Calls `callback` every `ms` milliseconds until cancelled; returns a handle. */
  repeat(callback: () => void, ms: number): unknown
  /** Stops a `repeat`. */
  cancel(handle: unknown): void
}

/** What a driver gives the core besides sockets: time, timers and the error log. */
export interface Runtime {
  /** Runtime name, for logs and `info`. */
  name: string
  /** Milliseconds since the epoch. */
  now(): number
  timers: Timers
  /** Default error log when the user gives none. */
  log(message: string, error?: unknown): void
  /** Informational output, e.g. the `Listening on …` line. */
  print(message: string): void
}
