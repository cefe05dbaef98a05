/**
 * A WebSocket client process for tests/integration/websocket.test.ts: runs the scenarios of
 * tests/helpers/ws-scenarios.ts with the runtime's own built-in `WebSocket` (Deno's or
 * Bun's), and prints `RESULT <json>` on one line. Usage:
 * `deno run -A tests/integration/websocket-client.ts '<ScenarioConfig json>'` (or `bun run`).
 * @module
 */
import process from 'node:process'
import { runScenarios, type ClientKit, type WsLike } from '../helpers/ws-scenarios.ts'

/** Bun's client WebSocket can ping, and fires `pong` events (not in the WHATWG API). */
interface BunWebSocket extends WsLike {
  ping(data: string): void
}

const config = JSON.parse(process.argv[2] ?? '{}')
const isBun = 'Bun' in globalThis

const kit: ClientKit = {
  open: (url, protocols) => new WebSocket(url, protocols) as unknown as WsLike,
}
if (isBun) {
  kit.ping = (socket, data) =>
    new Promise((resolve) => {
      socket.addEventListener('pong', (event: { data: ArrayBuffer | string }) =>
        resolve(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data)))
      ;(socket as BunWebSocket).ping(data)
    })
}

const results = await runScenarios(config, kit)
console.log(`RESULT ${JSON.stringify(results)}`)
process.exit(0)
