/**
 * The one test app, served by whichever runtime runs this file (srvx's `_fixture.ts`). The
 * suite spawns it with `node --import tsx`, `deno run -A` or `bun run` and talks to it over
 * 127.0.0.1. Environment:
 * - `PORT` (0 = any free port), `HEADERS_TIMEOUT`, `KEEP_ALIVE_TIMEOUT`, `GRACEFUL_TIMEOUT` (ms);
 * - `PORTICO_TLS=1` adds an HTTPS listener with `certs/cert.pem` and `certs/key.pem`;
 * - `PORTICO_TLS_HTTP1=1` adds one more with `http2: false` (ALPN offers only `http/1.1`);
 * - `PORTICO_UNIX=<path>` adds a unix socket listener.
 *
 * Stdout protocol, one line each: `LISTENING_TLS <url>`, `LISTENING_TLS_HTTP1 <url>`, `LISTENING_UNIX <path>` or
 * `SKIPPED <listener> <reason>` for the extra listeners, then `LISTENING <url>` last, so that
 * the suite can start once it sees that line. SIGTERM closes the server gracefully, then exits.
 *
 * The certificate is self-signed, test-only, valid ten years:
 * `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650
 *  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"`
 * @module
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import type { App, Server, ServeInfo, ServeOptions } from '../../core/server/options.ts'

type Serve = (app: App, options: ServeOptions) => Server

// node:process works in all three runtimes; only the driver differs.
const runtimeName: string = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node'
const { serve }: { serve: Serve } = await import(`../../runtimes/${runtimeName}.ts`)

const encoder = new TextEncoder()
const CHUNK_BYTES = 64 * 1024
/** Never written to, so one buffer can back every download chunk. */
const ZEROS = new Uint8Array(CHUNK_BYTES)
/** Ids of /abort requests whose signal fired. */
const aborted = new Set<string>()

function env(name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function intParam(url: URL, name: string, fallback: number): number {
  const value = url.searchParams.get(name)
  return value === null ? fallback : Number(value)
}

/** A pull stream of `total` bytes: `chunk(size)` makes each piece. */
function byteStream(total: number, chunk: (size: number) => Uint8Array): ReadableStream<Uint8Array> {
  let left = total
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (left === 0) return controller.close()
        const size = Math.min(CHUNK_BYTES, left)
        left -= size
        controller.enqueue(chunk(size))
      },
    },
    { highWaterMark: 0 },
  )
}

async function countBytes(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0
  // A reader loop: the DOM lib types lack ReadableStream's async iterator.
  const reader = body.getReader()
  let total = 0
  for (let next = await reader.read(); !next.done; next = await reader.read()) total += next.value.byteLength
  return total
}

async function handle(request: Request, info: ServeInfo): Promise<Response> {
  const url = new URL(request.url)
  switch (url.pathname) {
    case '/':
      return new Response('hello')
    case '/echo':
      return new Response(request.body, { headers: { 'content-type': 'application/octet-stream' } })
    case '/length':
      return new Response(String((await request.arrayBuffer()).byteLength))
    case '/upload':
      return new Response(String(await countBytes(request.body)))
    case '/throw':
      throw new Error('thrown by /throw')
    case '/reject':
      return Promise.reject(new Error('rejected by /reject'))
    case '/not-response':
      // Deliberately not a Response: the server must answer 500 itself.
      return { status: 200 } as unknown as Response
    case '/cookies': {
      const headers = new Headers()
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2, with comma; HttpOnly')
      return new Response('cookies', { headers })
    }
    case '/stream': {
      const n = intParam(url, 'n', 3)
      const size = intParam(url, 'size', 16)
      let sent = 0
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent === n) return controller.close()
            // A pause between chunks so that each goes out as its own chunk.
            if (sent > 0) await sleep(5)
            controller.enqueue(new Uint8Array(size).fill(0x61 + (sent % 26)))
            sent++
          },
        }),
      )
    }
    case '/slow':
      await sleep(intParam(url, 'ms', 500))
      return new Response('slow done')
    case '/abort': {
      const id = url.searchParams.get('id') ?? ''
      const signal = request.signal
      const fired = new Promise<void>((resolve) => {
        if (signal.aborted) resolve()
        else signal.addEventListener('abort', () => resolve(), { once: true })
      })
      // Read the body (if any) too: an EOF inside it is the other way a client leaves.
      void countBytes(request.body).catch(() => {})
      await Promise.race([fired, sleep(10_000)])
      if (signal.aborted) aborted.add(id)
      return new Response(signal.aborted ? 'aborted' : 'not aborted')
    }
    case '/aborted':
      return new Response(String(aborted.has(url.searchParams.get('id') ?? '')))
    case '/stream-error': {
      let step = 0
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (step++ === 0) return controller.enqueue(encoder.encode('first chunk'))
            // Late enough that the head and first chunk are already on the wire.
            await sleep(50)
            controller.error(new Error('stream failed by /stream-error'))
          },
        }),
      )
    }
    case '/no-read':
      return new Response('not read')
    case '/info':
      return Response.json({ info, url: request.url, method: request.method })
    case '/download': {
      const bytes = intParam(url, 'bytes', CHUNK_BYTES)
      return new Response(byteStream(bytes, (size) => (size === CHUNK_BYTES ? ZEROS : ZEROS.subarray(0, size))), {
        headers: { 'content-length': String(bytes), 'content-type': 'application/octet-stream' },
      })
    }
    case '/rss':
      return new Response(String(process.memoryUsage().rss))
    default:
      return new Response('not found', { status: 404 })
  }
}

const timeouts: ServeOptions = {
  headersTimeout: env('HEADERS_TIMEOUT', 1000),
  keepAliveTimeout: env('KEEP_ALIVE_TIMEOUT', 2000),
  gracefulTimeout: env('GRACEFUL_TIMEOUT', 3000),
  // The app's deliberate failures would flood the test output.
  log: () => {},
  onListen: () => {},
}

const servers: Server[] = []

/** Starts an extra listener; a runtime that cannot is reported, not fatal. */
async function startExtra(name: string, options: ServeOptions, line: (server: Server) => string): Promise<void> {
  try {
    const server = await serve(handle, { ...timeouts, ...options }).ready()
    servers.push(server)
    console.log(line(server))
  } catch (error) {
    console.log(`SKIPPED ${name} ${error instanceof Error ? error.message : String(error)}`)
  }
}

const certs = new URL('./certs/', import.meta.url)
const tls = () => ({ cert: readFileSync(new URL('cert.pem', certs), 'utf8'), key: readFileSync(new URL('key.pem', certs), 'utf8') })
if (process.env['PORTICO_TLS'] === '1') {
  await startExtra('tls', { hostname: '127.0.0.1', port: 0, tls: tls() }, (server) => `LISTENING_TLS ${server.url}`)
}
if (process.env['PORTICO_TLS_HTTP1'] === '1') {
  const options = { hostname: '127.0.0.1', port: 0, tls: tls(), http2: false }
  await startExtra('tls-http1', options, (server) => `LISTENING_TLS_HTTP1 ${server.url}`)
}
const unixPath = process.env['PORTICO_UNIX']
if (unixPath !== undefined && unixPath !== '') {
  await startExtra('unix', { unix: unixPath }, () => `LISTENING_UNIX ${unixPath}`)
}

const main = await serve(handle, { ...timeouts, hostname: '127.0.0.1', port: env('PORT', 0) }).ready()
servers.push(main)
console.log(`LISTENING ${main.url}`)

process.on('SIGTERM', () => {
  void Promise.all(servers.map((server) => server.close())).then(() => process.exit(0))
})
