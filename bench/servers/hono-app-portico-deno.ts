/** Portico's Deno driver serving the Hono app (`hono-app.ts`). */
import process from 'node:process'
import { serve } from '../../runtimes/deno.ts'
import { benchPort, listeningLine } from './app.ts'
import { app } from './hono-app.ts'

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
