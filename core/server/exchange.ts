/**
 * One request/response exchange, the same for every protocol: the request's client and URL
 * (believing trusted proxies), the light Request, the app, the response written through the
 * protocol's sink, the access log. HTTP/1.1's connection loop is one `ExchangeStream`; an
 * HTTP/2 stream will be another, so `fetch/` never learns which protocol carried a request.
 * (uvicorn's `RequestResponseCycle`, hyper's `dispatch.rs`.)
 * @module
 */
import { callApp, fallbackResponse, whenAnswered } from '../fetch/app.ts'
import { errorResponse } from '../fetch/error-response.ts'
import { isRequestAborted, LightRequest, type BodySource } from '../fetch/light-request.ts'
import { isForbiddenMethod, requestUrl, type LocalAddress } from '../fetch/request-url.ts'
import { getHeader, type HeaderList } from '../http/field-list.ts'
import { resolveForwarded } from '../proxy/forwarded.ts'
import { overloadedResponse } from './admission.ts'
import { compressResponse } from './compression.ts'
import type { ConnectionInfo } from './connection-info.ts'
import { writeResponse, type ResponseSink } from './response-writer.ts'
import type { ServerSettings } from './settings.ts'
import type { RequestObservation } from './telemetry.ts'

/** A request head as any protocol delivers it. */
export interface ExchangeHead {
  method: string
  /** origin-form (`/path?q`), absolute-form, or `*`. */
  target: string
  version: '1.0' | '1.1' | '2'
  headers: HeaderList
  /** The request has content to read (a length above zero, or chunked). */
  hasBody: boolean
}

/** A protocol error found in the request while the app ran; its response replaces the app's. */
export interface RequestFailure {
  statusHint: number
  message: string
}

/** The protocol's side of one exchange. */
export interface ExchangeStream {
  /** The peer (after a PROXY header). */
  readonly info: ConnectionInfo
  /** Where the connection was accepted, for a request without Host. */
  readonly local: LocalAddress
  /** The peer is a trusted proxy: its forwarding headers are believed. */
  readonly trustsPeer: boolean
  /** Where the app's body reads come from. */
  readonly body: BodySource
  readonly sink: ResponseSink
  /** Set when the request broke the protocol after the app was called. */
  readonly failure: RequestFailure | null
  /** The connection is gone: nothing more is written. */
  readonly isClosed: boolean
  /** The request the app is answering; its signal aborts if the client leaves. */
  attach(request: LightRequest, bodyComplete: boolean): void
  /** The app accepted a protocol switch (`info.upgrade()`): its response is ignored. */
  readonly upgrading: boolean
  /** Sends the switch (a 101) and hands the connection to the new protocol. */
  switchProtocols(): void | Promise<void>
}

/**
 * What ends with the exchange when telemetry or the concurrency limit is on: the in-flight
 * count and the observation. Allocated only then.
 */
interface Tracking {
  observation: RequestObservation | null
  request: LightRequest | null
  counted: boolean
  /** What the app threw, if it did. */
  error: unknown
  ended: boolean
}

/**
 * Runs one exchange. Synchronous when the app answers synchronously and the response is
 * written without waiting (the common case): no promise, no microtask hop per request.
 * Otherwise returns a promise that resolves once the response is written.
 */
export function runExchange(stream: ExchangeStream, head: ExchangeHead, settings: ServerSettings): void | Promise<void> {
  const start = settings.runtime.now()
  const admission = settings.admission
  // Answered before anything else, so that a balancer sees draining even under overload.
  if (admission.healthPath !== null && admission.isHealthCheck(head.target)) {
    return respond(stream, head, settings, admission.healthResponse(), start, null)
  }
  let info = stream.info
  let url: string | null
  let scheme = settings.scheme
  if (stream.trustsPeer) {
    const client = resolveForwarded(
      { address: info.remoteAddress, port: info.remotePort },
      head.headers,
      settings.trustedProxies!,
      settings.forwardedHeaders,
    )
    if (client.clientAddress !== info.remoteAddress || client.clientPort !== info.remotePort) {
      info = info.withAddresses({
        remoteAddress: client.clientAddress,
        remotePort: client.clientPort,
        localAddress: info.localAddress,
        localPort: info.localPort,
      }, false)
    }
    if (client.proto !== undefined) scheme = client.proto
    // A forwarded host replaces Host for origin-form targets; absolute-form keeps its own.
    url = client.host !== undefined && head.target.charCodeAt(0) === 0x2f
      ? `${scheme}://${client.host}${head.target}`
      : requestUrl(head.target, head.headers, scheme, stream.local)
  } else {
    url = requestUrl(head.target, head.headers, scheme, stream.local)
  }
  let response: Response | null = null
  let request: LightRequest | null = null
  let counted = false
  if (isForbiddenMethod(head.method)) {
    // Fetch cannot represent CONNECT, TRACE or TRACK (some runtimes' Request accepts them
    // anyway), so no app can answer them; the same 501 on every runtime.
    response = errorResponse(501)
  } else if (url === null) {
    response = errorResponse(400, 'invalid request-target')
  } else if (admission.isFull) {
    response = overloadedResponse()
  } else {
    // Fetch forbids a body on GET/HEAD; one sent anyway is drained after the response.
    const withBody = head.hasBody && head.method !== 'GET' && head.method !== 'HEAD'
    request = new LightRequest(head.method, url, head.headers, withBody ? stream.body : null, info)
    stream.attach(request, !withBody)
    if (admission.maxConcurrentRequests > 0) {
      admission.inFlight++
      counted = true
    }
  }
  const telemetry = settings.telemetry
  const observation = telemetry === null
    ? null
    : telemetry.requestStarted({ method: head.method, url, scheme, protocolVersion: head.version, headers: head.headers, info, request: request as Request | null })
  const tracking: Tracking | null = observation !== null || counted ? { observation, request, counted, error: undefined, ended: false } : null
  let result: void | Promise<void>
  if (request === null) {
    result = respond(stream, head, settings, response!, start, tracking)
  } else {
    const app = request as unknown as Request
    const failed = (error: unknown, req: Request): Promise<Response> => {
      // After upgrade() an app may return nothing: not an error.
      if (stream.failure !== null || stream.upgrading) return Promise.resolve(failureResponse(stream.failure ?? UPGRADED))
      if (tracking !== null) tracking.error = error
      return fallbackResponse(error, req, settings.failure)
    }
    const answer = observation === null
      ? callApp(settings.handler, app, info, failed)
      : observation.run(() => callApp(settings.handler, app, info, failed))
    result = answer instanceof Response
      ? respond(stream, head, settings, answer, start, tracking)
      : whenAnswered(answer, app, failed, (r) => respond(stream, head, settings, r, start, tracking))
  }
  if (tracking === null || result === undefined) return result
  return result.then(undefined, (error: unknown) => {
    exchangeEnded(settings, tracking, 0, true)
    throw error
  })
}

/** The app has answered: its response (or the protocol's error, or the switch) goes out. */
function respond(stream: ExchangeStream, head: ExchangeHead, settings: ServerSettings, response: Response, start: number, tracking: Tracking | null): void | Promise<void> {
  if (stream.failure !== null) response = failureResponse(stream.failure)
  if (stream.isClosed) return exchangeEnded(settings, tracking, 0, true)
  if (stream.upgrading && stream.failure === null) {
    const switched = stream.switchProtocols()
    if (switched === undefined) return logAccess(stream, head, settings, start, 101, 0, tracking)
    return switched.then(() => logAccess(stream, head, settings, start, 101, 0, tracking))
  }
  if (settings.compression !== null && stream.failure === null) {
    const compressed = compressResponse(response, head.method, head.headers, settings.compression)
    if (compressed instanceof Promise) {
      return compressed.then((r) => (stream.isClosed ? exchangeEnded(settings, tracking, 0, true) : send(stream, head, settings, r, start, tracking)))
    }
    response = compressed
  }
  return send(stream, head, settings, response, start, tracking)
}

/** Writes the final response and logs it. */
function send(stream: ExchangeStream, head: ExchangeHead, settings: ServerSettings, response: Response, start: number, tracking: Tracking | null): void | Promise<void> {
  const status = response.status
  const written = writeResponse(response, head.method, stream.sink, settings.log)
  if (typeof written === 'number') return logAccess(stream, head, settings, start, status, written, tracking)
  return written.then((bytes) => logAccess(stream, head, settings, start, status, bytes, tracking))
}

function logAccess(stream: ExchangeStream, head: ExchangeHead, settings: ServerSettings, start: number, status: number, bytes: number, tracking: Tracking | null): void {
  // A write that failed closed the stream: the client did not get the whole response.
  if (tracking !== null) exchangeEnded(settings, tracking, status, stream.isClosed && status !== 101)
  if (settings.accessLog !== undefined) {
    settings.accessLog({
      time: start,
      // The connection's peer (after PROXY), as before forwarding headers were believed.
      remoteAddress: stream.info.remoteAddress,
      method: head.method,
      target: head.target,
      version: head.version,
      status,
      bytes,
      durationMs: settings.runtime.now() - start,
      referer: getHeader(head.headers, 'referer'),
      userAgent: getHeader(head.headers, 'user-agent'),
    })
  }
}

/** Releases the exchange's place and ends its observation, once. */
function exchangeEnded(settings: ServerSettings, tracking: Tracking | null, status: number, aborted: boolean): void {
  if (tracking === null || tracking.ended) return
  tracking.ended = true
  if (tracking.counted) settings.admission.inFlight--
  // A client that left while the app ran may still have been written to (a FIN is not a reset).
  if (!aborted && tracking.request !== null) aborted = isRequestAborted(tracking.request)
  tracking.observation?.end({ status, error: tracking.error, aborted })
}

/** Stands in for the response of an app that upgraded; never written. */
const UPGRADED: RequestFailure = { statusHint: 500, message: 'upgraded' }

/** The response for a request that broke the protocol: its status, with the reason. */
export function failureResponse(failure: RequestFailure): Response {
  return errorResponse(failure.statusHint, failure.message)
}
