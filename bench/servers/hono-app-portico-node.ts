/** Portico's Node driver (the npm build, as in portico-node.ts) serving the Hono app (`hono-app.ts`). */
import process from 'node:process'
import { benchPort, listeningLine } from './app.ts'
import { app } from './hono-app.ts'

const built = new URL('../../dist/node.js', import.meta.url).href
const { serve } = (await import(built)) as typeof import('../../runtimes/node.ts')

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
