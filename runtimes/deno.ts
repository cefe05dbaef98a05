/**
 * Deno driver: `Deno.listen` / `Deno.listenTls` connections → `Transport`.
 * https://docs.deno.com/api/deno/~/Deno.listen · https://docs.deno.com/api/deno/~/Deno.listenTls
 * https://docs.deno.com/api/deno/~/Deno.Conn
 * @module
 */
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import type { Runtime } from '../core/server/runtime.ts'
import { DEFAULT_TIMEOUTS } from '../core/server/settings.ts'
import type { Transport } from '../core/server/transport.ts'
import { WriteQueue } from '../core/server/write-queue.ts'
import { serve as serveNodeNet } from './node.ts'
import { denoFiles } from './files-deno.ts'
import { ReadSlab } from './read-slab.ts'
import { alpnProtocols, hostRuntime, listenerAddress, PendingHandshakes, serveWith, tcpTarget } from './shared.ts'
export type * from '../core/server/options.ts'
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from '../core/fetch/upgrade-websocket.ts'
export { serveStatic } from './files-deno.ts'

// The subset of the Deno namespace used here, declared locally so that `tsc` (Node types)
// and `deno check` (real Deno types, shadowed in this module) both accept this file.
type DenoAddr = { transport: 'tcp'; hostname: string; port: number } | { transport: 'unix'; path: string | null }
interface DenoConn {
  readonly localAddr: DenoAddr
  readonly remoteAddr: DenoAddr
  read(buffer: Uint8Array): Promise<number | null>
  write(bytes: Uint8Array): Promise<number>
  closeWrite(): Promise<void>
  close(): void // throws BadResource once closed
  setNoDelay?(noDelay?: boolean): void
  handshake?(): Promise<{ alpnProtocol: string | null }> // TLS only
}
interface DenoListener { readonly addr: DenoAddr; accept(): Promise<DenoConn>; close(): void }
declare const Deno: {
  listen(options: { hostname?: string; port?: number; reusePort?: boolean } | { transport: 'unix'; path: string }): DenoListener
  listenTls(options: { hostname?: string; port?: number; reusePort?: boolean; cert: string; key: string; alpnProtocols: string[] }): DenoListener
  removeSync(path: string): void
  errors: { BadResource: new () => Error }
  listenDatagram?: unknown // present only with --unstable-net
}

const runtime = hostRuntime('deno', denoFiles)

/** A `Deno.Conn` as a `Transport`; `writes` sends what `conn.write` has not taken yet, in order. */
class DenoTransport implements Transport {
  readonly alpnProtocol?: string | null
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
  private readonly conn: DenoConn
  private readonly writes: WriteQueue
  private readonly slab = new ReadSlab()
  private closed = false

  constructor(conn: DenoConn, alpnProtocol?: string | null) {
    conn.setNoDelay?.(true)
    this.conn = conn
    this.alpnProtocol = alpnProtocol
    this.writes = new WriteQueue(conn)
    const { remoteAddr: remote, localAddr: local } = conn
    if (remote.transport === 'tcp') (this.remoteAddress = remote.hostname), (this.remotePort = remote.port)
    if (local.transport === 'tcp') (this.localAddress = local.hostname), (this.localPort = local.port)
  }

  read(): Promise<Uint8Array | null> {
    const room = this.slab.room()
    return this.conn.read(room).then(
      (n) => (n === null ? null : this.slab.filled(room, n)),
      // abort() closes the conn under a pending read, which then rejects.
      (error: unknown) => (this.closed ? null : Promise.reject(error)),
    )
  }

  write(bytes: Uint8Array): Promise<void> | void {
    return this.writes.write(bytes)
  }

  closeWrite(): Promise<void> {
    const flushed = this.writes.end()
    return flushed === undefined ? this.conn.closeWrite() : flushed.then(() => this.conn.closeWrite())
  }

  abort(): void {
    if (this.closed) return
    this.closed = true
    this.writes.fail()
    try {
      this.conn.close()
    } catch {
      // Already closed (BadResource).
    }
  }
}

async function acceptLoop(listener: DenoListener, accepted: (conn: DenoConn) => void, log: Runtime['log']): Promise<void> {
  for (;;) {
    try {
      accepted(await listener.accept())
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return // the listener was closed
      // E.g. EMFILE: keep the server up and retry once descriptors may be free again.
      log('accept failed', error)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
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
  // Deno.listen cannot adopt a socket (it has no fd option); Deno's node:net can, so an
  // inherited socket is served through the node:net driver.
  if (options.fd !== undefined) return serveNodeNet(app, options)
  return serveWith(runtime, app, options, (onConnection, log) => {
    const { tls, unix } = options
    const { hostname, port } = tcpTarget(options)
    // Without --unstable-net (seen as Deno.listenDatagram), reusePort exits the process.
    const reusePort = options.reusePort === true && 'listenDatagram' in Deno
    if (options.reusePort === true && !reusePort) log('reusePort needs `deno run --unstable-net`; listening without it')
    // Deno.listenTls is TCP only and Deno has no server-side startTls.
    if (unix !== undefined && tls !== undefined) throw new Error('Deno cannot serve TLS on a unix socket')
    const listener = unix !== undefined
      ? Deno.listen({ transport: 'unix', path: unix })
      : tls !== undefined
        ? Deno.listenTls({ hostname, port, reusePort, cert: tls.cert, key: tls.key, alpnProtocols: alpnProtocols(options) })
        : Deno.listen({ hostname, port, reusePort })
    // TLS: the agreed ALPN protocol is known after the handshake, which Deno would otherwise do
    // inside the first read. It is bounded by headersTimeout, as it was inside that read.
    const handshakes = new PendingHandshakes<DenoConn>(options.headersTimeout ?? DEFAULT_TIMEOUTS.headersTimeout)
    const handOver = (conn: DenoConn, alpn?: string | null): void => onConnection(new DenoTransport(conn, alpn))
    void acceptLoop(listener, (conn) => {
      if (conn.handshake === undefined) handOver(conn)
      else handshakes.start(conn, conn.handshake(), (info) => handOver(conn, info.alpnProtocol))
    }, log)
    const close = (): void => {
      handshakes.closeAll()
      try {
        listener.close()
        // Unlike Node and Bun, Deno leaves the socket file, and the next listen would fail.
        if (unix !== undefined) Deno.removeSync(unix)
      } catch {
        // Already closed, or the file is already gone.
      }
    }
    const addr = listener.addr
    return { address: listenerAddress(options, addr.transport === 'unix' ? (addr.path ?? unix!) : addr), close }
  })
}
