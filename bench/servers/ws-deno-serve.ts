/**
 * Deno's own WebSockets: `Deno.upgradeWebSocket` on `Deno.serve`, echoing every message as it
 * came (the shape of Deno's docs). `binaryType = 'arraybuffer'` so binary messages arrive as
 * bytes, not Blobs (as with the other servers).
 */
import { benchPort, listeningLine } from './app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/deno.ts).
declare const Deno: {
  serve(options: { port: number; hostname: string; onListen: () => void }, handler: (request: Request) => Response): unknown
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response }
  env: { toObject(): Record<string, string> }
}

const port = benchPort(Deno.env.toObject())
Deno.serve({ port, hostname: '127.0.0.1', onListen: () => console.log(listeningLine(port)) }, (request) => {
  if (request.headers.get('upgrade') !== 'websocket') return new Response('WebSocket only', { status: 400 })
  const { socket, response } = Deno.upgradeWebSocket(request)
  socket.binaryType = 'arraybuffer'
  socket.onmessage = (event: MessageEvent<string | ArrayBuffer>) => socket.send(event.data)
  return response
})
