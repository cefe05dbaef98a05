/**
 * The OpenTelemetry instrumentation behind `portico/otel` and `telemetry: true`, written
 * against the `@opentelemetry/api` module it is given rather than an import of it: `otel()`
 * passes the statically imported module, the drivers (`load-otel.ts`) pass the one they
 * `import()` only when `telemetry: true` asks for it, so users without the optional peer never
 * load it. It implements core's `Telemetry` hook with the stable HTTP server semantic
 * conventions:
 * https://opentelemetry.io/docs/specs/semconv/http/http-spans/ ·
 * https://opentelemetry.io/docs/specs/semconv/http/http-metrics/
 *
 * - a SERVER span per request, its parent taken from the W3C `traceparent`/`tracestate`
 *   headers (the registered propagator), active while the app runs, so the app's own spans
 *   are its children; named `{method} {http.route}`, or `{method}` until the app reports a
 *   route with `setRoute()`;
 * - `http.server.request.duration` (histogram, s, the semconv buckets) and
 *   `http.server.active_requests`; `portico.server.active_connections` and
 *   `portico.server.rejected_connections` (`maxConnections`) for the connections.
 *
 * Health checks (`healthPath`) are not observed.
 * @module
 */
import type * as Api from '@opentelemetry/api'
import type {
  Attributes,
  Context,
  Histogram,
  MeterProvider,
  Span,
  TextMapGetter,
  Tracer,
  TracerProvider,
  UpDownCounter,
} from '@opentelemetry/api'
import { getHeader, type HeaderList } from '../core/http/field-list.ts'
import type { ExchangeOutcome, ObservedRequest, RequestObservation, Telemetry } from '../core/server/telemetry.ts'

/** The parts of the `@opentelemetry/api` module the instrumentation uses. */
export type OpenTelemetryApi = Pick<typeof Api, 'context' | 'metrics' | 'propagation' | 'trace' | 'ROOT_CONTEXT' | 'SpanKind' | 'SpanStatusCode'>

/** Options for `otel()`. */
export interface OtelOptions {
  /** Default: the global one (`trace.setGlobalTracerProvider`, or an SDK's `register()`). */
  tracerProvider?: TracerProvider
  /** Default: the global one (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProvider
}

/** The instrumentation scope. */
const SCOPE = 'portico'
const SCOPE_VERSION = '0.1.0'

/** semconv: the advised buckets of `http.server.request.duration`, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

/** semconv `http.request.method`: the RFC 9110 methods and PATCH; anything else is `_OTHER`. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY'])

/** semconv `url.query`: the values of these keys are credentials and are redacted. */
const SENSITIVE_QUERY_KEYS = new Set(['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature'])

/**
 * Where an observed request keeps its observation, for `setRoute()`: a property of the
 * `Request` under a registered symbol. Registered, because the built package bundles this
 * file into each driver and into `portico/otel` (ESM and CJS alike), and `setRoute` from any
 * of those copies must find an observation made by any other. A property rather than a
 * WeakMap: on Node 20 the WeakMap entry cost more per request than all the rest of
 * Portico's part with a no-op SDK (the GC's ephemeron work included).
 */
const OBSERVATION: symbol = Symbol.for('portico.otel.observation')

/** A `Request` as the place of its observation. */
type ObservedRequestSlot = Record<symbol, Observation | undefined>

/**
 * Reports the route template that matched `request` (`/users/:id`), for `http.route` and the
 * span name; call it from the app (Hono: `setRoute(c.req.raw, routePath(c, -1))` after
 * `await next()` in a middleware, with `routePath` from `hono/route`). A no-op for requests
 * not observed.
 */
export function setRoute(request: Request, route: string): void {
  const observation = (request as unknown as ObservedRequestSlot)[OBSERVATION]
  if (observation !== undefined) observation.route = route
}

/** A `Telemetry` that emits OpenTelemetry spans and metrics through `api`. */
export function openTelemetry(api: OpenTelemetryApi, options: OtelOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(SCOPE, SCOPE_VERSION)
  const meter = (options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(SCOPE, SCOPE_VERSION)
  const instruments: Instruments = {
    api,
    tracer,
    duration: meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    }),
    active: meter.createUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Number of active HTTP server requests.' }),
  }
  const connections = meter.createUpDownCounter('portico.server.active_connections', { unit: '{connection}', description: 'Open connections (WebSockets included).' })
  const rejected = meter.createCounter('portico.server.rejected_connections', { unit: '{connection}', description: 'Connections closed at accept by maxConnections.' })
  return {
    requestStarted: (request) => new Observation(instruments, request),
    connectionOpened: (refused) => (refused ? rejected.add(1) : connections.add(1)),
    connectionClosed: () => connections.add(-1),
  }
}

interface Instruments {
  api: OpenTelemetryApi
  tracer: Tracer
  duration: Histogram
  active: UpDownCounter
}

/** One request's span and measurements. */
class Observation implements RequestObservation {
  route: string | undefined = undefined
  private readonly instruments: Instruments
  private readonly span: Span
  private readonly context: Context
  private readonly method: string
  private readonly activeAttributes: Attributes
  private readonly scheme: string
  private readonly protocolVersion: string
  private readonly started = performance.now()

  constructor(instruments: Instruments, request: ObservedRequest) {
    this.instruments = instruments
    const known = KNOWN_METHODS.has(request.method)
    this.method = known ? request.method : '_OTHER'
    this.scheme = request.scheme
    this.protocolVersion = request.protocolVersion
    const attributes: Attributes = {
      'http.request.method': this.method,
      'url.scheme': request.scheme,
      'network.protocol.version': request.protocolVersion,
    }
    if (!known) attributes['http.request.method_original'] = request.method
    if (request.url !== null) addUrlAttributes(attributes, request.url)
    const client = request.info.remoteAddress
    if (client !== undefined) attributes['client.address'] = client
    const userAgent = getHeader(request.headers, 'user-agent')
    if (userAgent !== undefined) attributes['user_agent.original'] = userAgent
    const api = instruments.api
    const parent = api.propagation.extract(api.ROOT_CONTEXT, request.headers, HEADER_LIST_GETTER)
    this.span = instruments.tracer.startSpan(known ? request.method : 'HTTP', { kind: api.SpanKind.SERVER, attributes }, parent)
    this.context = api.trace.setSpan(parent, this.span)
    this.activeAttributes = { 'http.request.method': this.method, 'url.scheme': request.scheme }
    instruments.active.add(1, this.activeAttributes)
    if (request.request !== null) (request.request as unknown as ObservedRequestSlot)[OBSERVATION] = this
  }

  run<T>(call: () => T): T {
    return this.instruments.api.context.with(this.context, call)
  }

  end(outcome: ExchangeOutcome): void {
    const { span, instruments } = this
    // A literal, not a spread of activeAttributes: on Node 20, a spread object with keys added
    // afterwards took more CPU than all the rest of this method with a no-op SDK.
    const metric: Attributes = {
      'http.request.method': this.method,
      'url.scheme': this.scheme,
      'network.protocol.version': this.protocolVersion,
    }
    if (this.route !== undefined) {
      span.updateName(`${this.method === '_OTHER' ? 'HTTP' : this.method} ${this.route}`)
      span.setAttribute('http.route', this.route)
      metric['http.route'] = this.route
    }
    if (outcome.status > 0) {
      span.setAttribute('http.response.status_code', outcome.status)
      metric['http.response.status_code'] = outcome.status
    }
    const errorType = errorTypeOf(outcome)
    if (errorType !== undefined) {
      span.setAttribute('error.type', errorType)
      metric['error.type'] = errorType
      // semconv: a SERVER span is an error for a 5xx or an exception, not for a 4xx.
      span.setStatus({ code: instruments.api.SpanStatusCode.ERROR, message: outcome.error instanceof Error ? outcome.error.message : undefined })
    }
    if (outcome.error instanceof Error) span.recordException(outcome.error)
    span.end()
    instruments.active.add(-1, this.activeAttributes)
    instruments.duration.record((performance.now() - this.started) / 1000, metric)
  }
}

/** semconv `error.type`: the exception's class, else `aborted` (client gone), else a 5xx status. */
function errorTypeOf(outcome: ExchangeOutcome): string | undefined {
  const error = outcome.error
  if (error !== undefined) return error instanceof Error ? error.constructor.name || 'Error' : '_OTHER'
  if (outcome.aborted) return 'aborted'
  if (outcome.status >= 500) return String(outcome.status)
  return undefined
}

/** `server.address`, `server.port`, `url.path`, `url.query` from `scheme://authority/path?query`. */
function addUrlAttributes(attributes: Attributes, url: string): void {
  const hostStart = url.indexOf('://') + 3
  let pathStart = url.indexOf('/', hostStart)
  if (pathStart === -1) pathStart = url.length
  const authority = url.slice(hostStart, pathStart)
  const colon = authority.lastIndexOf(':')
  const hasPort = colon !== -1 && colon > authority.lastIndexOf(']')
  attributes['server.address'] = hasPort ? authority.slice(0, colon) : authority
  attributes['server.port'] = hasPort ? Number(authority.slice(colon + 1)) : url.startsWith('https:') ? 443 : 80
  const queryStart = url.indexOf('?', pathStart)
  attributes['url.path'] = queryStart === -1 ? url.slice(pathStart) || '/' : url.slice(pathStart, queryStart)
  if (queryStart !== -1) attributes['url.query'] = redactQuery(url.slice(queryStart + 1))
}

function redactQuery(query: string): string {
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=')
    return eq !== -1 && SENSITIVE_QUERY_KEYS.has(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=REDACTED` : pair
  }).join('&')
}

/** Reads `traceparent`/`tracestate` (any case) from core's flat header list. */
const HEADER_LIST_GETTER: TextMapGetter<HeaderList> = {
  keys: (headers) => headers.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
  get: (headers, key) => getHeader(headers, key),
}
