/**
 * A driver of your own: Portico's server loop over any byte stream you can read and write.
 * Here the stream is a WHATWG pair (a ReadableStream and a WritableStream of bytes), which is
 * what `Deno.Conn`, Node's `Duplex.toWeb(socket)`, a WebSocket-tunnelled socket or a test
 * harness can all give. A driver implements `Transport` per connection and hands a `listen`
 * function to `startServer`; parsing, timeouts, errors and graceful close are core's.
 *
 *   node --import tsx examples/custom-driver.ts · deno run examples/custom-driver.ts · bun examples/custom-driver.ts
 * @module
 */
import { startServer, type App, type Listener, type Runtime, type Server, type Transport } from '../core/mod.ts'

/** One connection over a readable/writable byte stream pair. */
export class StreamTransport implements Transport {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>

  constructor(readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>) {
    this.reader = readable.getReader()
    this.writer = writable.getWriter()
  }

  async read(): Promise<Uint8Array | null> {
    const { done, value } = await this.reader.read()
    return done ? null : value
  }

  write(bytes: Uint8Array): Promise<void> | void {
    const written = this.writer.write(bytes)
    // Backpressure: make the server wait only once the stream's queue is full.
    if ((this.writer.desiredSize ?? 0) <= 0) return written
    written.catch(() => {}) // a failure shows on the next write or on close
  }

  closeWrite(): Promise<void> {
    return this.writer.close()
  }

  abort(): void {
    this.reader.cancel().catch(() => {})
    this.writer.abort().catch(() => {})
  }
}

/** Time, timers and logs from the host: what every runtime has as globals. */
const hostRuntime: Runtime = {
  name: 'streams',
  now: Date.now,
  timers: {
    once: (callback, ms) => setTimeout(callback, ms),
    repeat: (callback, ms) => setInterval(callback, ms),
    cancel: (handle) => clearTimeout(handle as number),
  },
  log: (message, error) => console.error(message, error ?? ''),
  print: () => {},
}

/** Serves `app` on connections that the caller opens with the returned `connect`. */
export function serveStreams(app: App): { server: Server; connect(readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>): void } {
  let accept: ((transport: Transport) => void) | null = null
  const server = startServer(app, { onListen: () => {} }, hostRuntime, (onConnection): Listener => {
    accept = onConnection
    return { address: { transport: 'tcp', hostname: 'streams', port: 0, url: 'http://streams/' }, close: () => {} }
  })
  return {
    server,
    connect(readable, writable) {
      if (accept === null) throw new Error('await server.ready() first')
      accept(new StreamTransport(readable, writable))
    },
  }
}

/** A client and the server joined by two in-memory pipes; returns what the client read. */
export async function demo(): Promise<string> {
  const { server, connect } = serveStreams((request) =>
    new Response(`hello from ${new URL(request.url).pathname}\n`, { headers: { 'content-type': 'text/plain' } }))
  await server.ready()
  const toServer = new TransformStream<Uint8Array, Uint8Array>()
  const toClient = new TransformStream<Uint8Array, Uint8Array>()
  connect(toServer.readable, toClient.writable)
  const client = toServer.writable.getWriter()
  await client.write(new TextEncoder().encode('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))
  await client.close()
  let text = ''
  const decoder = new TextDecoder()
  const reader = toClient.readable.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true })
  await server.close()
  // The Date header changes every second: blank it so that runs compare equal.
  return text.replace(/date: [^\r]*/g, 'date: <now>')
}

const isMain = (import.meta as { main?: boolean }).main ??
  (typeof process !== 'undefined' && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/')))
if (isMain) console.log(await demo())
