/**
 * The observation hook: what a tracer or a metrics library sees of the server, with no
 * dependency on one. Core calls it at four points, the same for every protocol (the
 * exchange is protocol-neutral): a connection opens, a request head has arrived, the app
 * runs (inside `run`, so that an OpenTelemetry context is active and the app's spans become
 * children of the request's), the exchange ends. `portico/otel` implements it on
 * `@opentelemetry/api`; core never imports that package.
 *
 * Cost when `ServeOptions.telemetry` is unset: one null check per request and per
 * connection, no allocation. When set, one `ObservedRequest` per request plus whatever the
 * implementation allocates.
 * @module
 */
import type { ServeInfo } from '../fetch/app.ts'
import type { HeaderList } from '../http/field-list.ts'

/** A request head as the observer sees it; built only when telemetry is on. */
export interface ObservedRequest {
  /** The method as sent. */
  readonly method: string
  /** The request URL (believing trusted proxies); null when the target was invalid. */
  readonly url: string | null
  /** `'http'` or `'https'` (after a trusted proxy's forwarded proto). */
  readonly scheme: string
  /** `'1.0'`, `'1.1'` (and `'2'` once HTTP/2 runs through the exchange). */
  readonly protocolVersion: string
  /** The request's header fields, flat `[name, value, …]` as received. */
  readonly headers: HeaderList
  /** The connection as the app sees it: the client after trusted-proxy resolution. */
  readonly info: ServeInfo
  /**
   * The `Request` handed to the app, null when Portico answered without calling it (an
   * invalid target, an unsupported method, an overload 503). Lets the observer recognise
   * the request later (`setRoute(request, route)`).
   */
  readonly request: Request | null
}

/** How an exchange ended. */
export interface ExchangeOutcome {
  /** The status sent (101 for a protocol switch), or 0 when no response could be sent. */
  status: number
  /** What the app threw or rejected with (its fallback response was sent), if it did. */
  error: unknown
  /** The client left before the response was complete. */
  aborted: boolean
}

/** One request being observed. */
export interface RequestObservation {
  /** Runs the app call; an implementation makes its context active around it. */
  run<T>(call: () => T): T
  /** The exchange has ended (response written, failed, or the client left). Called once. */
  end(outcome: ExchangeOutcome): void
}

/** An observer of requests and connections (`ServeOptions.telemetry`). */
export interface Telemetry {
  /** A request head has arrived; returns its observation, or null to leave it unobserved. */
  requestStarted(request: ObservedRequest): RequestObservation | null
  /** A connection was accepted (`rejected`: closed at once by `maxConnections`). */
  connectionOpened?(rejected: boolean): void
  /** An accepted connection (not a rejected one) has ended. */
  connectionClosed?(): void
}
