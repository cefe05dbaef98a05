/** Portico's Node driver serving the benchmark app (`bench/servers/app.ts`). */
import process from 'node:process'
// The npm build (bench/run.ts builds it first), as installed users run Portico on Node.
import { serve } from '../../dist/node.js'
import { app, benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
