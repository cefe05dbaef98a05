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
  /**
   * True when a `write()` that returns nothing has handed every byte to the runtime, which
   * keeps no reference to the array: the caller may then reuse that memory at once (the
   * WebSocket session builds its large frames in one reused buffer). False or absent when
   * the runtime may still be holding the array after such a return.
   */
  readonly writesAtOnce?: boolean
  /**
   * Half-closes: sends every byte written so far, then FIN; the read side stays open, so
   * that core can linger (see linger.ts). Returns a promise while bytes are still queued,
   * resolved once they and the FIN have been handed to the kernel, rejected if the socket
   * dies first. Called once.
   */
  closeWrite(): Promise<void> | void
  /**
   * Closes at once, discarding unsent bytes; a pending `read()` resolves with null. Used
   * after a broken response and to end a linger. Idempotent.
   */
  abort(): void
  /**
   * The protocol TLS's ALPN agreed on (`'h2'`, `'http/1.1'`), known when the driver hands the
   * transport over; undefined or null for cleartext or when the client offered none.
   */
  readonly alpnProtocol?: string | null
  /** Peer address, if the runtime knows it. */
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
}
