/**
 * The static-files fixture, served by whichever runtime runs this file: `STATIC_DIR` (built by
 * the suite, see static-suite.ts) in front of a small app, with compression on, through the
 * `static` and `compression` options of `serve()`. `/api/*` is the app: `/api/sse` sends five
 * server-sent events 250 ms apart; `/api/text` a 20 KB text body with a strong ETag.
 * Prints `LISTENING <url>` (see suite.ts's `fixtureLauncher`), then `ACCESS <method> <target> <status>`
 * per response, for tests that check what a client asked (a browser's revalidations).
 * @module
 */
import process from 'node:process'
import type { App, Server, ServeOptions } from '../../core/server/options.ts'

type Serve = (app: App, options: ServeOptions) => Server
const runtimeName: string = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node'
const { serve }: { serve: Serve } = await import(`../../runtimes/${runtimeName}.ts`)

const encoder = new TextEncoder()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function app(request: Request): Response {
  const path = new URL(request.url).pathname
  if (path === '/api/sse') {
    let sent = 0
    return new Response(new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent > 0) await sleep(250)
        if (sent === 5) return controller.close()
        controller.enqueue(encoder.encode(`data: event ${sent++}\n\n`))
      },
    }, { highWaterMark: 0 }), { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
  }
  if (path === '/api/text') return new Response('portico '.repeat(2500), { headers: { etag: '"text-v1"' } })
  if (path.startsWith('/api/')) return new Response(`app: ${request.method} ${path}`)
  return new Response('app: no such page', { status: 404 })
}

const server = await serve(app, {
  hostname: '127.0.0.1',
  port: Number(process.env['PORT'] ?? 0),
  static: { dir: process.env['STATIC_DIR']!, precompressed: true },
  compression: true,
  log: () => {},
  onListen: () => {},
  accessLog: (entry) => console.log(`ACCESS ${entry.method} ${entry.target} ${entry.status}`),
}).ready()
console.log(`LISTENING ${server.url}`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
