/** Portico's Deno driver serving the benchmark app (`bench/servers/app.ts`); HTTPS with `BENCH_TLS=1`. */
import process from 'node:process'
import { serve } from '../../runtimes/deno.ts'
import { app, benchPort, listeningLine } from './app.ts'
import { benchTls } from './tls.ts'

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', tls: benchTls(process.env), onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
