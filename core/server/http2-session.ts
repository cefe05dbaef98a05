/**
 * One HTTP/2 connection (RFC 9113), after the connection loop has recognised it (ALPN `h2`,
 * or the client preface on a cleartext port): read → h2 engine → one exchange per stream,
 * the same `runExchange()` that HTTP/1.1 requests go through, and the engine's frames → write.
 * The session owns the transport from the hand-off to the end.
 *
 * Invariants:
 * - One read in flight at a time, and none while the socket is backed up: a client that does
 *   not read its responses stops being read, so the control frames it makes us answer (PING,
 *   SETTINGS) cannot pile up beyond the engine's bound.
 * - Frames queued while the events of one read are dispatched, and those queued by the apps
 *   answering within the same turn, leave together as one write (one writev).
 * - Memory: request bodies are bounded by the receive windows (bytes are consumed when the app
 *   reads them), responses by one chunk per stream (the writer waits for the send window and
 *   for the socket), running handlers by `maxConcurrentStreams` (twice that with streams the
 *   client reset while their handler still ran; beyond it new streams are refused).
 * - Time comes from the server's sweep (`checkDeadline`): our SETTINGS must be acknowledged,
 *   a connection without streams closes after `keepAliveTimeout`, a request body must arrive
 *   within `requestTimeout`, a response stalled on a closed window is reset after `STALL_MS`.
 * @module
 */
import type { LocalAddress } from '../fetch/request-url.ts'
import { concatBytes } from '../http/ascii.ts'
import { Http2Connection } from '../http2/connection.ts'
import type { Http2Event, Http2RequestEvent } from '../http2/events.ts'
import { ErrorCode } from '../http2/frame-types.ts'
import type { ConnectionInfo } from './connection-info.ts'
import { runExchange, type ExchangeHead } from './exchange.ts'
import { Http2Stream, type StreamHost } from './http2-stream.ts'
import { lingeringClose, STALL_MS } from './linger.ts'
import type { ServerSettings } from './settings.ts'
import type { Transport } from './transport.ts'
import { CLOSED } from './write-batch.ts'

/** How long the client has to acknowledge our SETTINGS (RFC 9113 §6.5.3) before SETTINGS_TIMEOUT. */
const SETTINGS_ACK_TIMEOUT_MS = 10_000

/** See the module comment. */
export class Http2Session implements StreamHost {
  readonly conn: Http2Connection
  readonly info: ConnectionInfo
  readonly trustsPeer: boolean
  private readonly settings: ServerSettings
  private readonly transport: Transport
  private readonly onEnd: () => void
  /** Streams whose exchange is running, by id. */
  private readonly streams = new Map<number, Http2Stream>()
  private ended = false
  /** The read in flight, if any (a lingering close must reuse it). */
  private reading: Promise<Uint8Array | null> | null = null
  /** The socket's backpressure: settles once the transport has taken what was written. */
  private writing: Promise<void> | null = null
  private flushQueued = false
  /** Server-clock deadlines; 0: none. */
  private settingsDue = 0
  private idleDue = 0

  constructor(settings: ServerSettings, transport: Transport, info: ConnectionInfo, trustsPeer: boolean, onEnd: () => void) {
    this.settings = settings
    this.transport = transport
    this.info = info
    this.trustsPeer = trustsPeer
    this.onEnd = onEnd
    this.conn = new Http2Connection({ limits: settings.http2 ?? undefined })
  }

  get local(): LocalAddress {
    return this.transport
  }

  now(): number {
    return this.settings.runtime.now()
  }

  /** Serves the connection; `first` holds the bytes already read (the start of the preface). */
  async run(first: Uint8Array): Promise<void> {
    const conn = this.conn
    conn.initiate()
    const now = this.now()
    this.settingsDue = now + SETTINGS_ACK_TIMEOUT_MS
    this.idleSince(now)
    try {
      let chunk: Uint8Array | null = first
      for (;;) {
        if (chunk.length > 0) this.dispatch(conn.receive(chunk))
        const pending = this.flush()
        if (this.ended || conn.isDone) break
        // The client does not take what we send: read nothing more from it until it does.
        if (pending !== undefined) await pending
        if (this.ended) break
        const read: Promise<Uint8Array | null> = (this.reading = this.transport.read())
        chunk = await read.catch(() => null)
        this.reading = null
        if (chunk === null || this.ended) break
      }
    } catch (error) {
      if (error !== CLOSED) this.settings.log('HTTP/2 connection failed', error)
    } finally {
      this.close()
    }
  }

  private dispatch(events: Http2Event[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'request':
          this.startExchange(event)
          break
        case 'data': {
          const stream = this.streams.get(event.streamId)
          // The exchange is over: nobody reads these bytes, but the windows must reopen.
          if (stream === undefined) this.conn.consume(event.streamId, event.bytes.length)
          else stream.received(event.bytes, event.endStream)
          break
        }
        case 'trailers':
          this.streams.get(event.streamId)?.trailersReceived()
          break
        case 'stream-reset':
          this.streams.get(event.streamId)?.reset()
          break
        case 'window-update':
          if (event.streamId === 0) for (const stream of this.streams.values()) stream.windowOpened()
          else this.streams.get(event.streamId)?.windowOpened()
          break
        case 'settings-acked':
          this.settingsDue = 0
          break
        case 'goaway':
        case 'connection-error':
          // The engine is done with the connection or will be once its streams end (isDone).
          break
      }
    }
  }

  private startExchange(event: Http2RequestEvent): void {
    const limits = this.conn.limits
    // Handlers of streams the client reset still run; past this many, refuse rather than queue.
    if (this.streams.size >= 2 * Math.max(limits.maxConcurrentStreams, 1)) {
      this.conn.reset(event.streamId, ErrorCode.REFUSED_STREAM)
      return
    }
    const now = this.now()
    const stream = new Http2Stream(this, event.streamId, event.method, event.endStream, now)
    this.streams.set(event.streamId, stream)
    this.idleDue = 0
    const head: ExchangeHead = {
      method: event.method,
      target: event.path,
      version: '2',
      headers: withHost(event.headers, event.authority),
      hasBody: !event.endStream,
    }
    let running: void | Promise<void>
    try {
      running = runExchange(stream, head, this.settings)
    } catch (error) {
      this.exchangeFailed(stream, error)
      return
    }
    if (running === undefined) this.exchangeDone(stream)
    else running.then(() => this.exchangeDone(stream), (error: unknown) => this.exchangeFailed(stream, error))
  }

  private exchangeFailed(stream: Http2Stream, error: unknown): void {
    if (error !== CLOSED) this.settings.log('HTTP/2 stream failed', error)
    stream.fail()
    this.exchangeDone(stream)
  }

  private exchangeDone(stream: Http2Stream): void {
    stream.finish()
    this.streams.delete(stream.id)
    if (this.streams.size === 0) this.idleSince(this.now())
    void this.output()
  }

  private idleSince(now: number): void {
    const timeout = this.settings.keepAliveTimeout
    this.idleDue = timeout > 0 ? now + timeout : 0
  }

  /** StreamHost: frames were queued; they leave at the end of this turn. */
  output(): Promise<void> | void {
    if (!this.flushQueued && !this.ended) {
      this.flushQueued = true
      queueMicrotask(this.flushTask)
    }
    return this.writing ?? undefined
  }

  private readonly flushTask = (): void => {
    this.flushQueued = false
    void this.flush()
    if (this.conn.isDone) this.close()
  }

  /** Writes what the engine has queued, as one write; returns the socket's backpressure, if any. */
  private flush(): Promise<void> | void {
    if (this.ended) return
    if (this.conn.outputBytes === 0) return this.writing ?? undefined
    const parts = coalesce(this.conn.takeOutput())
    const transport = this.transport
    let pending: Promise<void> | void
    try {
      pending = parts.length === 1
        ? transport.write(parts[0]!)
        : transport.writeMany === undefined
        ? transport.write(concatBytes(parts))
        : transport.writeMany(parts)
    } catch {
      return this.close(true)
    }
    if (pending === undefined) {
      this.writing = null
      return
    }
    const settled: Promise<void> = pending.then(
      () => {
        if (this.writing === settled) this.writing = null
      },
      () => this.close(true),
    )
    return (this.writing = settled)
  }

  /** Graceful shutdown (the server is closing): two-phase GOAWAY, open streams finish. */
  goingAway(): void {
    if (this.ended) return
    this.conn.shutdown()
    void this.output()
  }

  /**
   * The shutdown delay: a balancer is taking the server out of rotation. GOAWAY tells the
   * client to open its next requests elsewhere while these finish.
   */
  drain(): void {
    this.goingAway()
  }

  /** Forced shutdown. */
  terminate(): void {
    if (this.ended) return
    this.conn.fail(ErrorCode.NO_ERROR)
    void this.flush()
    this.close(true)
  }

  /** Called by the server's sweep timer. */
  checkDeadline(now: number): void {
    if (this.ended) return
    const conn = this.conn
    if (this.settingsDue !== 0 && now >= this.settingsDue && conn.awaitingSettingsAck) {
      conn.fail(ErrorCode.SETTINGS_TIMEOUT)
      return this.close()
    }
    if (this.idleDue !== 0 && now >= this.idleDue) {
      // No stream for keepAliveTimeout (or a shutdown whose PING was never answered).
      conn.fail(ErrorCode.NO_ERROR)
      return this.close()
    }
    const requestTimeout = this.settings.requestTimeout
    for (const stream of this.streams.values()) {
      const late = requestTimeout > 0 && stream.receiving && now - stream.started >= requestTimeout
      const stalled = stream.stalledSince !== 0 && now - stream.stalledSince >= STALL_MS
      if (late || stalled) {
        conn.reset(stream.id, ErrorCode.CANCEL)
        stream.reset()
      }
    }
    void this.output()
  }

  /** Ends the connection: what is queued leaves (unless `force`), then a lingering close. */
  private close(force = false): void {
    if (this.ended) return
    if (!force) void this.flush()
    this.ended = true
    for (const stream of this.streams.values()) stream.reset()
    if (force) this.transport.abort()
    else lingeringClose(this.transport, this.settings.runtime.timers, this.reading)
    this.onEnd()
  }
}

/** Parts at least this big are written as they are (writev); smaller runs are copied into one. */
const COPY_BELOW = 4096

/**
 * The engine's frames for one write: runs of small parts (frame headers, HEADERS blocks,
 * small bodies: a hundred responses make hundreds of them) joined into one buffer, since
 * copying a few KiB costs less than a gathered write of hundreds of pieces; large bodies
 * stay where they are.
 */
function coalesce(parts: Uint8Array[]): Uint8Array[] {
  if (parts.length <= 2) return parts
  const out: Uint8Array[] = []
  let run: Uint8Array[] = []
  let runBytes = 0
  const endRun = (): void => {
    if (run.length === 1) out.push(run[0]!)
    else if (run.length > 1) out.push(concatBytes(run))
    run = []
    runBytes = 0
  }
  for (const part of parts) {
    if (part.length >= COPY_BELOW) {
      endRun()
      out.push(part)
    } else {
      run.push(part)
      if ((runBytes += part.length) >= 64 * 1024) endRun()
    }
  }
  endRun()
  return out
}

/**
 * The request's fields with `host` from `:authority` (RFC 9113 §8.3.1: it replaces Host), so
 * that URL building and apps find the host where HTTP/1.1 puts it.
 */
function withHost(headers: string[], authority: string | undefined): string[] {
  if (authority === undefined) return headers
  const out = ['host', authority]
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== 'host') out.push(headers[i]!, headers[i + 1]!)
  }
  return out
}
