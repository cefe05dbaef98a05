/**
 * The WebSocket servers compared by `npm run bench:ws` (bench/ws.ts) and
 * `npm run bench:ws-idle` (bench/ws-idle.ts): Portico on each runtime and that runtime's own.
 * @module
 */
import { serverCommand, type RuntimeName } from './pinned-process.ts'

export interface ServerDef {
  name: string
  runtime: RuntimeName
  file: string
  /** For Portico rows: the runtime's own server and the goal ratio against it. */
  peer?: { name: string; goal: number }
  what: string
}

export const SERVERS: ServerDef[] = [
  { name: 'portico-node', runtime: 'node', file: 'ws-portico-node', peer: { name: 'node-ws', goal: 1 },
    what: 'Portico on Node (npm build), the echo app of bench/servers/ws-app.ts' },
  { name: 'node-ws', runtime: 'node', file: 'ws-node-ws', what: '`ws` on node:http, no native add-ons' },
  { name: 'portico-deno', runtime: 'deno', file: 'ws-portico-deno', peer: { name: 'deno-serve', goal: 1 },
    what: 'Portico on Deno, the same app' },
  { name: 'deno-serve', runtime: 'deno', file: 'ws-deno-serve', what: '`Deno.upgradeWebSocket` on `Deno.serve`' },
  { name: 'portico-bun', runtime: 'bun', file: 'ws-portico-bun', peer: { name: 'bun-serve', goal: 0.7 },
    what: 'Portico on Bun, the same app' },
  { name: 'bun-serve', runtime: 'bun', file: 'ws-bun-serve', what: '`Bun.serve` with `websocket` handlers (uWebSockets), the same app' },
]

/** The server process itself (no npx or tsx wrapper), so its /proc entry is the server's. */
export function command(def: ServerDef): string[] {
  return serverCommand(def.runtime, `bench/servers/${def.file}.ts`)
}
