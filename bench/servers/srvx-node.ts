/** srvx's Node adapter serving the benchmark app (`bench/servers/app.ts`). */
import { serve } from 'srvx/node'
import { app, benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
const server = serve({ fetch: app, port, hostname: '127.0.0.1', silent: true })
await server.ready()
console.log(listeningLine(port))
