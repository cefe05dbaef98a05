/** Portico's Deno driver serving the benchmark app (`bench/servers/app.ts`). */
import process from 'node:process'
import { serve } from '../../runtimes/deno.ts'
import { app, benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
