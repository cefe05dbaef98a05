/** Portico's Deno driver serving the WebSocket echo app (`bench/servers/ws-app.ts`). */
import process from 'node:process'
import { serve } from '../../runtimes/deno.ts'
import { benchPort, echoApp, listeningLine } from './ws-app.ts'

const port = benchPort(process.env)
const server = serve(echoApp, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
