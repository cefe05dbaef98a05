/**
 * Portico's Bun driver without the kernel: CPU µs per request of the driver (runtimes/bun.ts,
 * unchanged) and the engine behind it, with `Bun.listen` replaced by a fake whose sockets take
 * every write at once. 64 connections; each answer is followed, one macrotask later, by the
 * connection's next request, handed to the driver's `data` handler as Bun hands a read over (a
 * new Uint8Array). On a shared machine this is far steadier than wrk against a server, and what
 * it measures is exactly what Portico adds to Bun's socket floor (raw-bun pays the kernel too).
 * Run it from each tree to compare (base, change, base, change):
 *
 *     node_modules/.bin/bun bench/bun-in-process.ts get|post|hono [requests]
 *
 * get: bench/servers/app.ts's `GET /`; post: its `POST /post` with a 4 KiB body in one read;
 * hono: bench/servers/hono-app.ts with bench/hono-mix.lua's 16 requests in turn.
 * @module
 */
import { serve } from '../runtimes/bun.ts'
import { app as benchApp } from './servers/app.ts'
import { HONO_MIX, wire } from './hono-mix.ts'
import { app as honoApp } from './servers/hono-app.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
type Handlers = { open(socket: FakeSocket): void; data(socket: FakeSocket, bytes: Uint8Array): void }
declare const Bun: { listen(options: { socket: Handlers }): unknown }

const scenario = process.argv[2] ?? 'get'
const requests = Number(process.argv[3] ?? 300_000)
const CONNECTIONS = 64

const encoder = new TextEncoder()
const mix = scenario === 'hono'
  ? HONO_MIX.map(([method, path, body]) => wire(method, path, body))
  : scenario === 'post'
  ? [wire('POST', '/post', 'x'.repeat(4096))]
  : [wire('GET', '/')]

let handlers!: Handlers
;(Bun as { listen: unknown }).listen = (options: { socket: Handlers }) => {
  handlers = options.socket
  return { hostname: '127.0.0.1', port: 8000, stop() {} }
}

let answered = 0
let failed = 0
const HTTP11 = encoder.encode('HTTP/1.1 ')
function startsResponse(bytes: Uint8Array): boolean {
  for (let i = 0; i < HTTP11.length; i++) if (bytes[i] !== HTTP11[i]) return false
  return true
}
let finished!: () => void
const done = new Promise<void>((resolve) => (finished = resolve))

/** The part of a Bun socket the driver uses; every write is taken whole. */
class FakeSocket {
  data: unknown = null
  readonly remoteAddress = '127.0.0.1'
  readonly remotePort = 40000
  readonly localAddress = '127.0.0.1'
  readonly localPort = 8000
  readonly alpnProtocol = null
  private sent = 0
  readonly next = (): void => handlers.data(this, new Uint8Array(mix[this.sent++ % mix.length]!))
  write(bytes: Uint8Array): number {
    // A write that starts a response (a streamed body's later writes do not) answers one request.
    if (!startsResponse(bytes)) return bytes.length
    if (bytes[9] !== 0x32) failed++ // not 2xx
    if (++answered === requests) finished()
    else if (answered < requests) setImmediate(this.next)
    return bytes.length
  }
  shutdown(): void {}
  end(): void {}
  terminate(): void {}
  pause(): void {}
  resume(): void {}
  setNoDelay(): boolean {
    return true
  }
}

const server = serve(scenario === 'hono' ? honoApp.fetch : benchApp, { port: 8000, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
const sockets = Array.from({ length: CONNECTIONS }, () => new FakeSocket())
for (const socket of sockets) handlers.open(socket)
const before = process.cpuUsage()
for (const socket of sockets) socket.next()
await done
const cpu = process.cpuUsage(before)
console.log(`${scenario}: ${((cpu.user + cpu.system) / requests).toFixed(2)} CPU µs per request over ${requests} requests` +
  (failed > 0 ? `, ${failed} answers not 2xx` : ''))
process.exit(0)
