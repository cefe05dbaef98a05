/**
 * The lingering close (RFC 9112 §9.6), written once for every driver: send what is queued,
 * then FIN, and keep reading (and discarding) for a while. Closing a socket that still holds
 * unread request bytes makes the kernel answer with a RST, and a RST that overtakes our last
 * response destroys it at the client; reading until the client's own FIN avoids that.
 *
 * Bounded in time either way: a peer that takes none of our unsent bytes for `stallMs`, or
 * that does not close its side within `lingerMs` of our FIN, is aborted.
 * @module
 */
import type { Timers } from './runtime.ts'
import type { Transport } from './transport.ts'

/** How long a closed connection keeps reading (and discarding) before it is aborted. */
export const LINGER_MS = 2000
/** How long a closing connection may take to accept its last written bytes. */
export const STALL_MS = 30_000

/**
 * Closes `transport` gracefully. `pendingRead` is a read already in flight (the caller's
 * disconnect watch), which must be awaited instead of starting a second one.
 */
export function lingeringClose(
  transport: Transport,
  timers: Timers,
  pendingRead: Promise<Uint8Array | null> | null,
): void {
  let done = false
  const abort = (): void => {
    if (done) return
    done = true
    timers.cancel(timer)
    transport.abort()
  }
  let timer: unknown = timers.once(abort, STALL_MS)
  const discard = async (): Promise<void> => {
    if (pendingRead !== null) await pendingRead
    while (!done && (await transport.read()) !== null) {
      // Unread request bytes: dropped, so that they cannot turn into a RST.
    }
  }
  const flushed = transport.closeWrite()
  const linger = (): void => {
    if (done) return
    timers.cancel(timer)
    timer = timers.once(abort, LINGER_MS)
    discard().then(abort, abort)
  }
  if (flushed === undefined) linger()
  else flushed.then(linger, abort)
}
