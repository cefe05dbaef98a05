/** Bun.serve serving the benchmark app (`bench/servers/app.ts`): Bun's native HTTP server. */
import { app, benchPort, listeningLine } from './app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Promise<Response> }): unknown
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
Bun.serve({ port, hostname: '127.0.0.1', fetch: app })
console.log(listeningLine(port))
