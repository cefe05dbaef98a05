// A Deno WebSocket app on Portico: `Deno.upgradeWebSocket(request)` becomes
// `upgradeWebSocket(request)` from 'portico'; the socket is the same browser WebSocket
// (onopen, onmessage, send, close…), so the rest of the app is unchanged. Runs on Node,
// Deno and Bun:
//   npx portico examples/deno-websocket.ts --port 8000
// In your project, import from 'portico' (JSR: '@portico/server').
import { upgradeWebSocket } from '../runtimes/mod.ts'

const sockets = new Set<WebSocket>()

export default {
  fetch(request: Request): Response {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Connect with a WebSocket client\n', { status: 426, headers: { upgrade: 'websocket' } })
    }
    const { socket, response } = upgradeWebSocket(request, { idleTimeout: 60 })
    socket.onopen = () => {
      sockets.add(socket)
      socket.send(`hello, ${sockets.size} connected`)
    }
    socket.onmessage = (event) => {
      // Text arrives as a string, binary as an ArrayBuffer (binaryType 'arraybuffer', Deno's default).
      if (event.data === 'bye') socket.close(4000, 'bye')
      else if (typeof event.data === 'string') socket.send(event.data.toUpperCase())
      else socket.send(event.data as ArrayBuffer)
    }
    socket.onclose = () => sockets.delete(socket)
    socket.onerror = (event) => console.error('WebSocket error', event)
    return response
  },
}
