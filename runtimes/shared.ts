/**
 * What the three drivers (and the CLI and supervisor) have in common: which runtime is
 * running, the clock, timers and console that Node, Deno and Bun all provide as globals
 * (handed to core as a `Runtime`, since core may not touch globals, with OpenTelemetry for
 * `telemetry: true`), the part of `serve()` that is not about sockets (defaults, the light
 * `Response`, the listen address), and TLS's ALPN offer and handshakes.
 * @module
 */
import { Buffer } from 'node:buffer'
import { LightResponse } from '../core/fetch/light-response.ts'
import type { App, Server, ServerAddress, ServeOptions } from '../core/server/options.ts'
import type { Runtime } from '../core/server/runtime.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import type { Transport } from '../core/server/transport.ts'
import type { FileSystem } from '../core/static/file-system.ts'
import { loadOpenTelemetry } from '../telemetry/load-otel.ts'
import { zlibCompression } from './zlib-compression.ts'
import { zlibCodec } from './zlib-deflate.ts'

/**
 * A `Runtime` backed by the host's `Date.now`, `setInterval`, `console` and node:zlib, the
 * driver's files, and OpenTelemetry for `telemetry: true`.
 */
export function hostRuntime(name: string, files?: FileSystem): Runtime {
  return {
    name,
    now: Date.now,
    timers: {
      once: (callback, ms) => setTimeout(callback, ms),
      repeat: (callback, ms) => setInterval(callback, ms),
      // clearTimeout and clearInterval share one id space in every runtime (HTML timers).
      cancel: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
    },
    log: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
    print: (message) => console.log(message),
    deflate: (params) => zlibCodec(params),
    compression: zlibCompression,
    nodeBuffer: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    files,
    telemetry: loadOpenTelemetry,
  }
}

/** Replaces the global `Response` with `LightResponse` (see `ServeOptions.lightResponse`). */
export function installLightResponse(): void {
  if (globalThis.Response !== (LightResponse as unknown as typeof Response)) {
    globalThis.Response = LightResponse as unknown as typeof Response
  }
}

/** The runtimes Portico has a driver for. */
export type RuntimeName = 'node' | 'deno' | 'bun'

/** The running runtime, as Portico sees it: the one place that sniffs the globals. */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  return g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'
}

/**
 * A driver's socket part of `serve()`: listen, hand each accepted socket to `onConnection`,
 * and report where it listens (see `listenerAddress`). `log` is the user's log or the runtime's.
 */
export type DriverListen = (
  onConnection: (transport: Transport) => void,
  log: Runtime['log'],
) => Listener | Promise<Listener>

/** The common part of every driver's `serve()`: the light `Response`, then `startServer`. */
export function serveWith(runtime: Runtime, app: App, options: ServeOptions, listen: DriverListen): Server {
  if (options.lightResponse !== false) installLightResponse()
  const log = options.log ?? runtime.log
  return startServer(app, options, runtime, (onConnection) => listen(onConnection, log))
}

/** The TCP address to bind, with Portico's defaults (the same on every runtime). */
export function tcpTarget(options: ServeOptions): { hostname: string; port: number } {
  return { hostname: options.hostname ?? '0.0.0.0', port: options.port ?? 8000 }
}

/** The `ServerAddress` of a listener bound to a unix socket path or a TCP host and port. */
export function listenerAddress(options: ServeOptions, bound: string | { hostname: string; port: number }): ServerAddress {
  const scheme = options.tls ? 'https' : 'http'
  if (typeof bound === 'string') return { transport: 'unix', path: bound, url: `${scheme}+unix://${encodeURIComponent(bound)}/` }
  const { hostname, port } = bound
  return { transport: 'tcp', hostname, port, url: formatUrl(scheme, hostname, port) }
}

/**
 * The protocols a TLS listener offers in ALPN (RFC 7301), ours in order of preference: `h2`
 * unless `options.http2` is false, then `http/1.1`. With HTTP/2 off we still offer `http/1.1`
 * rather than nothing: the server side then reports what was agreed, and a client that offers
 * only `h2` is refused at the handshake with a no_application_protocol alert, the same on
 * Node, Deno and Bun, instead of being let in to speak a protocol we would not answer. A
 * client that offers no ALPN at all gets HTTP/1.1 either way.
 */
export function alpnProtocols(options: ServeOptions): string[] {
  return options.http2 === false ? ['http/1.1'] : ['h2', 'http/1.1']
}

/** ALPN's wire format (RFC 7301 §3.1): each name prefixed by its length, as Bun's `ALPNProtocols` takes it. */
export function alpnWireFormat(protocols: readonly string[]): Uint8Array {
  const names = protocols.map((name) => new TextEncoder().encode(name))
  const wire = new Uint8Array(names.reduce((total, name) => total + 1 + name.length, 0))
  let at = 0
  for (const name of names) {
    wire[at++] = name.length
    wire.set(name, at)
    at += name.length
  }
  return wire
}

/** A runtime's report of the agreed protocol as `Transport.alpnProtocol`: `false` and `''` (none agreed) become null. */
export function agreedProtocol(reported: string | false | null | undefined): string | null {
  return typeof reported === 'string' && reported !== '' ? reported : null
}

/**
 * Connections still in their TLS handshake, for a driver that finishes it before handing the
 * connection over (Deno: the agreed ALPN protocol is known only then). Each handshake runs
 * on its own, so a slow or broken one never holds up the accept loop; one that fails or
 * outlasts `timeoutMs` (0: no limit) closes just its connection, and `closeAll()` closes
 * those still shaking hands when the listener stops, since core does not know them yet.
 */
export class PendingHandshakes<Conn extends { close(): void }> {
  private readonly pending = new Set<Conn>()
  private readonly timeoutMs: number

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs
  }

  /** Calls `done` with the handshake's result, unless it failed, timed out or was closed first. */
  start<Result>(conn: Conn, handshake: Promise<Result>, done: (result: Result) => void): void {
    this.pending.add(conn)
    const timer = this.timeoutMs > 0 ? setTimeout(() => closeQuietly(conn), this.timeoutMs) : undefined
    const settle = (): boolean => {
      clearTimeout(timer)
      return this.pending.delete(conn)
    }
    handshake.then(
      (result) => {
        if (settle()) done(result)
      },
      () => {
        settle()
        closeQuietly(conn)
      },
    )
  }

  closeAll(): void {
    for (const conn of this.pending) closeQuietly(conn)
    this.pending.clear()
  }
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close()
  } catch {
    // Already closed.
  }
}
