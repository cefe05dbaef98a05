/**
 * The servers of the HTTP/2 benchmark (bench/h2.ts, bench/h2-probe.ts), all answering the routes
 * of bench/servers/app.ts on 127.0.0.1, each in clear text (h2c with prior knowledge) or, with
 * `BENCH_TLS=1`, over TLS with the integration tests' self-signed certificate (h2 through ALPN).
 * @module
 */
import { serverCommand, type RuntimeName } from './pinned-process.ts'
import type { H2Transport } from './h2load.ts'

/** One server of the HTTP/2 table. */
export interface H2ServerDef {
  name: string
  runtime: RuntimeName
  /** bench/servers/<file>.ts */
  file: string
  /** For Portico rows: the runtime's own HTTP/2 server, and the goal ratio of issue 14 if any. */
  peer?: { name: string; goal?: number }
  what: string
}

/** Table order: each runtime's Portico, then its own HTTP/2 server. */
export const H2_SERVERS: H2ServerDef[] = [
  { name: 'portico-node', runtime: 'node', file: 'portico-node', peer: { name: 'node-http2', goal: 1.2 },
    what: 'Portico on Node (npm build), the fetch handler of bench/servers/app.ts' },
  { name: 'node-http2', runtime: 'node', file: 'node-http2',
    what: 'node:http2 `createServer` (h2c) / `createSecureServer` (TLS), core `stream` API' },
  { name: 'portico-deno', runtime: 'deno', file: 'portico-deno', peer: { name: 'deno-serve', goal: 0.8 },
    what: 'Portico on Deno, the same handler' },
  { name: 'deno-serve', runtime: 'deno', file: 'deno-serve', what: '`Deno.serve` (h2c on a plain port, TLS with `cert`/`key`), the same handler' },
  { name: 'portico-bun', runtime: 'bun', file: 'portico-bun', peer: { name: 'bun-serve' }, what: 'Portico on Bun, the same handler' },
  { name: 'bun-serve', runtime: 'bun', file: 'bun-serve',
    what: '`Bun.serve` with its experimental `http2: true` (without it Bun.serve offers no h2 in ALPN and refuses h2c), the same handler' },
]

/** Whether a row is Portico's own (its failures are "pending server integration", not a peer's fault). */
export function isPortico(def: H2ServerDef): boolean {
  return def.name.startsWith('portico-')
}

/** The command that starts `def`, and the environment that picks the transport. */
export function h2ServerLaunch(def: H2ServerDef, transport: H2Transport): { command: string[]; env: Record<string, string> } {
  return {
    command: serverCommand(def.runtime, `bench/servers/${def.file}.ts`),
    env: { BENCH_TLS: transport === 'tls' ? '1' : '0', BENCH_HTTP2: '1' },
  }
}
