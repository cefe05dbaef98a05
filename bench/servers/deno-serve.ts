/**
 * Deno.serve serving the benchmark app (`bench/servers/app.ts`): Deno's native HTTP server. On a
 * plain port it answers HTTP/1.1 and h2c with prior knowledge; with `BENCH_TLS=1` it serves
 * HTTPS and offers h2 through ALPN.
 */
import { app, benchPort, listeningLine } from './app.ts'
import { benchTls } from './tls.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/deno.ts).
declare const Deno: {
  serve(
    options: { port: number; hostname: string; cert?: string; key?: string; onListen: () => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown
  env: { toObject(): Record<string, string> }
}

const env = Deno.env.toObject()
const port = benchPort(env)
Deno.serve({ port, hostname: '127.0.0.1', ...benchTls(env), onListen: () => console.log(listeningLine(port)) }, app)
