/** Portico's Node driver serving the benchmark app (`bench/servers/app.ts`); HTTPS with `BENCH_TLS=1`. */
import process from 'node:process'
import { app, benchPort, listeningLine } from './app.ts'
import { benchTls } from './tls.ts'

// The npm build (bench/run.ts builds it first), as installed users run Portico on Node. A
// computed URL, so that type-checking a fresh clone (no dist/ yet) takes the source's types.
const built = new URL('../../dist/node.js', import.meta.url).href
const { serve } = (await import(built)) as typeof import('../../runtimes/node.ts')

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', tls: benchTls(process.env), onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
