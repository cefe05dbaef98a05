/** Bun.serve answering each request with `Bun.file` (sendfile for whole files), the way Bun's docs serve files. */
import { benchPort, listeningLine } from './app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Response }): unknown
  file(path: string): Blob & { size: number }
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
const dir = Bun.env['STATIC_DIR']!
Bun.serve({
  port,
  hostname: '127.0.0.1',
  // No traversal check: the benchmark asks for two known names (a real server needs one).
  fetch: (request) => new Response(Bun.file(dir + new URL(request.url).pathname)),
})
console.log(listeningLine(port))
