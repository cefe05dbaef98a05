/**
 * What a driver gives the core besides sockets: the clock, timers and the log. Core reads no
 * global clock and sets no global timer (hyper's `Timer`), so tests run it on virtual time.
 * @module
 */
import type { FileSystem } from '../static/file-system.ts'
import type { DeflateCodecFactory } from '../ws/permessage-deflate.ts'
import type { CompressionCodecs } from './compression.ts'
import type { Telemetry } from './telemetry.ts'

/** Timers, injected so that core reads no global clock and tests can use a virtual one. */
export interface Timers {
  /** Calls `callback` once, after `ms` milliseconds, unless cancelled; returns a handle. */
  once(callback: () => void, ms: number): unknown
  /** Calls `callback` every `ms` milliseconds until cancelled; returns a handle. */
  repeat(callback: () => void, ms: number): unknown
  /** Stops a `once` or a `repeat`; unknown or spent handles are ignored. */
  cancel(handle: unknown): void
}

/** What a driver gives the core besides sockets: time, timers and the error log. */
export interface Runtime {
  /** Runtime name, for logs and `info`. */
  name: string
  /** Milliseconds since the epoch. */
  now(): number
  timers: Timers
  /** Default error log when the user gives none. */
  log(message: string, error?: unknown): void
  /** Informational output, e.g. the `Listening on …` line. */
  print(message: string): void
  /**
   * Raw DEFLATE with sync flush and context takeover for WebSocket permessage-deflate
   * (RFC 7692), which no Web API offers; without it, compression is not negotiated.
   */
  deflate?: DeflateCodecFactory
  /** Response compressors (gzip, br, zstd) for the `compression` option; without them it is refused. */
  compression?: CompressionCodecs
  /**
   * A `Buffer` over the same memory as `bytes` (no copy), for WebSocket binary messages
   * (`binaryType: 'nodebuffer'`, the default). Without it, they arrive as Uint8Array.
   */
  nodeBuffer?: (bytes: Uint8Array) => Uint8Array
  /** Read-only files for the `static` option; without them it is refused. */
  files?: FileSystem
  /**
   * The telemetry `ServeOptions.telemetry: true` stands for (the drivers: OpenTelemetry, its
   * API module imported only then). Called once, before listening; a rejection fails
   * `ready()`. Without it, `telemetry: true` is refused.
   */
  telemetry?: () => Promise<Telemetry>
}
