/**
 * The servers and scenarios of `npm run bench` (bench/run.ts): which server processes run,
 * which wrk load each scenario puts on them, and the check each server passes first.
 * @module
 */
import type { RuntimeName } from './pinned-process.ts'
import { fetchCheck, honoCheck, pipelineCheck, type Check } from './server-checks.ts'

/** One benchmark server: bench/servers/<name>.ts unless a scenario names another file. */
export interface ServerDef {
  name: string
  runtime: RuntimeName
  /** A raw socket server (bench/servers/raw.ts): the floor row of the scenarios that want one. */
  raw?: boolean
  /** Portico with OpenTelemetry: in the scenarios that keep `otel`. */
  otel?: boolean
}

/** Table order: each runtime's Portico first, then its peers, then its raw floor. */
export const SERVERS: ServerDef[] = [
  { name: 'portico-node', runtime: 'node' },
  { name: 'portico-node-otel', runtime: 'node', otel: true },
  { name: 'node-http', runtime: 'node' },
  { name: 'hono-node', runtime: 'node' },
  { name: 'srvx-node', runtime: 'node' },
  { name: 'raw-node', runtime: 'node', raw: true },
  { name: 'portico-deno', runtime: 'deno' },
  { name: 'portico-deno-otel', runtime: 'deno', otel: true },
  { name: 'deno-serve', runtime: 'deno' },
  { name: 'raw-deno', runtime: 'deno', raw: true },
  { name: 'portico-bun', runtime: 'bun' },
  { name: 'portico-bun-otel', runtime: 'bun', otel: true },
  { name: 'bun-serve', runtime: 'bun' },
  { name: 'raw-bun', runtime: 'bun', raw: true },
]

/** The scenario ids, in table order. */
export type ScenarioId = 'get' | 'post' | 'close' | 'stream' | 'pipeline' | 'hono'

export interface Scenario {
  id: ScenarioId
  title: string
  path: string
  connections: number
  /** The wrk script in bench/, its arguments (after `--`), and extra wrk options (`-H …`). */
  script: string
  scriptArgs: string[]
  wrkOptions: string[]
  /** Run once per server start before loading; a problem voids the row. */
  check: Check
  /** Whether the raw floor rows and the OpenTelemetry rows run it. */
  raw: boolean
  otel: boolean
  /** Only these servers run it, each from the file given (the Hono app on each server). */
  files?: Record<string, string>
}

const isHello = (body: string): boolean => body === 'Hello, World!'
export const SCENARIOS: Scenario[] = [
  { id: 'get', title: 'GET / keep-alive (`Hello, World!`, 64 connections)', path: '/', connections: 64,
    script: 'wrk-report.lua', scriptArgs: [], wrkOptions: [], check: fetchCheck('/', {}, isHello), raw: true, otel: true },
  { id: 'post', title: 'POST /post, 4 KiB body read fully, length answered (64 connections)', path: '/post', connections: 64,
    script: 'post-4k.lua', scriptArgs: [], wrkOptions: [],
    check: fetchCheck('/post', { method: 'POST', body: new Uint8Array(4096) }, (b) => b === '4096'), raw: true, otel: true },
  { id: 'close', title: 'GET / with `Connection: close` (a new connection per request, 64 connections)', path: '/', connections: 64,
    script: 'wrk-report.lua', scriptArgs: [], wrkOptions: ['-H', 'Connection: close'], check: fetchCheck('/', {}, isHello), raw: true, otel: true },
  { id: 'stream', title: 'GET /stream, 1 MiB as 16 × 64 KiB stream chunks (16 connections)', path: '/stream', connections: 16,
    script: 'wrk-report.lua', scriptArgs: [], wrkOptions: [], check: fetchCheck('/stream', {}, (b) => b.length === 1 << 20), raw: false, otel: true },
  { id: 'pipeline', title: 'GET /plaintext, 16 requests pipelined per write (TechEmpower "plaintext", 64 connections)', path: '/plaintext',
    connections: 64, script: 'pipeline.lua', scriptArgs: ['16'], wrkOptions: [], check: pipelineCheck, raw: true, otel: false },
  { id: 'hono', title: 'A Hono app: 20 routes, a middleware, JSON in and out; wrk cycles through 16 requests to 14 routes (64 connections)',
    path: '/', connections: 64, script: 'hono-mix.lua', scriptArgs: [], wrkOptions: [], check: honoCheck, raw: false, otel: false,
    files: {
      'portico-node': 'hono-app-portico-node.ts',
      'hono-node': 'hono-app-node-server.ts',
      'portico-deno': 'hono-app-portico-deno.ts',
      'deno-serve': 'hono-app-deno-serve.ts',
      'portico-bun': 'hono-app-portico-bun.ts',
      'bun-serve': 'hono-app-bun-serve.ts',
    } },
]

/** The file a server serves a scenario from, or null when it does not run it. */
export function serverFile(def: ServerDef, scenario: Scenario): string | null {
  if (scenario.files) return scenario.files[def.name] ?? null
  if ((def.raw && !scenario.raw) || (def.otel && !scenario.otel)) return null
  return `${def.name}.ts`
}
