/**
 * Bun.serve serving the benchmark app (`bench/servers/app.ts`): Bun's native HTTP server. With
 * `BENCH_TLS=1` it serves HTTPS; with `BENCH_HTTP2=1` it also serves HTTP/2 (Bun's experimental
 * `http2` option: h2 through ALPN over TLS, h2c with prior knowledge on a plain port).
 */
import { app, benchPort, listeningLine } from './app.ts'
import { benchTls } from './tls.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
declare const Bun: {
  serve(options: {
    port: number
    hostname: string
    tls?: { cert: string; key: string }
    http2?: boolean
    fetch: (request: Request) => Promise<Response>
  }): unknown
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
Bun.serve({ port, hostname: '127.0.0.1', tls: benchTls(Bun.env), http2: Bun.env.BENCH_HTTP2 === '1', fetch: app })
console.log(listeningLine(port))
