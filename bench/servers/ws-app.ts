/**
 * The WebSocket echo app of `npm run bench:ws` (bench/ws.ts), in Bun's shape: served unchanged
 * by ws-portico-node, ws-portico-deno, ws-portico-bun (Portico's drivers) and ws-bun-serve
 * (Bun.serve). Every message comes back as it came: text as text, binary as binary. No
 * permessage-deflate (off by default in Bun and Portico; the load generator does not offer it).
 * @module
 */
import type { App, ServerWebSocket, WebSocketMessageData } from '../../core/server/options.ts'

export { benchPort, listeningLine } from './app.ts'

/** Upgrades every request; a request that is not a valid upgrade gets 400. */
export const echoApp = {
  fetch(request, info) {
    // After a successful upgrade the return value is ignored (Bun returns nothing here).
    if (info.upgrade(request)) return undefined as unknown as Response
    return new Response('WebSocket only', { status: 400 })
  },
  websocket: {
    message(ws: ServerWebSocket<unknown>, message: WebSocketMessageData): void {
      ws.send(message)
    },
  },
} satisfies App
