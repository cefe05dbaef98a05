/** Deno.serve(app.fetch) serving the Hono app (`hono-app.ts`): how Hono apps run on Deno today. */
import { benchPort, listeningLine } from './app.ts'
import { app } from './hono-app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/deno.ts).
declare const Deno: {
  serve(options: { port: number; hostname: string; onListen: () => void }, handler: (request: Request) => Response | Promise<Response>): unknown
  env: { toObject(): Record<string, string> }
}

const port = benchPort(Deno.env.toObject())
Deno.serve({ port, hostname: '127.0.0.1', onListen: () => console.log(listeningLine(port)) }, app.fetch)
