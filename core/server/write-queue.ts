/**
 * The outgoing bytes of one connection, for sockets that may take only part of a write: a
 * synchronous `write` that returns the bytes taken (fewer while the send buffer is full, and a
 * `drain` event follows), or an asynchronous one that resolves with the bytes taken. What the
 * socket has not taken waits here in order, neither copied nor joined, and `write()` makes the
 * engine wait (backpressure) while more than `highWaterMark` bytes are queued. A socket that
 * buffers on its own and reports `drain` needs none of this.
 *
 * Invariants: `pending[0]` is the only array being written (partly written, or in flight for
 * an async writer); `queued` is the byte count of `pending`; after `fail()` every write and
 * every wait rejects.
 * @module
 */

/**
 * A socket's own write: takes a prefix of `bytes` and returns its length, synchronously (a
 * short count means "full until `drain()`") or as a promise (then the rest is written at
 * once). Negative, a throw or a rejection: the socket is closed.
 */
export interface PartialWriter {
  write(bytes: Uint8Array): number | Promise<number>
}

const ignore = (): void => {}

/**
 * Marks `promise` handled: a caller that does not await a write (a best-effort 408) must not
 * turn a dead peer into an unhandled rejection, which ends the process on some runtimes.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore)
  return promise
}

/** The error of a write to a socket that is already gone. */
export function socketClosed(): Error {
  return new Error('socket closed')
}

/** Bytes waiting for a socket, written in order as it takes them. */
export class WriteQueue {
  private readonly writer: PartialWriter
  private readonly highWaterMark: number
  private readonly pending: Uint8Array[] = []
  private queued = 0
  /** An async write of `pending[0]` is in flight. */
  private writing = false
  private ended = false
  private failure: unknown = null
  private empty: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null

  /**
   * `write()` makes the engine wait while more than `highWaterMark` bytes are queued; the
   * default lets a small response go without a round trip, and 0 waits whenever the socket
   * did not take every byte (for a socket with a kernel buffer of its own behind it).
   */
  constructor(writer: PartialWriter, highWaterMark: number = 64 * 1024) {
    this.writer = writer
    this.highWaterMark = highWaterMark
  }

  /** `Transport.write`: queues `bytes`; a promise while more than `highWaterMark` bytes wait. */
  write(bytes: Uint8Array): Promise<void> | void {
    if (this.ended) return handled(Promise.reject(this.failure ?? socketClosed()))
    if (bytes.length === 0) return
    this.pending.push(bytes)
    this.queued += bytes.length
    if (this.pending.length === 1) this.pump()
    if (this.queued > this.highWaterMark || this.failure !== null) return this.flushed()
  }

  /** Nothing once the socket has taken every queued byte, else a promise of that; rejects if it fails first. */
  flushed(): Promise<void> | void {
    if (this.failure !== null) return handled(Promise.reject(this.failure))
    if (this.queued === 0) return
    if (this.empty === null) {
      let resolve!: () => void
      let reject!: (error: unknown) => void
      const promise = handled(new Promise<void>((res, rej) => ((resolve = res), (reject = rej))))
      this.empty = { promise, resolve, reject }
    }
    return this.empty.promise
  }

  /** Takes no more writes (they reject); then like `flushed()`: what a `closeWrite()` waits for. */
  end(): Promise<void> | void {
    this.ended = true
    return this.flushed()
  }

  /** The socket can take more again (its `drain` event): writes what waits. */
  drain(): void {
    if (this.pending.length > 0 && !this.writing) this.pump()
  }

  /** The socket is gone: drops what waits and rejects every waiter. Idempotent. */
  fail(error: unknown = socketClosed()): void {
    if (this.failure !== null) return
    this.failure = error ?? socketClosed()
    this.ended = true
    this.pending.length = 0
    this.queued = 0
    const empty = this.empty
    this.empty = null
    empty?.reject(this.failure)
  }

  private pump(): void {
    const pending = this.pending
    while (pending.length > 0) {
      const head = pending[0]!
      let taken: number | Promise<number>
      try {
        taken = this.writer.write(head)
      } catch (error) {
        return this.fail(error)
      }
      if (typeof taken !== 'number') {
        this.writing = true
        taken.then(
          (n) => {
            this.writing = false
            if (this.failure !== null) return
            if (n < 0) return this.fail()
            this.took(head, n)
            this.pump()
          },
          (error: unknown) => this.fail(error),
        )
        return
      }
      if (taken < 0) return this.fail()
      if (!this.took(head, taken)) return // the send buffer is full: drain() resumes
    }
    const empty = this.empty
    this.empty = null
    empty?.resolve()
  }

  /** Removes `n` written bytes of `head`; false if part of it is left. */
  private took(head: Uint8Array, n: number): boolean {
    this.queued -= n
    if (n >= head.length) {
      this.pending.shift()
      return true
    }
    this.pending[0] = head.subarray(n)
    return false
  }
}
