/** Bun.serve({ fetch: app.fetch }) serving the Hono app (`hono-app.ts`): how Hono apps run on Bun today. */
import { benchPort, listeningLine } from './app.ts'
import { app } from './hono-app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Response | Promise<Response> }): unknown
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
Bun.serve({ port, hostname: '127.0.0.1', fetch: app.fetch })
console.log(listeningLine(port))
