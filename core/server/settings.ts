/**
 * `ServeOptions` resolved once per server: every default filled in, the app normalised,
 * the trusted proxies compiled. Shared, read-only, by all connections of the server.
 * @module
 */
import { appWebSocket, toHandler, type App, type AppFailureOptions, type FetchHandler } from '../fetch/app.ts'
import { resolveLimits, type Limits } from '../http1/limits.ts'
import { resolveHttp2Limits, type Http2Limits } from '../http2/limits.ts'
import type { ForwardedHeaders } from '../proxy/forwarded.ts'
import { compileTrustedProxies, type TrustedProxies } from '../proxy/ip-address.ts'
import { Admission, checkHealthPath } from './admission.ts'
import type { AccessLogEntry, ServeOptions } from './options.ts'
import type { Runtime } from './runtime.ts'
import type { Telemetry } from './telemetry.ts'
import { staticApp } from '../static/static-app.ts'
import { resolveCompression, type CompressionSettings } from './compression.ts'
import { Topics } from './topics.ts'
import { resolveWebSocketSettings, type WebSocketSettings } from './websocket-settings.ts'

/** Defaults: the usual HTTP server timeouts (60 s head, 300 s request, 5 s keep-alive). */
export const DEFAULT_TIMEOUTS: Readonly<{
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  gracefulTimeout: number
}> = Object.freeze({
  headersTimeout: 60_000,
  requestTimeout: 300_000,
  keepAliveTimeout: 5_000,
  gracefulTimeout: 10_000,
})

/** Request body bytes discarded after an early response before closing instead. */
const DEFAULT_MAX_DRAIN_BYTES = 64 * 1024

/** Options with every default filled in. */
export interface ServerSettings {
  handler: FetchHandler
  runtime: Runtime
  limits: Limits
  scheme: 'http' | 'https'
  unix: boolean
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  gracefulTimeout: number
  maxDrainBytes: number
  log: (message: string, error?: unknown) => void
  /** The user's onError and the log, for a failed handler. */
  failure: AppFailureOptions
  accessLog: ((entry: AccessLogEntry) => void) | undefined
  /** Compiled `trustProxy`; null = trust nobody. */
  trustedProxies: TrustedProxies | null
  proxyProtocol: boolean
  forwardedHeaders: ForwardedHeaders
  /** WebSocket handlers and limits; null when the server has none. */
  websocket: WebSocketSettings | null
  /** The server's pub/sub topics (state, shared by its connections). */
  topics: Topics
  /** Draining, requests in flight, the health path (state, shared by its connections). */
  admission: Admission
  /** Open connections beyond which a new one is closed at accept (Infinity: no limit). */
  maxConnections: number
  /** ms a graceful close keeps serving before it stops listening. */
  shutdownDelay: number
  /** The observer of requests and connections, or null (set before listening for `telemetry: true`). */
  telemetry: Telemetry | null
  /** Response compression; null when off (then it costs nothing per request). */
  compression: CompressionSettings | null
  /** HTTP/2's limits; null when HTTP/2 is off (HTTP/1.1 only). */
  http2: Http2Limits | null
}

/** Resolves `options` for `app` on `runtime`; throws on contradictory options. */
export function resolveSettings(app: App, options: ServeOptions, runtime: Runtime): ServerSettings {
  const log = options.log ?? runtime.log
  const settings: ServerSettings = {
    handler: options.static === undefined ? toHandler(app) : staticHandler(app, options.static, runtime),
    runtime,
    limits: resolveLimits(options.limits),
    scheme: options.tls !== undefined ? 'https' : 'http',
    unix: options.unix !== undefined,
    headersTimeout: options.headersTimeout ?? DEFAULT_TIMEOUTS.headersTimeout,
    requestTimeout: options.requestTimeout ?? DEFAULT_TIMEOUTS.requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout ?? DEFAULT_TIMEOUTS.keepAliveTimeout,
    gracefulTimeout: options.gracefulTimeout ?? DEFAULT_TIMEOUTS.gracefulTimeout,
    maxDrainBytes: options.maxDrainBytes ?? DEFAULT_MAX_DRAIN_BYTES,
    log,
    failure: { onError: options.onError, log },
    accessLog: options.accessLog,
    trustedProxies: options.trustProxy === undefined ? null : compileTrustedProxies(options.trustProxy),
    proxyProtocol: options.proxyProtocol === true,
    forwardedHeaders: options.forwardedHeaders ?? 'x-forwarded',
    websocket: null,
    topics: new Topics(),
    admission: new Admission(positiveOption('maxConcurrentRequests', options.maxConcurrentRequests) ?? 0, checkHealthPath(options.healthPath)),
    maxConnections: positiveOption('maxConnections', options.maxConnections) ?? Infinity,
    shutdownDelay: options.shutdownDelay ?? 0,
    telemetry: typeof options.telemetry === 'object' ? options.telemetry : null,
    compression: resolveCompression(options.compression, runtime.compression),
    http2: options.http2 === false ? null : resolveHttp2Limits(options.http2 === true ? undefined : options.http2),
  }
  const websocket = options.websocket ?? appWebSocket(app)
  if (websocket !== undefined) settings.websocket = resolveWebSocketSettings(websocket, runtime.deflate ?? null)
  // PROXY spec §5: the header is believed only from known sources; without a list every
  // connection would be refused, so fail at startup instead.
  if (settings.proxyProtocol && settings.trustedProxies === null) {
    throw new TypeError('proxyProtocol needs trustProxy: the PROXY header is accepted only from trusted proxies')
  }
  if (options.telemetry === true && runtime.telemetry === undefined) throw new TypeError('telemetry: true needs a runtime with telemetry (Runtime.telemetry)')
  return settings
}

/**
 * Sets `settings.telemetry` for `telemetry: true` from the runtime's (an import, so async);
 * resolves at once otherwise. The server listens only after it, so every request is observed.
 */
export async function loadTelemetry(settings: ServerSettings, options: ServeOptions): Promise<void> {
  if (options.telemetry === true) settings.telemetry = await settings.runtime.telemetry!()
}

/** A limit that must be a positive integer when given. */
function positiveOption(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new TypeError(`${name} must be a positive integer, got ${value}`)
  return value
}

/** The app behind a static folder (`options.static`): files first, the app for the rest. */
function staticHandler(app: App, option: NonNullable<ServeOptions['static']>, runtime: Runtime): FetchHandler {
  if (runtime.files === undefined) throw new TypeError('static needs a runtime with files (Runtime.files)')
  const { dir, ...fileOptions } = typeof option === 'string' ? { dir: option } : option
  return staticApp(runtime.files, dir, { ...fileOptions, fallthrough: app })
}
