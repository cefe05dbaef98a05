/**
 * One connection's loop: read → Connection → gateway → app → gateway → write, until the
 * connection ends. The only async protocol code in core; it reaches I/O only through the
 * `Transport` and time only through the server's clock.
 *
 * Invariants:
 * - At most one `transport.read()` is in flight (`pendingRead`).
 * - While the app runs and the request body is complete, one read is kept pending: its EOF
 *   or error means the client left, and `request.signal` aborts (Go's background read).
 * - A protocol error from the client becomes its status response, then the connection
 *   closes; an app error becomes a 500; a body that fails mid-way aborts the connection,
 *   so the client sees a truncated response, never a complete-looking one.
 * @module
 */
import { concatBytes } from '../http1/ascii.ts'
import { Connection } from '../http1/connection.ts'
import { ERROR_STATUS_TEXT, RemoteProtocolError } from '../http1/errors.ts'
import { NEED_DATA, PAUSED, type RequestEvent } from '../http1/events.ts'
import { abortRequest, LightRequest, type BodySource } from '../fetch/light-request.ts'
import { responseParts, type ResponseParts } from '../fetch/light-response.ts'
import {
  isForbiddenMethod,
  fromHeaders,
  plainResponse,
  probeBody,
  requestUrl,
  serveInfo,
  transportInfo,
  toBytes,
} from '../fetch/gateway.ts'
import { getHeader } from '../http1/fields.ts'
import type { FetchHandler, ServeInfo, ServeOptions } from './options.ts'
import { resolveForwarded, type ForwardedHeaders } from '../proxy/forwarded.ts'
import { isTrustedProxy, type TrustedProxies } from '../proxy/ip-address.ts'
import { parseProxyHeader } from '../proxy/proxy-protocol.ts'
import { STATUS_TEXT } from '../http1/status.ts'
import type { Runtime, Transport } from './transport.ts'

/** Options with every default filled in, shared by all connections of a server. */
export interface ConnectionSettings {
  handler: FetchHandler
  options: ServeOptions
  runtime: Runtime
  scheme: 'http' | 'https'
  unix: boolean
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  maxDrainBytes: number
  log: (message: string, error?: unknown) => void
  /** Compiled `trustProxy`; null = trust nobody. */
  trustedProxies: TrustedProxies | null
  proxyProtocol: boolean
  forwardedHeaders: ForwardedHeaders
}

/** Thrown inside the loop to unwind once the connection has been closed from outside. */
const CLOSED = Symbol('closed')
/** During a graceful close, how long a connection that never sent a request may still send one. */
const FIRST_REQUEST_GRACE_MS = 1000
const EMPTY = new Uint8Array(0)
const encoder = new TextEncoder()

type DeadlineKind = 'none' | 'idle' | 'proxy' | 'headers' | 'body'

/** A connection being served. */
export class ServedConnection {
  /** Called once, when the connection has ended. */
  onClosed: (() => void) | null = null
  /** Deadline in ms (server clock) for the current wait, 0 for none. */
  deadline = 0
  private deadlineKind: DeadlineKind = 'none'
  private readonly conn: Connection
  private readonly settings: ConnectionSettings
  private readonly transport: Transport
  /** Replaced once if a PROXY header names the real client. */
  private info: ServeInfo
  /** The peer (after PROXY) is in trustProxy: its forwarding headers are believed. */
  private trustsPeer = false
  private pendingRead: Promise<Uint8Array | null> | null = null
  private headStart: number
  private requestStart = 0
  private served = 0
  private busy = false
  private closed = false
  /** The request being answered; its signal aborts if the client leaves. */
  private request: LightRequest | null = null
  private bodyDone = true
  private clientError: RemoteProtocolError | null = null

  constructor(settings: ConnectionSettings, transport: Transport) {
    this.settings = settings
    this.transport = transport
    this.conn = new Connection({ limits: settings.options.limits, clock: settings.runtime.now })
    this.info = transportInfo(transport, settings.unix)
    this.headStart = settings.runtime.now()
    void this.run()
  }

  /** Graceful shutdown: close now if idle, else after the current response. */
  shutdown(): void {
    this.conn.disableKeepAlive()
    if (this.busy || this.conn.clientState !== 'idle' || this.conn.bufferedBytes > 0) return
    if (this.served > 0) return this.close()
    // A connection that has not sent a request yet may have one on the way (a client that
    // connected just before the close): give it a moment to arrive rather than a reset.
    this.setDeadline('idle', this.settings.runtime.now(), FIRST_REQUEST_GRACE_MS)
  }

  /** Forced shutdown. */
  destroy(): void {
    this.close(true)
  }

  /** Called by the server's sweep timer. */
  checkDeadline(now: number): void {
    if (this.deadline === 0 || now < this.deadline || this.closed) return
    const kind = this.deadlineKind
    if (kind === 'idle' || kind === 'proxy' || this.busy) return this.close(this.busy)
    // RFC 9110 §15.5.9: 408 for a request that did not arrive in time.
    const state = this.conn.serverState
    if ((state === 'idle' || state === 'send-response') && (kind === 'body' || this.conn.bufferedBytes > 0 || this.served === 0)) {
      try {
        // Not awaited: the connection closes either way; a failed write must not go unhandled.
        void this.transport.write(this.errorBytes(408, 'Request Timeout'))?.catch(() => {})
      } catch {
        // The peer is gone; closing is all that is left.
      }
    }
    this.close()
  }

  private async run(): Promise<void> {
    try {
      if (this.settings.proxyProtocol && !(await this.readProxyHeader())) return
      const trusted = this.settings.trustedProxies
      this.trustsPeer = trusted !== null && isTrustedProxy(trusted, this.info.remoteAddress)
      for (;;) {
        const event = this.conn.next()
        if (event === NEED_DATA) {
          await this.fill()
        } else if (event === PAUSED || event.type === 'closed') {
          return
        } else if (event.type === 'request') {
          await this.exchange(event)
          if (this.closed || !this.conn.keepAlive) return
        }
      }
    } catch (error) {
      if (error instanceof RemoteProtocolError) await this.sendError(error)
      else if (error !== CLOSED) this.settings.log('connection failed', error)
    } finally {
      this.close()
    }
  }

  /**
   * PROXY protocol, before any HTTP and only from a trusted peer. The spec forbids guessing,
   * so an untrusted peer, a missing or a malformed header closes the connection unanswered.
   * The header's source replaces the peer address; bytes after it go to the engine.
   */
  private async readProxyHeader(): Promise<boolean> {
    if (!isTrustedProxy(this.settings.trustedProxies!, this.transport.remoteAddress)) return false
    // Spec §2: "The receiver may apply a short timeout"; headersTimeout covers it, and
    // expiry closes silently: there is no HTTP peer yet to send a 408 to.
    this.setDeadline('proxy', this.headStart, this.settings.headersTimeout)
    let buffered: Uint8Array = EMPTY
    try {
      for (;;) {
        const chunk = await this.transport.read()
        if (this.closed || chunk === null) return false
        buffered = buffered.length === 0 ? chunk : concatBytes([buffered, chunk])
        const result = parseProxyHeader(buffered)
        if (!result.done) continue
        this.setDeadline('none', 0, 0)
        const info = result.info
        if (info.proxied) {
          const { source, destination } = info
          this.info = serveInfo(source.address, source.port, destination.address, destination.port, info.family === 'unix')
        }
        if (result.consumed < buffered.length) this.conn.receive(buffered.subarray(result.consumed))
        return true
      }
    } catch {
      // ParseError('invalid-proxy-header') or a reset: nothing to answer.
      return false
    }
  }

  /** Reads once into the engine; sets the deadline that applies to this wait. */
  private async fill(): Promise<void> {
    const now = this.settings.runtime.now()
    if (this.conn.clientState === 'send-body') {
      this.setDeadline('body', this.requestStart, this.settings.requestTimeout)
    } else if (this.served > 0 && this.conn.bufferedBytes === 0) {
      this.setDeadline('idle', now, this.settings.keepAliveTimeout)
      this.headStart = 0
    } else {
      if (this.headStart === 0) this.headStart = now
      this.setDeadline('headers', this.headStart, this.settings.headersTimeout)
    }
    const read = this.pendingRead ?? this.transport.read()
    this.pendingRead = null
    let chunk: Uint8Array | null
    try {
      chunk = await read
    } catch {
      chunk = null
    }
    this.setDeadline('none', 0, 0)
    if (this.closed) throw CLOSED
    this.conn.receive(chunk ?? EMPTY)
  }

  /** `timeout` is relative to `base`; a timeout of 0 disables it, as in node:http. */
  private setDeadline(kind: DeadlineKind, base: number, timeout = 1): void {
    this.deadlineKind = kind
    this.deadline = timeout > 0 ? base + timeout : 0
  }

  /** One request/response exchange. */
  private async exchange(event: RequestEvent): Promise<void> {
    const now = this.settings.runtime.now()
    this.busy = true
    this.requestStart = this.headStart === 0 ? now : this.headStart
    this.headStart = 0
    this.clientError = null
    this.bodyDone = event.contentLength === 0
    let response: Response
    let info = this.info
    let url: string | null
    if (this.trustsPeer) {
      const client = resolveForwarded(
        { address: info.remoteAddress, port: info.remotePort },
        event.headers,
        this.settings.trustedProxies!,
        this.settings.forwardedHeaders,
      )
      if (client.clientAddress !== info.remoteAddress || client.clientPort !== info.remotePort) {
        info = serveInfo(client.clientAddress, client.clientPort, info.localAddress, info.localPort, false)
      }
      const scheme = client.proto ?? this.settings.scheme
      // A forwarded host replaces Host for origin-form targets; absolute-form keeps its own.
      url = client.host !== undefined && event.target.charCodeAt(0) === 0x2f
        ? `${scheme}://${client.host}${event.target}`
        : requestUrl(event, scheme, this.transport)
    } else {
      url = requestUrl(event, this.settings.scheme, this.transport)
    }
    if (isForbiddenMethod(event.method)) {
      // Fetch cannot represent CONNECT, TRACE or TRACK (some runtimes' Request accepts them
      // anyway), so no app can answer them; the same 501 on every runtime.
      response = plainResponse(501, 'Not Implemented\n')
    } else if (url === null) {
      response = plainResponse(400, 'Bad Request: invalid request-target\n')
    } else {
      // Fetch forbids a body on GET/HEAD; one sent anyway is drained after the response.
      const withBody = !this.bodyDone && event.method !== 'GET' && event.method !== 'HEAD'
      const request = new LightRequest(event.method, url, event.headers, withBody ? this.body : null)
      this.request = request
      if (!withBody) this.watchForDisconnect(request)
      const result = this.callApp(request as unknown as Request, info)
      response = result instanceof Promise ? await result : result
    }
    if (this.clientError !== null) response = this.errorResponse(this.clientError)
    if (this.closed) return
    const written = this.writeResponse(response, event)
    const bytes = typeof written === 'number' ? written : await written
    this.request = null
    this.busy = false
    this.served++
    if (this.settings.options.accessLog !== undefined) this.logAccess(event, response.status, bytes, now)
    if (!this.closed && this.conn.clientState === 'send-body') await this.drainBody()
  }

  /** Where the app's body reads come from: the engine, reading the socket only when needed. */
  private readonly body: BodySource = {
    read: async (): Promise<Uint8Array | null> => {
      if (this.conn.waitingForContinue) await this.write(this.conn.send({ type: 'informational', status: 100 }))
      for (;;) {
        const chunk = this.nextBodyChunk()
        if (chunk !== NEED_DATA) return chunk
        await this.fill()
      }
    },
    readBuffered: (): Uint8Array | null | undefined => {
      if (this.conn.waitingForContinue) return undefined
      const chunk = this.nextBodyChunk()
      return chunk === NEED_DATA ? undefined : chunk
    },
  }

  /** Calls the app; a Response returned synchronously is used without a microtask hop. */
  private callApp(request: Request, info: ServeInfo): Response | Promise<Response> {
    let result: Response | Promise<Response>
    try {
      result = this.settings.handler(request, info)
    } catch (error) {
      return this.appFailed(error, request)
    }
    if (result instanceof Response) return result
    return this.awaitApp(result, request)
  }

  private async awaitApp(result: unknown, request: Request): Promise<Response> {
    try {
      const response = await result
      if (response instanceof Response) return response
      throw new TypeError(`the handler returned ${Object.prototype.toString.call(response)}, not a Response`)
    } catch (error) {
      return this.appFailed(error, request)
    }
  }

  /** A handler that threw or returned no Response: onError's response, else a bare 500. */
  private async appFailed(error: unknown, request: Request): Promise<Response> {
    if (this.clientError !== null) return this.errorResponse(this.clientError)
    this.settings.log(`handler failed for ${request.method} ${request.url}`, error)
    const onError = this.settings.options.onError
    if (onError !== undefined) {
      try {
        const fallback = await onError(error, request)
        if (fallback instanceof Response) return fallback
      } catch (secondary) {
        this.settings.log('onError failed', secondary)
      }
    }
    return plainResponse(500, 'Internal Server Error\n')
  }

  /** The next body chunk the engine has, null at the body's end, or NEED_DATA. */
  private nextBodyChunk(): Uint8Array | null | typeof NEED_DATA {
    let event
    try {
      event = this.conn.next()
    } catch (error) {
      if (error instanceof RemoteProtocolError) {
        this.clientError = error
        if (error.code === 'unexpected-eof' && this.request !== null) abortRequest(this.request)
      }
      throw error
    }
    if (event === NEED_DATA) return NEED_DATA
    if (event !== PAUSED && event.type === 'data') return event.bytes
    // The body is complete: from now on a read only tells whether the client is still there.
    const request = this.request
    if (!this.bodyDone && request !== null) {
      this.bodyDone = true
      this.watchForDisconnect(request)
    }
    return null
  }

  /** Keeps one read pending while the app runs: EOF or a reset means the client left. */
  private watchForDisconnect(request: LightRequest): void {
    if (this.pendingRead !== null || this.closed) return
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

  /** Writes the response; returns the body bytes sent (for the access log). */
  private writeResponse(response: Response, event: RequestEvent): number | Promise<number> {
    const parts = responseParts(response)
    if (parts !== null) return this.writeParts(parts, event.method)
    return this.writeStream(response, event)
  }

  /** Any other Response: its body is read as a stream, as fast as the socket drains. */
  private async writeStream(response: Response, event: RequestEvent): Promise<number> {
    const status = response.status
    const reason = response.statusText || undefined
    const headers = fromHeaders(response.headers)
    const body = response.body
    const conn = this.conn
    if (body === null) {
      await this.write(concatBytes([
        // A HEAD answered without a body says nothing about the length (RFC 9110 §8.6).
        conn.send({ type: 'response', status, reason, headers, contentLength: event.method === 'HEAD' ? undefined : 0 }),
        conn.send({ type: 'end' }),
      ]))
      return 0
    }
    const reader = body.getReader()
    let probe
    try {
      probe = await probeBody(reader)
    } catch (error) {
      this.settings.log('response body failed before its first byte', error)
      return this.writeResponse(plainResponse(500, 'Internal Server Error\n'), event)
    }
    let head: Uint8Array
    try {
      head = conn.send({
        type: 'response',
        status,
        reason,
        headers,
        contentLength: probe.complete ? (probe.first?.length ?? 0) : undefined,
      })
    } catch (error) {
      this.settings.log('invalid response from the handler', error)
      void reader.cancel(error).catch(() => {})
      return this.writeResponse(plainResponse(500, 'Internal Server Error\n'), event)
    }
    if (probe.complete) {
      const first = probe.first === null ? EMPTY : conn.send({ type: 'data', bytes: probe.first })
      await this.write(concatBytes([head, first, conn.send({ type: 'end' })]))
      return probe.first?.length ?? 0
    }
    let sent = probe.first!.length
    let bodyFailure: unknown = null
    try {
      await this.writeMany([head, ...conn.sendParts(probe.first!)])
      if (event.method === 'HEAD') {
        void reader.cancel().catch(() => {})
      } else {
        for (let next = probe.second!; ; next = reader.read()) {
          const result = await next.catch((error: unknown) => {
            bodyFailure = error ?? new Error('response body stream errored')
            throw error
          })
          if (result.done) break
          const bytes = toBytes(result.value)
          sent += bytes.length
          await this.writeMany(conn.sendParts(bytes))
        }
      }
      await this.write(conn.send({ type: 'end' }))
    } catch (error) {
      // Mid-body failure: the client must see a truncated response, so abort the connection.
      // A failed write means the client left: nothing for the error log.
      if (bodyFailure !== null) this.settings.log('response body failed mid-way; connection aborted', bodyFailure)
      void reader.cancel(error).catch(() => {})
      conn.sendFailed()
      this.close(true)
    }
    return sent
  }

  /** A light response with a string or bytes body: head and body in one write, no stream. */
  private writeParts(parts: ResponseParts, method: string): number | Promise<number> {
    const body = parts.body ?? EMPTY
    let out: Uint8Array
    try {
      const head = { type: 'response', status: parts.status, reason: parts.statusText || undefined, headers: parts.headers } as const
      // A HEAD answered without a body says nothing about the length (RFC 9110 §8.6).
      out = parts.body === null && method === 'HEAD'
        ? concatBytes([this.conn.send(head), this.conn.send({ type: 'end' })])
        : this.conn.respond(head, body)
    } catch (error) {
      this.settings.log('invalid response from the handler', error)
      if (this.conn.serverState !== 'send-response') {
        this.close(true)
        return 0
      }
      return this.writeParts({ status: 500, statusText: '', headers: [], body: 'Internal Server Error\n' }, method)
    }
    const pending = this.write(out)
    return pending === undefined ? body.length : pending.then(() => body.length)
  }

  /** Discards a body the app did not read, up to `maxDrainBytes`; beyond that, closes. */
  private async drainBody(): Promise<void> {
    let budget = this.settings.maxDrainBytes
    if (!this.conn.keepAlive) return
    try {
      for (;;) {
        const event = this.conn.next()
        if (event === NEED_DATA) await this.fill()
        else if (event === PAUSED || event.type !== 'data') return
        else if ((budget -= event.bytes.length) < 0) return this.conn.disableKeepAlive()
      }
    } catch (error) {
      if (error === CLOSED) return
      this.conn.disableKeepAlive()
    }
  }

  /** Writes framed parts: gathered when the transport can, else joined into one buffer. */
  private writeMany(parts: Uint8Array[]): Promise<void> | void {
    if (parts.length <= 1) return parts.length === 0 ? undefined : this.write(parts[0]!)
    if (this.transport.writeMany === undefined) return this.write(concatBytes(parts))
    if (this.closed) throw CLOSED
    const pending = this.transport.writeMany(parts)
    if (pending !== undefined) {
      return pending.catch((error: unknown) => {
        this.close(true)
        throw error
      })
    }
  }

  private write(bytes: Uint8Array): Promise<void> | void {
    if (this.closed) throw CLOSED
    if (bytes.length === 0) return
    const pending = this.transport.write(bytes)
    if (pending !== undefined) {
      return pending.catch((error: unknown) => {
        this.close(true)
        throw error
      })
    }
  }

  private errorResponse(error: RemoteProtocolError): Response {
    const reason = ERROR_STATUS_TEXT[error.statusHint] ?? STATUS_TEXT[error.statusHint] ?? 'Error'
    return plainResponse(error.statusHint, `${reason}: ${error.message}\n`)
  }

  private errorBytes(status: number, text: string): Uint8Array {
    const body = encoder.encode(`${text}\n`)
    const conn = this.conn
    return concatBytes([
      conn.send({
        type: 'response',
        status,
        headers: ['content-type', 'text/plain; charset=utf-8', 'connection', 'close'],
        contentLength: body.length,
      }),
      conn.send({ type: 'data', bytes: body }),
      conn.send({ type: 'end' }),
    ])
  }

  /** The error response for a request that broke HTTP/1.1; then the connection closes. */
  private async sendError(error: RemoteProtocolError): Promise<void> {
    const state = this.conn.serverState
    if (this.closed || (state !== 'idle' && state !== 'send-response')) return
    const reason = ERROR_STATUS_TEXT[error.statusHint] ?? STATUS_TEXT[error.statusHint] ?? 'Error'
    try {
      await this.write(this.errorBytes(error.statusHint, `${reason}: ${error.message}`))
    } catch {
      // The client is gone; nothing to tell it.
    }
  }

  private logAccess(event: RequestEvent, status: number, bytes: number, start: number): void {
    this.settings.options.accessLog!({
      time: start,
      remoteAddress: this.info.remoteAddress,
      method: event.method,
      target: event.target,
      version: event.version,
      status,
      bytes,
      durationMs: this.settings.runtime.now() - start,
      referer: getHeader(event.headers, 'referer'),
      userAgent: getHeader(event.headers, 'user-agent'),
    })
  }

  private close(force = false): void {
    if (this.closed) return
    this.closed = true
    this.deadline = 0
    if (this.request !== null) abortRequest(this.request)
    if (force) this.transport.abort()
    else this.transport.close()
    // Ended once closed, even if a hung app never returns (its signal has been aborted).
    this.onClosed?.()
  }
}
