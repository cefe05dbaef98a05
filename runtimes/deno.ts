/**
 * Deno driver: `Deno.listen` / `Deno.listenTls` connections → `Transport`.
 * https://docs.deno.com/api/deno/~/Deno.listen · https://docs.deno.com/api/deno/~/Deno.listenTls
 * https://docs.deno.com/api/deno/~/Deno.Conn
 * @module
 */
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import type { Runtime, Transport } from '../core/server/transport.ts'
import { hostRuntime, installLightResponse } from './host-runtime.ts'

export type * from '../core/server/options.ts'

// The subset of the Deno namespace used here, declared locally so that `tsc` (Node types)
// and `deno check` (real Deno types, shadowed in this module) both accept this file.
type DenoAddr = { transport: 'tcp'; hostname: string; port: number } | { transport: 'unix'; path: string | null }
interface DenoConn {
  readonly localAddr: DenoAddr
  readonly remoteAddr: DenoAddr
  read(buffer: Uint8Array): Promise<number | null>
  write(bytes: Uint8Array): Promise<number>
  closeWrite(): Promise<void>
  close(): void
  setNoDelay?(noDelay?: boolean): void
}
interface DenoListener {
  readonly addr: DenoAddr
  accept(): Promise<DenoConn>
  close(): void
}
declare const Deno: {
  listen(options: { hostname?: string; port?: number; reusePort?: boolean }): DenoListener
  listen(options: { transport: 'unix'; path: string }): DenoListener
  listenTls(options: { hostname?: string; port?: number; reusePort?: boolean; cert: string; key: string }): DenoListener
  removeSync(path: string): void
  errors: { BadResource: new () => Error }
  /** Present only with --unstable-net. */
  listenDatagram?: unknown
}

/** How long a closed connection keeps reading (and discarding) before it is closed. */
const LINGER_MS = 2000
/** Bytes in flight before write() makes the engine wait (backpressure). */
const WRITE_HIGH_WATER = 64 * 1024
/** Reads go into consecutive views of one slab, so small reads do not each cost 64 KiB. */
const SLAB_BYTES = 64 * 1024
/** A read gets at least this much room; below it, the next read starts a fresh slab. */
const MIN_READ_BYTES = 8 * 1024

const runtime = hostRuntime('deno')

const ignore = (): void => {}

/**
 * Marks a promise handled: a caller that does not await a write (a best-effort 408) must not
 * turn a dead peer into an unhandled rejection, which ends a Deno process.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore)
  return promise
}

function connTransport(conn: DenoConn): Transport {
  conn.setNoDelay?.(true)
  // The engine keeps views of the chunks it reads, so a slab is never written twice.
  let slab = new Uint8Array(SLAB_BYTES)
  let used = 0
  let reading: Promise<unknown> = Promise.resolve()
  let writing: Promise<void> = Promise.resolve()
  /** Bytes handed to write() and not yet taken by the kernel. */
  let queued = 0
  let closing = false
  let closed = false
  const destroy = (): void => {
    if (closed) return
    closed = true
    try {
      conn.close()
    } catch {
      // Already closed (BadResource): nothing left to free.
    }
  }
  const writeAll = async (bytes: Uint8Array): Promise<void> => {
    // conn.write may take only part of the bytes; errors (BrokenPipe, ConnectionReset) reject.
    for (let offset = 0; offset < bytes.length; ) offset += await conn.write(bytes.subarray(offset))
  }
  const linger = async (): Promise<void> => {
    // Lingering close (RFC 9112 §9.6): send FIN, keep reading so unread request bytes do
    // not make the kernel answer with a RST that destroys our last response.
    await conn.closeWrite()
    const timer = setTimeout(destroy, LINGER_MS)
    const scratch = new Uint8Array(16 * 1024)
    await reading.catch(ignore)
    try {
      while (!closed && (await conn.read(scratch)) !== null) {
        // Discard.
      }
    } finally {
      clearTimeout(timer)
    }
  }
  const local = conn.localAddr
  const remote = conn.remoteAddr
  return {
    read() {
      if (SLAB_BYTES - used < MIN_READ_BYTES) {
        slab = new Uint8Array(SLAB_BYTES)
        used = 0
      }
      const start = used
      const target = slab
      const read = conn.read(target.subarray(start)).then((n) => {
        if (n === null) return null
        used = start + n
        return target.subarray(start, start + n)
      })
      reading = read
      return read
    },
    write(bytes) {
      if (closing) return handled(Promise.reject(new Error('connection closed')))
      // Chained, so that close() can wait for every write before its FIN. The engine waits
      // only once WRITE_HIGH_WATER bytes are in flight: a small response needs no round trip.
      queued += bytes.length
      const done = (): void => void (queued -= bytes.length)
      writing = handled((queued === bytes.length ? writeAll(bytes) : writing.then(() => writeAll(bytes))).then(done, (error) => {
        done()
        throw error
      }))
      return queued > WRITE_HIGH_WATER ? writing : undefined
    },
    close() {
      if (closing) return
      closing = true
      writing.then(linger).catch(ignore).finally(destroy)
    },
    abort() {
      closing = true
      destroy()
    },
    remoteAddress: remote.transport === 'tcp' ? remote.hostname : undefined,
    remotePort: remote.transport === 'tcp' ? remote.port : undefined,
    localAddress: local.transport === 'tcp' ? local.hostname : undefined,
    localPort: local.transport === 'tcp' ? local.port : undefined,
  }
}

async function acceptLoop(
  listener: DenoListener,
  onConnection: (transport: Transport) => void,
  log: Runtime['log'],
): Promise<void> {
  for (;;) {
    let conn: DenoConn
    try {
      conn = await listener.accept()
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return // the listener was closed
      // E.g. EMFILE: keep the server up and retry once descriptors may be free again.
      log('accept failed', error)
      await new Promise((resolve) => setTimeout(resolve, 100))
      continue
    }
    onConnection(connTransport(conn))
  }
}

/**
 * Serves `app` on Deno. Needs `--allow-net` (and read/write for a unix socket).
 *
 * ```ts
 * import { serve } from 'portico/deno'
 * const server = serve((request) => new Response('Hello'), { port: 8000 })
 * await server.ready()
 * ```
 */
export function serve(app: App, options: ServeOptions = {}): Server {
  if (options.lightResponse !== false) installLightResponse()
  return startServer(app, options, runtime, (onConnection): Listener => {
    const scheme = options.tls ? 'https' : 'http'
    const { hostname = '0.0.0.0', port = 8000, tls, unix } = options
    // Deno exits the process (it does not throw) on reusePort without --unstable-net, whose
    // presence shows as Deno.listenDatagram.
    const reusePort = options.reusePort === true && 'listenDatagram' in Deno
    if (options.reusePort === true && !reusePort) {
      ;(options.log ?? runtime.log)('reusePort needs `deno run --unstable-net`; listening without it')
    }
    // Deno.listenTls is TCP only and Deno has no server-side startTls.
    if (unix !== undefined && tls !== undefined) throw new Error('Deno cannot serve TLS on a unix socket')
    const listener =
      unix !== undefined
        ? Deno.listen({ transport: 'unix', path: unix })
        : tls !== undefined
          ? Deno.listenTls({ hostname, port, reusePort, cert: tls.cert, key: tls.key })
          : Deno.listen({ hostname, port, reusePort })
    void acceptLoop(listener, onConnection, options.log ?? runtime.log)
    const close = (): void => {
      try {
        listener.close()
        // Unlike Node and Bun, Deno leaves the socket file, and the next listen would fail.
        if (unix !== undefined) Deno.removeSync(unix)
      } catch {
        // Already closed, or the file is already gone.
      }
    }
    const addr = listener.addr
    if (addr.transport === 'unix') {
      const path = addr.path ?? unix!
      return { address: { transport: 'unix', path, url: `${scheme}+unix://${encodeURIComponent(path)}/` }, close }
    }
    return { address: { transport: 'tcp', hostname: addr.hostname, port: addr.port, url: formatUrl(scheme, addr.hostname, addr.port) }, close }
  })
}
