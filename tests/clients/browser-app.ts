/**
 * The page that tests/clients/browser.test.ts opens in headless Chromium, served by Portico on
 * whichever runtime runs this file (`node --import tsx`, `deno run -A` or `bun run`), like
 * tests/integration/fixture.ts, whose stdout protocol it shares: one `LISTENING <url>` line
 * once it serves on 127.0.0.1 (`PORT`, 0 = any free port). SIGTERM closes it gracefully.
 *
 * - `GET /`: an HTML page with a file upload form; it loads `/app.js`.
 * - `GET /app.js`: marks the page as scripted and counts server-sent events into `window.portico`.
 * - `POST /upload`: parses the multipart body with `request.formData()` and answers, as JSON,
 *   what it received: the file's name, type, size and byte sum, and the text field.
 * - `GET /events?n=N`: a `text/event-stream` of N events, 20 ms apart, then the end of the body.
 * @module
 */
import process from 'node:process'
import type { App, Server, ServeOptions } from '../../core/server/options.ts'

type Serve = (app: App, options: ServeOptions) => Server

const runtimeName: string = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node'
const { serve }: { serve: Serve } = await import(`../../runtimes/${runtimeName}.ts`)

const encoder = new TextEncoder()

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Portico on ${runtimeName}</title><script src="/app.js" defer></script></head>
<body>
<h1>Portico on ${runtimeName}</h1>
<p id="status">no script yet</p>
<form id="upload" action="/upload" method="post" enctype="multipart/form-data">
<input type="text" name="note" value="">
<input type="file" name="file">
<button type="submit">Send</button>
</form>
</body>
</html>
`

/** Runs in the browser: exposes what the test waits for on `window.portico`. */
const SCRIPT = `
window.portico = { scriptRan: true, events: [], times: [], lastEventId: '', errors: 0 }
document.getElementById('status').textContent = 'script ran'
window.portico.listen = (n) => {
  const source = new EventSource('/events?n=' + n)
  source.onmessage = (event) => {
    window.portico.events.push(event.data)
    window.portico.times.push(performance.now())
    window.portico.lastEventId = event.lastEventId
    // The stream ends after n events; closing here stops EventSource from reconnecting.
    if (window.portico.events.length === n) source.close()
  }
  source.onerror = () => { window.portico.errors++ }
}
`

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** N events 20 ms apart; event i carries `id: i` and a two-line data field for the last one. */
function events(n: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A comment line first, as servers send to open the stream; EventSource ignores it.
      controller.enqueue(encoder.encode(': portico\nretry: 60000\n\n'))
    },
    async pull(controller) {
      if (sent === n) return controller.close()
      await sleep(20)
      sent++
      const data = sent === n ? `data: event ${sent}\ndata: last` : `data: event ${sent}`
      controller.enqueue(encoder.encode(`id: ${sent}\n${data}\n\n`))
    },
  })
}

async function upload(request: Request): Promise<Response> {
  const form = await request.formData()
  const file = form.get('file')
  if (file === null || typeof file === 'string') return Response.json({ error: 'no file field' }, { status: 400 })
  const bytes = new Uint8Array(await file.arrayBuffer())
  let sum = 0
  for (const byte of bytes) sum = (sum + byte) >>> 0
  return Response.json({ name: file.name, type: file.type, size: file.size, read: bytes.byteLength, sum, note: form.get('note') })
}

/** The app: a fetch handler. */
async function app(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const route = `${request.method} ${url.pathname}`
  switch (route) {
    case 'GET /':
      return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    case 'GET /app.js':
      return new Response(SCRIPT, { headers: { 'content-type': 'text/javascript; charset=utf-8' } })
    case 'POST /upload':
      return upload(request)
    case 'GET /events':
      return new Response(events(Number(url.searchParams.get('n') ?? '3')), {
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      })
    default:
      return new Response('not found', { status: 404 })
  }
}

const server = await serve(app, {
  hostname: '127.0.0.1',
  port: Number(process.env['PORT'] ?? '0'),
  onListen: () => {},
}).ready()
console.log(`LISTENING ${server.url}`)

process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0))
})
