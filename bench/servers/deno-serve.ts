/** Deno.serve serving the benchmark app (`bench/servers/app.ts`): Deno's native HTTP server. */
import { app, benchPort, listeningLine } from './app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/deno.ts).
declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen: () => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown
  env: { toObject(): Record<string, string> }
}

const port = benchPort(Deno.env.toObject())
Deno.serve({ port, hostname: '127.0.0.1', onListen: () => console.log(listeningLine(port)) }, app)
