/**
 * What the three drivers (and the CLI and supervisor) have in common: which runtime is
 * running, the clock, timers and console that Node, Deno and Bun all provide as globals
 * (handed to core as a `Runtime`, since core may not touch globals), and the part of
 * `serve()` that is not about sockets: defaults, the light `Response`, the listen address.
 * @module
 */
import { LightResponse } from '../core/fetch/light-response.ts'
import type { App, Server, ServerAddress, ServeOptions } from '../core/server/options.ts'
import type { Runtime } from '../core/server/runtime.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import type { Transport } from '../core/server/transport.ts'
import type { FileSystem } from '../core/static/file-system.ts'
import { zlibCompression } from './zlib-compression.ts'
import { zlibCodec } from './zlib-deflate.ts'

/** A `Runtime` backed by the host's `Date.now`, `setInterval`, `console` and node:zlib, and the driver's files. */
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
    files,
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
