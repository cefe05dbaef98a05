/**
 * One connection, from accept to close: read → engine → exchange → write. The dispatcher of
 * the HTTP/1.1 engine's events (hyper's `conn.rs`, uvicorn's `H11Protocol`); the
 * request/response cycle itself is `exchange.ts`, response framing `http1-sink.ts`.
 *
 * States (`LoopState`): 'preamble' (PROXY header) → 'waiting' (for a request head) →
 * 'exchange' (the app runs, its response is written) → 'draining' (an unread body is
 * discarded) → 'waiting' … → 'closed'; or 'handed-over': a session owns the transport until
 * it ends — a WebSocket after a 101, or HTTP/2 when TLS agreed on `h2` or the first bytes are
 * the HTTP/2 connection preface (h2c with prior knowledge, RFC 9113 §3.3).
 *
 * Invariants:
 * - `Connection.next()` is called in one place, `pull()`; its protocol errors are kept in
 *   `failure` so that a body read by the app and the loop see the same one.
 * - At most one `transport.read()` is in flight (`pendingRead`). While the app runs and the
 *   request body is complete, one read is kept pending: its EOF or error means the client
 *   left, and `request.signal` aborts (Go's background read).
 * - A request whose buffered bytes already show a broken body never reaches the app: it is
 *   answered with its error status and the connection closes.
 * - Errors become bytes in one way: an error `Response` written through the sink.
 * @module
 */
import { errorResponse } from '../fetch/error-response.ts'
import { abortRequest, type LightRequest } from '../fetch/light-request.ts'
import type { UpgradeOptions } from '../fetch/websocket-api.ts'
import { Connection } from '../http1/connection.ts'
import { RemoteProtocolError } from '../http1/errors.ts'
import { NEED_DATA, PAUSED, type RequestEvent, type ServerEvent } from '../http1/events.ts'
import { isTrustedProxy } from '../proxy/ip-address.ts'
import { ConnectionInfo, type Upgrader } from './connection-info.ts'
import { Deadline } from './deadlines.ts'
import { failureResponse, runExchange, type ExchangeStream, type RequestFailure } from './exchange.ts'
import { Http1Body, type BodyHost } from './http1-body.ts'
import { Http1Sink } from './http1-sink.ts'
import { BatchedWriter, CLOSED, type WriterHost } from './write-batch.ts'
import { lingeringClose } from './linger.ts'
import { sniffProtocol } from './protocol-sniff.ts'
import { readProxyPreamble } from './proxy-preamble.ts'
import { writeResponse } from './response-writer.ts'
import type { ServerSettings } from './settings.ts'
import type { Transport } from './transport.ts'
import { prepareUpgrade, startSession, type PreparedUpgrade } from './upgrade.ts'
import { Http2Session } from './http2-session.ts'

/** Where a connection is in its life; see the module comment. */
export type LoopState = 'preamble' | 'waiting' | 'exchange' | 'draining' | 'handed-over' | 'closed'

/** A protocol that took the transport over: a WebSocket after its 101, an HTTP/2 connection. */
export interface ConnectionSession {
  /** Graceful shutdown: finish what is in flight, then close. */
  goingAway(): void
  /** The shutdown delay began: steer the client's next requests elsewhere. */
  drain?(): void
  /** Forced shutdown. */
  terminate(): void
  /** Called by the server's sweep timer. */
  checkDeadline(now: number): void
}

/** During a graceful close, how long a connection that never sent a request may still send one. */
const FIRST_REQUEST_GRACE_MS = 1000
const EMPTY = new Uint8Array(0)

/** A connection being served. */
export class ConnectionLoop implements ExchangeStream, Upgrader, BodyHost, WriterHost {
  /** Called once, when the connection has ended. */
  onClosed: (() => void) | null = null
  readonly deadline: Deadline = new Deadline()
  readonly sink: Http1Sink
  failure: RequestFailure | null = null
  info: ConnectionInfo
  trustsPeer = false
  private state: LoopState = 'preamble'
  readonly conn: Connection
  private readonly settings: ServerSettings
  private readonly transport: Transport
  private pendingRead: Promise<Uint8Array | null> | null = null
  /** Bytes read before the protocol is known (after a PROXY header). */
  private early: Uint8Array = EMPTY
  /** When the current request head started arriving (0: not yet), and when its exchange began. */
  private headStart: number
  private requestStart = 0
  private served = 0
  /** The request being answered; its signal aborts if the client leaves. */
  private request: LightRequest | null = null
  /** The request body, as the app reads it. */
  readonly body: Http1Body = new Http1Body(this)
  /** The request being answered, as the engine gave it (for `upgrade()`). */
  private event: RequestEvent | null = null
  /** Set by `upgrade()`: the 101 to send once the app returns. */
  private pendingUpgrade: PreparedUpgrade | null = null
  private session: ConnectionSession | null = null
  /** shutdown() or drain() came before the hand-off: the session starts with it. */
  private closing: 'shutdown' | 'drain' | null = null
  /** The way to the socket; gathers what one read's requests are answered with. */
  private readonly output: BatchedWriter

  constructor(settings: ServerSettings, transport: Transport) {
    this.settings = settings
    this.transport = transport
    this.conn = new Connection({ limits: settings.limits, clock: settings.runtime.now })
    this.output = new BatchedWriter(transport, this)
    this.sink = new Http1Sink(this.conn, this.output)
    this.info = new ConnectionInfo(transport, settings.unix, this, settings.topics)
    this.headStart = settings.runtime.now()
    void this.run()
  }

  get local(): Transport {
    return this.transport
  }

  get isClosed(): boolean {
    return this.state === 'closed'
  }

  /** A WebSocket session owns the transport. */
  get isUpgraded(): boolean {
    return this.state === 'handed-over'
  }

  /** Graceful shutdown: close now if idle, else after the current response. */
  shutdown(): void {
    if (this.session !== null) return this.session.goingAway()
    this.closing = 'shutdown'
    this.conn.disableKeepAlive()
    const busy = this.state === 'exchange' || this.state === 'draining'
    if (busy || this.conn.clientState !== 'idle' || this.conn.bufferedBytes > 0) return
    if (this.served > 0) return this.close()
    // A connection that has not sent a request yet may have one on the way (a client that
    // connected just before the close): give it a moment to arrive rather than a reset.
    this.deadline.set('idle', this.settings.runtime.now(), FIRST_REQUEST_GRACE_MS)
  }

  /**
   * A graceful close is coming (the shutdown delay): the next response closes the connection.
   * An idle connection stays open until then, since a balancer may still send on it.
   */
  drain(): void {
    if (this.session !== null) return this.session.drain?.()
    this.closing ??= 'drain'
    this.conn.disableKeepAlive()
  }

  /** Forced shutdown. */
  destroy(): void {
    if (this.session !== null) return this.session.terminate()
    this.close(true)
  }

  /** Called by the server's sweep timer. */
  checkDeadline(now: number): void {
    if (this.session !== null) return this.session.checkDeadline(now)
    if (!this.deadline.isDue(now) || this.state === 'closed') return
    const kind = this.deadline.kind
    const busy = this.state === 'exchange'
    if (kind === 'idle' || kind === 'proxy' || busy) return this.close(busy)
    // RFC 9110 §15.5.9: 408 for a request that did not arrive in time.
    const server = this.conn.serverState
    if ((server === 'idle' || server === 'send-response') && (kind === 'body' || this.conn.bufferedBytes > 0 || this.served === 0)) {
      this.respondWithError(errorResponse(408))
    }
    this.close()
  }

  private async run(): Promise<void> {
    try {
      if (this.settings.proxyProtocol && !(await this.readPreamble())) return
      const trusted = this.settings.trustedProxies
      this.trustsPeer = trusted !== null && isTrustedProxy(trusted, this.info.remoteAddress)
      this.state = 'waiting'
      if (await this.startsHttp2()) return
      // What the first read brought is answered in one write, as after every later read.
      this.output.cork()
      for (;;) {
        const event = this.pull()
        if (event === NEED_DATA) {
          // Everything answered from this read leaves now, in one write (pipelining).
          const flushed = this.output.uncork()
          if (flushed !== undefined) await flushed
          await this.fill()
          this.output.cork()
        } else if (event === PAUSED || event.type === 'closed') {
          return
        } else if (event.type === 'request') {
          // Each wait is an await of the exchange's own promise: one turn, no wrapper. A wait
          // that outlasts a few turns sends what is gathered meanwhile (write-batch.ts).
          const running = this.dispatch(event)
          if (running !== undefined) {
            this.output.waitStarted()
            await running
            const flushed = this.output.waitEnded()
            if (flushed !== undefined) await flushed
          }
          const drained = this.afterExchange()
          if (drained !== undefined) {
            this.output.waitStarted()
            await drained
            const flushed = this.output.waitEnded()
            if (flushed !== undefined) await flushed
          }
          if (this.isClosed || this.isUpgraded || !this.conn.keepAlive) return
        }
      }
    } catch (error) {
      if (error instanceof RemoteProtocolError) await this.respondWithError(failureResponse(error))
      else if (error !== CLOSED) this.settings.log('connection failed', error)
    } finally {
      if (this.state !== 'handed-over') {
        // Not awaited: closeWrite() sends what is queued before the FIN.
        void this.output.uncork()?.catch(() => {})
        this.close()
      }
    }
  }

  private async readPreamble(): Promise<boolean> {
    if (!isTrustedProxy(this.settings.trustedProxies!, this.transport.remoteAddress)) return false
    // Spec §2: "The receiver may apply a short timeout"; headersTimeout covers it, and
    // expiry closes silently: there is no HTTP peer yet to send a 408 to.
    this.deadline.set('proxy', this.headStart, this.settings.headersTimeout)
    const preamble = await readProxyPreamble(this.transport, () => this.state === 'closed')
    this.deadline.clear()
    if (preamble === null) return false
    if (preamble.peer !== null) this.info = this.info.withAddresses(preamble.peer, preamble.unix)
    this.early = preamble.rest
    return true
  }

  /**
   * HTTP/2 by ALPN or by its preface (`protocol-sniff.ts`): hands the transport to an
   * `Http2Session` and returns true. Otherwise the bytes read go to the HTTP/1.1 engine.
   */
  private async startsHttp2(): Promise<boolean> {
    const early = this.early
    this.early = EMPTY
    const sniffed = await sniffProtocol(this.transport.alpnProtocol, this.settings.http2 !== null, early, () => this.readFirst())
    if (sniffed.protocol === 'http/1.1') {
      if (sniffed.bytes.length > 0) this.conn.receive(sniffed.bytes)
      if (sniffed.eof) this.conn.receive(EMPTY)
      return false
    }
    this.state = 'handed-over'
    this.deadline.clear()
    const session = new Http2Session(this.settings, this.transport, this.info, this.trustsPeer, () => {
      this.state = 'closed'
      this.onClosed?.()
    })
    this.session = session
    if (this.closing === 'shutdown') session.goingAway()
    else if (this.closing === 'drain') session.drain()
    void session.run(sniffed.bytes)
    return true
  }

  /** A read before the first request, under the headers deadline (a slowloris guard). */
  private async readFirst(): Promise<Uint8Array | null> {
    if (this.headStart === 0) this.headStart = this.settings.runtime.now()
    this.deadline.set('headers', this.headStart, this.settings.headersTimeout)
    let chunk: Uint8Array | null
    try {
      chunk = await this.transport.read()
    } catch {
      chunk = null
    }
    this.deadline.clear()
    if (this.state === 'closed') throw CLOSED
    return chunk
  }

  /** The engine's next event: the one place that calls `Connection.next()`. */
  pull(): ServerEvent | typeof NEED_DATA | typeof PAUSED {
    try {
      return this.conn.next()
    } catch (error) {
      if (error instanceof RemoteProtocolError) {
        this.failure = error
        if (error.code === 'unexpected-eof' && this.request !== null) abortRequest(this.request)
      }
      throw error
    }
  }

  /** Reads once into the engine; sets the deadline that applies to this wait. */
  async fill(): Promise<void> {
    const settings = this.settings
    if (this.conn.clientState === 'send-body') {
      this.deadline.set('body', this.requestStart, settings.requestTimeout)
    } else if (this.served > 0 && this.conn.bufferedBytes === 0) {
      this.deadline.set('idle', settings.runtime.now(), settings.keepAliveTimeout)
      this.headStart = 0
    } else {
      if (this.headStart === 0) this.headStart = settings.runtime.now()
      this.deadline.set('headers', this.headStart, settings.headersTimeout)
    }
    const read = this.pendingRead ?? this.transport.read()
    this.pendingRead = null
    let chunk: Uint8Array | null
    try {
      chunk = await read
    } catch {
      chunk = null
    }
    this.deadline.clear()
    if (this.state === 'closed') throw CLOSED
    this.conn.receive(chunk ?? EMPTY)
  }

  /**
   * One request: checked and handed to the exchange. Returns a promise only when something
   * must be waited for (an async app, backpressure, a body); `afterExchange()` follows.
   */
  private dispatch(event: RequestEvent): void | Promise<void> {
    this.state = 'exchange'
    this.requestStart = this.headStart === 0 ? this.settings.runtime.now() : this.headStart
    this.headStart = 0
    this.failure = null
    this.event = event
    this.body.reset(event.contentLength)
    // A body whose buffered bytes already break the framing is known to be malformed:
    // answer its error now instead of letting the app see the start of it (a RemoteProtocolError
    // thrown here goes to run()'s error response). Only what has arrived is read.
    if (!this.body.complete && this.conn.bufferedBytes > 0) this.body.prefetch()
    return runExchange(this, {
      method: event.method,
      target: event.target,
      version: event.version,
      headers: event.headers,
      hasBody: event.contentLength !== 0,
    }, this.settings)
  }

  /** The exchange has ended: an unread body is drained (a promise if it must be read first). */
  private afterExchange(): void | Promise<void> {
    this.event = null
    this.body.reset(0)
    if (this.isUpgraded) return
    this.request = null
    if (this.isClosed) return
    this.served++
    const drained = this.conn.clientState === 'send-body' ? this.drainBody() : undefined
    if (drained !== undefined) return drained.then(() => this.doneWaiting())
    this.doneWaiting()
  }

  private doneWaiting(): void {
    if (!this.isClosed) this.state = 'waiting'
  }

  /** Upgrader: the app asked to turn the current request into a WebSocket. */
  upgrade(request: Request, options: UpgradeOptions<unknown> | undefined): boolean {
    const event = this.event
    if (event === null || this.pendingUpgrade !== null || (request as unknown) !== this.request) return false
    const prepared = prepareUpgrade(event, options, this.settings)
    if (prepared === null) return false
    this.pendingUpgrade = prepared
    return true
  }

  get upgrading(): boolean {
    return this.pendingUpgrade !== null
  }

  /** ExchangeStream: the 101, then the WebSocket session takes the transport. */
  async switchProtocols(): Promise<void> {
    const prepared = this.pendingUpgrade!
    this.pendingUpgrade = null
    // The request's empty body ends before the switch (its end event may not be read yet).
    while (this.conn.clientState === 'send-body') this.pull()
    const head = this.conn.send({ type: 'response', status: 101, headers: prepared.headers })
    this.state = 'handed-over'
    this.deadline.clear()
    const pendingRead = this.pendingRead
    this.pendingRead = null
    const rest = this.conn.takeTrailingData()
    // The 101 leaves after any response gathered before it, and before the session's first frame.
    this.output.cork()
    void this.output.write(head)
    const flushed = this.output.uncork()
    if (flushed !== undefined) await flushed
    const request = this.request
    this.session = startSession(prepared, {
      settings: this.settings,
      transport: this.transport,
      rest,
      pendingRead,
      remoteAddress: this.info.remoteAddress ?? '',
      onEnd: () => {
        if (request !== null) abortRequest(request)
        this.state = 'closed'
        this.onClosed?.()
      },
    })
  }

  /** ExchangeStream: the request the app is answering. */
  attach(request: LightRequest, bodyComplete: boolean): void {
    this.request = request
    if (bodyComplete || this.body.complete) this.watchForDisconnect(request)
  }

  /** BodyHost: the body has ended; watch for the client leaving while the app runs. */
  bodyEnded(): void {
    if (this.request !== null) this.watchForDisconnect(this.request)
  }

  /** Keeps one read pending while the app runs: EOF or a reset means the client left. */
  private watchForDisconnect(request: LightRequest): void {
    if (this.pendingRead !== null || this.state === 'closed') return
    const read = this.transport.read()
    this.pendingRead = read
    read.then(
      (chunk) => {
        if (chunk === null && this.request === request) abortRequest(request)
      },
      () => {
        if (this.request === request) abortRequest(request)
      },
    )
  }

  /**
   * Discards a body the app did not read, up to `maxDrainBytes`; beyond that, closes.
   * Synchronous while the body's bytes are buffered (a GET's empty body, always).
   */
  private drainBody(budget: number = this.settings.maxDrainBytes): void | Promise<void> {
    if (!this.conn.keepAlive) return
    this.state = 'draining'
    try {
      for (;;) {
        const event = this.pull()
        if (event === NEED_DATA) return this.fill().then(() => this.drainBody(budget), (error: unknown) => this.drainFailed(error))
        if (event === PAUSED || event.type !== 'data') return
        if ((budget -= event.bytes.length) < 0) return this.conn.disableKeepAlive()
      }
    } catch (error) {
      this.drainFailed(error)
    }
  }

  private drainFailed(error: unknown): void {
    if (error !== CLOSED) this.conn.disableKeepAlive()
  }

  /** An error response of our own (a protocol error, a timeout); the connection then closes. */
  private respondWithError(response: Response): void | Promise<void> {
    const state = this.conn.serverState
    if (this.state === 'closed' || (state !== 'idle' && state !== 'send-response')) return
    try {
      const written = writeResponse(response, this.conn.currentRequest?.method ?? 'GET', this.sink, this.settings.log)
      // Not awaited by a timeout: the connection closes either way, and a failed write
      // (the client is gone) must not become an unhandled rejection.
      if (typeof written !== 'number') return written.then(() => {}, () => {})
    } catch {
      // The client is gone; nothing to tell it.
    }
  }

  /** WriterHost and Http1Output: end the connection at once. */
  abort(): void {
    this.close(true)
  }

  /** BodyHost: writes go through the batch. */
  write(bytes: Uint8Array): Promise<void> | void {
    return this.output.write(bytes)
  }

  private close(force = false): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.deadline.clear()
    if (this.request !== null) abortRequest(this.request)
    if (force) this.transport.abort()
    else lingeringClose(this.transport, this.settings.runtime.timers, this.pendingRead)
    // Ended once closed, even if a hung app never returns (its signal has been aborted).
    this.onClosed?.()
  }
}

