/**
 * The whole server stack with no sockets: `startServer` over in-memory transports, so that
 * CPU µs per request shows Portico's own work (loop, engine, exchange, app, serialization)
 * without the runtime's socket layer, and a `--cpu-prof` of it names Portico's functions.
 * Each of `CONNS` connections is a client that sends the next batch once the last one is
 * answered in full, in a new macrotask (as a socket read would arrive). By hand, never in CI:
 *
 *   npx esbuild bench/in-process.ts --bundle --platform=node --format=esm --outfile=/tmp/in-process.mjs
 *   taskset -c 0 node /tmp/in-process.mjs                 # 16 pipelined GET /plaintext per read
 *   APP=trivial taskset -c 0 node /tmp/in-process.mjs     # the same, app without URL parsing
 *   APP=hono taskset -c 0 node /tmp/in-process.mjs        # the Hono app, one request per read
 *   taskset -c 0 node --cpu-prof /tmp/in-process.mjs      # profile (an esbuild bundle: no tsx frames)
 *
 * Environment: `APP` (bench | trivial | hono), `DEPTH` (16) requests per read, `CONNS` (64),
 * `SECONDS` (3) per measured run, three runs after a one-second warm-up. Node only
 * (process.cpuUsage, setImmediate); a bundle runs under `deno run -A` too.
 * @module
 */
import process from 'node:process'
import { concatBytes } from '../core/http/ascii.ts'
import { startServer, type App, type Listener, type Runtime, type Transport } from '../core/mod.ts'
import { installLightResponse } from '../runtimes/shared.ts'
import { app as benchApp } from './servers/app.ts'
import { HONO_MIX, wire } from './hono-mix.ts'
import { app as honoApp } from './servers/hono-app.ts'

installLightResponse() // as the drivers do by default
const MODE = process.env.APP ?? 'bench'
const DEPTH = Number(process.env.DEPTH ?? 16)
const CONNS = Number(process.env.CONNS ?? 64)
const SECONDS = Number(process.env.SECONDS ?? 3)
const encoder = new TextEncoder()

const app: App = MODE === 'hono' ? honoApp : MODE === 'trivial' ? async () => new Response('Hello, World!') : benchApp
/** What each read brings, in turn: 16 TechEmpower GETs, or one request of bench/hono-mix.lua's cycle. */
const reads: Uint8Array[] = MODE === 'hono'
  ? HONO_MIX.map(([method, path, body]) => wire(method, path, body))
  : [encoder.encode(('GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n' +
    'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n' +
    'Connection: keep-alive\r\n\r\n').repeat(DEPTH))]
/** Requests per read. */
const perRead = MODE === 'hono' ? 1 : DEPTH

let answered = 0
let writes = 0
let running = true

/**
 * A client on the far side of an in-memory transport. A read is answered when its responses'
 * bytes have arrived: one write per response for the Hono app (none is streamed), and for the
 * pipelined GETs `perRead` times the length of the first (identical) response.
 */
class MemoryClient implements Transport {
  readonly remoteAddress = '127.0.0.1'
  readonly remotePort = 40000
  readonly localAddress = '127.0.0.1'
  readonly localPort = 8000
  private waiter: ((chunk: Uint8Array | null) => void) | null = null
  private queued: Uint8Array | null = null
  private next = 0
  private received = 0
  private responseBytes = 0

  constructor() {
    this.send()
  }

  read(): Promise<Uint8Array | null> {
    const queued = this.queued
    if (queued !== null) {
      this.queued = null
      return Promise.resolve(queued)
    }
    return new Promise((resolve) => (this.waiter = resolve))
  }

  write(bytes: Uint8Array): void {
    writes++
    this.received += bytes.length
    if (MODE === 'hono') return this.answered(1)
    // The first write of a connection's first read tells one response's length.
    if (this.responseBytes === 0) this.responseBytes = bytes.length / perRead
    if (this.received >= perRead * this.responseBytes) {
      this.received -= perRead * this.responseBytes
      this.answered(perRead)
    }
  }

  writeMany(parts: readonly Uint8Array[]): void {
    this.write(concatBytes(parts))
  }

  closeWrite(): void {}
  abort(): void {}

  private answered(requests: number): void {
    answered += requests
    if (running) this.send()
  }

  /** The next read's bytes, a macrotask later (a fresh copy: the engine keeps views). */
  private send(): void {
    setImmediate(() => {
      const chunk = reads[this.next++ % reads.length]!.slice()
      const waiter = this.waiter
      if (waiter === null) this.queued = chunk
      else {
        this.waiter = null
        waiter(chunk)
      }
    })
  }
}

const runtime: Runtime = {
  name: 'in-process',
  now: Date.now,
  timers: {
    once: (callback, ms) => setTimeout(callback, ms),
    repeat: (callback, ms) => setInterval(callback, ms),
    cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
  log: (message, error) => console.error(message, error ?? ''),
  print: () => {},
}

let accept: ((transport: Transport) => void) | null = null
const server = startServer(app, { onListen: () => {} }, runtime, (onConnection): Listener => {
  accept = onConnection
  return { address: { transport: 'tcp', hostname: 'memory', port: 0, url: 'http://memory/' }, close: () => {} }
})
await server.ready()
for (let i = 0; i < CONNS; i++) accept!(new MemoryClient())

async function measure(seconds: number): Promise<{ requests: number; cpuUs: number; perWrite: number }> {
  const requests0 = answered
  const writes0 = writes
  const cpu0 = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const cpu = process.cpuUsage(cpu0)
  const requests = answered - requests0
  return { requests, cpuUs: (cpu.user + cpu.system) / requests, perWrite: requests / (writes - writes0) }
}

await measure(1)
for (let run = 0; run < 3; run++) {
  const { requests, cpuUs, perWrite } = await measure(SECONDS)
  console.log(`${MODE}: ${requests} requests, ${cpuUs.toFixed(2)} CPU µs/req, ${perWrite.toFixed(1)} requests per write`)
}
running = false
process.exit(0)
