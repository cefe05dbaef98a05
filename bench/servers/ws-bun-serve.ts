/**
 * Bun.serve's own WebSocket server (uWebSockets, native) serving the echo app
 * (`bench/servers/ws-app.ts`) unchanged: Portico's app shape is Bun's.
 */
import { benchPort, echoApp, listeningLine } from './ws-app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
declare const Bun: {
  serve(options: { port: number; hostname: string } & typeof echoApp): unknown
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
Bun.serve({ port, hostname: '127.0.0.1', ...echoApp })
console.log(listeningLine(port))
