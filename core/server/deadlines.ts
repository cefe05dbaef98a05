/**
 * One deadline per connection, for whatever it is waiting on now. The server's single sweep
 * timer compares it with the clock, so no timer is set or cleared per request (hyper arms a
 * timer per wait; at ~100k requests/s the number is cheaper).
 * @module
 */

/** What a connection is waiting for, which decides what expiry means. */
export type DeadlineKind =
  /** Nothing: no deadline. */
  | 'none'
  /** The next request on a keep-alive connection: expiry closes silently. */
  | 'idle'
  /** A PROXY protocol header: expiry closes silently (there is no HTTP peer yet). */
  | 'proxy'
  /** A request head (slowloris guard): expiry answers 408. */
  | 'headers'
  /** A request body: expiry answers 408 if no response has started. */
  | 'body'

/** The current deadline of one connection. */
export class Deadline {
  kind: DeadlineKind = 'none'
  /** ms on the server's clock; 0 for none. */
  at = 0

  /** Waits for `kind` until `base + timeout`; a timeout of 0 disables it, as in the usual server defaults. */
  set(kind: DeadlineKind, base: number, timeout: number): void {
    this.kind = kind
    this.at = timeout > 0 ? base + timeout : 0
  }

  clear(): void {
    this.kind = 'none'
    this.at = 0
  }

  /** True once `now` has reached the deadline. */
  isDue(now: number): boolean {
    return this.at !== 0 && now >= this.at
  }
}
