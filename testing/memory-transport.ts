/**
 * An in-memory `Transport` whose far end is a scripted client: the test sends bytes, reads
 * what the server wrote, and injects faults (slow sends, resets, a client that stops
 * reading). Runtime-free: ECMAScript and Web APIs only, so it also runs in a browser.
 *
 * Model: the client reads everything the server writes as it arrives, unless told to stop
 * (`stopReadingAfter`). Writes are recorded one by one in `chunks`, so chunk boundaries and
 * single-write responses are visible.
 * @module
 */
import { concatBytes, latin1Decode, latin1Encode } from '../core/http/ascii.ts'
import type { Transport } from '../core/server/transport.ts'
import type { VirtualClock } from './virtual-clock.ts'

/** Addresses a test connection reports to the engine (and to the app's `info`). */
export interface ConnectOptions {
  /** Default `127.0.0.1`. */
  remoteAddress?: string
  /** Default 40000 + the connection's index. */
  remotePort?: number
  /**
   * The protocol TLS's ALPN agreed on, as a TLS driver reports it: `'h2'` makes the server
   * speak HTTP/2 from the first byte, `'http/1.1'` HTTP/1.1 only. Default none (cleartext).
   */
  alpnProtocol?: string | null
}

/** How `trickle()` paces its bytes. */
export interface TrickleOptions {
  /** Bytes per send. Default 1. */
  bytes?: number
  /** Virtual ms between sends. Default 1000. */
  everyMs?: number
}

/** Where a `TestConnection` gets its time and reports activity; given by `TestServer`. */
export interface ConnectionContext {
  clock: VirtualClock
  /** Called on every transport operation, so `settle()` can tell progress from idleness. */
  onActivity(): void
  localAddress: string
  localPort: number
}

type Waiter = { resolve: () => void; reject: (error: Error) => void }

const EMPTY = new Uint8Array(0)

function resetError(): Error {
  // The code Node's sockets use, so handlers that inspect it see the familiar value.
  return Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' })
}

/**
 * One client connection to a `TestServer`, created by `server.connect()`. The test plays the
 * client; the engine sees a `Transport`.
 *
 * @example
 * ```ts
 * const conn = server.connect()
 * conn.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
 * await server.settle()
 * conn.text   // 'HTTP/1.1 200 OK\r\n…'
 * conn.chunks // one Uint8Array per write
 * ```
 */
export class TestConnection {
  /** The server's end of the connection: what the engine reads from and writes to. */
  readonly transport: Transport
  /** Each write of the server, separately, in order. */
  readonly chunks: Uint8Array[] = []
  /** The server closed the connection (gracefully or by `abort()`). */
  closed = false
  /** The server aborted the connection (discarding unsent bytes). */
  aborted = false
  /** The client reset the connection (`resetAfter`). */
  reset = false
  /** The client half-closed its side (`end()`). */
  ended = false

  private readonly context: ConnectionContext
  private readonly incoming: Uint8Array[] = []
  private readWaiter: { resolve: (chunk: Uint8Array | null) => void; reject: (error: Error) => void } | null = null
  private readonly drainWaiters: Waiter[] = []
  private readonly watchers = new Set<(chunk: Uint8Array | null) => void>()
  private written = 0
  private outputCache: Uint8Array = EMPTY
  /** Bytes of output the client has consumed; the rest is buffered unread. */
  private consumed = 0
  private readLimit: number | null = null
  private resetLimit: number | null = null
  private trickles = new Set<number>()

  /** Use `TestServer.connect()`; this is how it builds one. */
  constructor(context: ConnectionContext, options: Required<Omit<ConnectOptions, 'alpnProtocol'>> & Pick<ConnectOptions, 'alpnProtocol'>) {
    this.context = context
    // A separate object: the client's `read()` and the Transport's `read()` mean opposite ends.
    this.transport = {
      remoteAddress: options.remoteAddress,
      remotePort: options.remotePort,
      alpnProtocol: options.alpnProtocol ?? null,
      localAddress: context.localAddress,
      localPort: context.localPort,
      read: () => this.serverRead(),
      write: (bytes) => this.serverWrite(bytes),
      writesAtOnce: true, // serverWrite keeps copies only
      // The client reads everything at once unless told otherwise, so a FIN leaves nothing
      // unsent, and the linger that follows it (a read: null at once) ends without a reset.
      closeWrite: () => this.finish(false),
      abort: () => {
        if (!this.closed) this.finish(true)
      },
    }
  }

  /** Everything the server wrote, as one byte array. */
  get output(): Uint8Array {
    if (this.outputCache.length !== this.written) this.outputCache = concatBytes(this.chunks)
    return this.outputCache
  }

  /** Everything the server wrote, as latin1 text (one character per byte). */
  get text(): string {
    const output = this.output
    return latin1Decode(output, 0, output.length)
  }

  // Client side

  /** Sends bytes to the server; a string is sent as latin1. Ignored once the server closed. */
  send(data: Uint8Array | string): void {
    if (this.ended) throw new Error('send() after end()')
    if (this.reset) throw new Error('send() after the connection was reset')
    if (this.closed || data.length === 0) return // an empty chunk would read as EOF
    // A copy: the engine keeps views of what read() returns, and the caller may reuse its array.
    this.deliver(typeof data === 'string' ? latin1Encode(data) : data.slice())
  }

  /**
   * Sends `data` a few bytes at a time on the virtual clock (a slowloris client): the first
   * piece now, the next one every `everyMs` as the clock advances. Stops if the connection ends.
   */
  trickle(data: Uint8Array | string, options: TrickleOptions = {}): void {
    const bytes = typeof data === 'string' ? latin1Encode(data) : data.slice()
    const size = Math.max(1, options.bytes ?? 1)
    let offset = 0
    const step = (): boolean => {
      if (this.closed || this.reset || this.ended) return false
      this.send(bytes.subarray(offset, offset + size).slice())
      offset += size
      return offset < bytes.length
    }
    if (!step()) return
    const { clock } = this.context
    const id = clock.setInterval(() => {
      if (!step()) {
        clock.clearInterval(id)
        this.trickles.delete(id)
      }
    }, options.everyMs ?? 1000)
    this.trickles.add(id)
  }

  /** Half-closes the client side: the server reads EOF. */
  end(): void {
    if (this.ended || this.reset) return
    this.ended = true
    this.context.onActivity()
    this.wakeReader()
  }

  /**
   * Resets the connection once the server has written `n` bytes in total (0 = now): the
   * client keeps only the first `n` bytes, then the server's reads reject and writes fail.
   */
  resetAfter(n: number): void {
    this.resetLimit = n
    if (this.written >= n) this.resetNow()
  }

  /**
   * Stops reading: once `n` more bytes of output are buffered unread, `write()` returns a
   * promise that settles only after `read()` or `resume()` (backpressure).
   */
  stopReadingAfter(n: number): void {
    this.consumed = this.written
    this.readLimit = n
  }

  /** Reads what is buffered unread (releasing a blocked writer) and keeps the read limit. */
  read(): Uint8Array {
    const unread = this.output.subarray(this.consumed)
    this.consumed = this.written
    this.releaseWriters()
    return unread
  }

  /** Reads everything from now on, as arrives (undoes `stopReadingAfter`). */
  resume(): void {
    this.readLimit = null
    this.consumed = this.written
    this.releaseWriters()
  }

  /**
   * Calls `listener` with each write of the server as it happens, and with null once the
   * server closed or the client reset. Returns a function that removes the listener.
   */
  watch(listener: (chunk: Uint8Array | null) => void): () => void {
    this.watchers.add(listener)
    return () => void this.watchers.delete(listener)
  }

  // The server's end (`transport`)

  /** The next bytes the client sent; null after `end()`; rejects after a reset. */
  private serverRead(): Promise<Uint8Array | null> {
    this.context.onActivity()
    if (this.reset) return Promise.reject(resetError())
    if (this.incoming.length > 0) return Promise.resolve(this.incoming.shift()!)
    if (this.ended || this.closed) return Promise.resolve(null)
    return new Promise((resolve, reject) => (this.readWaiter = { resolve, reject }))
  }

  /** Records a write; blocks (returns a promise) while the client is not reading. */
  private serverWrite(bytes: Uint8Array): Promise<void> | void {
    this.context.onActivity()
    if (this.reset) return Promise.reject(resetError())
    if (this.closed) return Promise.reject(new Error('write after close'))
    if (bytes.length === 0) return
    let accepted = bytes
    if (this.resetLimit !== null && this.written + bytes.length >= this.resetLimit) {
      accepted = bytes.subarray(0, this.resetLimit - this.written)
    }
    if (accepted.length > 0) {
      this.chunks.push(accepted.slice())
      this.written += accepted.length
      if (this.readLimit === null) this.consumed = this.written
      for (const watcher of this.watchers) watcher(accepted)
    }
    if (this.resetLimit !== null && this.written >= this.resetLimit) {
      this.resetNow()
      return
    }
    if (this.readLimit !== null && this.written - this.consumed >= this.readLimit) {
      return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }))
    }
  }

  private finish(abort: boolean): void {
    this.context.onActivity()
    if (abort) this.aborted = true
    if (this.closed) return
    this.closed = true
    this.stopTrickles()
    this.wakeReader()
    const error = abort ? new Error('connection aborted') : null
    for (const w of this.drainWaiters.splice(0)) (error === null ? w.resolve() : w.reject(error))
    this.notify(null)
  }

  private resetNow(): void {
    if (this.reset) return
    this.reset = true
    this.context.onActivity()
    this.stopTrickles()
    const waiter = this.readWaiter
    this.readWaiter = null
    waiter?.reject(resetError())
    for (const w of this.drainWaiters.splice(0)) w.reject(resetError())
    this.notify(null)
  }

  private deliver(chunk: Uint8Array): void {
    this.context.onActivity()
    const waiter = this.readWaiter
    if (waiter === null) return void this.incoming.push(chunk)
    this.readWaiter = null
    waiter.resolve(chunk)
  }

  /** A pending engine read sees EOF (client ended, or the server closed itself). */
  private wakeReader(): void {
    const waiter = this.readWaiter
    if (waiter === null || this.incoming.length > 0) return
    this.readWaiter = null
    waiter.resolve(null)
  }

  private releaseWriters(): void {
    this.context.onActivity()
    for (const w of this.drainWaiters.splice(0)) w.resolve()
  }

  private stopTrickles(): void {
    for (const id of this.trickles) this.context.clock.clearInterval(id)
    this.trickles.clear()
  }

  private notify(chunk: Uint8Array | null): void {
    for (const watcher of this.watchers) watcher(chunk)
  }
}
