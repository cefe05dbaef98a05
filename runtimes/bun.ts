/**
 * Bun driver: `Bun.listen` sockets → `Transport`.
 * https://bun.com/docs/api/tcp · https://bun.com/reference/bun/listen
 * @module
 */
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import { allocBytes } from '../core/http/byte-pool.ts'
import { DEFAULT_TIMEOUTS } from '../core/server/settings.ts'
import { SocketQueue } from '../core/server/socket-queue.ts'
import type { Transport } from '../core/server/transport.ts'
import { WriteQueue } from '../core/server/write-queue.ts'
import { serve as serveNodeNet } from './node.ts'
import { bunFiles } from './files-bun.ts'
import { agreedProtocol, alpnProtocols, alpnWireFormat, hostRuntime, listenerAddress, PendingHandshakes, serveWith, tcpTarget } from './shared.ts'
export type * from '../core/server/options.ts'
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from '../core/fetch/upgrade-websocket.ts'
export { serveStatic } from './files-bun.ts'

// The subset of Bun's API used here, declared locally: bun-types would replace the DOM stream
// types for the whole program (tsc) and break core/.
interface Socket<Data> {
  data: Data
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  /** TLS: the agreed protocol (false: none), known once the handshake is done; null in cleartext. */
  readonly alpnProtocol: string | false | null
  /** Bytes taken (maybe fewer than given, 0 when the send buffer is full); -1 once closed. */
  write(bytes: Uint8Array): number
  shutdown(): void // shutdown(2) of the write side: sends FIN and keeps reading
  end(): void // closes at once (Bun 1.4); the kernel still delivers what it holds
  terminate(): void // closes at once with a reset
  pause(): void
  resume(): void
  setNoDelay(noDelay: boolean): boolean
}
interface SocketHandler<Data> {
  binaryType: 'uint8array'
  open(socket: Socket<Data>): void
  data(socket: Socket<Data>, data: Uint8Array): void
  drain(socket: Socket<Data>): void
  end(socket: Socket<Data>): void
  error(socket: Socket<Data>, error: Error): void
  close(socket: Socket<Data>, error?: Error): void
  /** TLS: the handshake is over. With this handler present Bun calls `open` at accept, before it. */
  handshake?(socket: Socket<Data>, success: boolean, authorizationError: Error | null): void
}
// ALPNProtocols: Bun takes the wire format (or a string of it), not node:tls's array of names.
type ListenOptions<Data> = { tls?: { cert: string; key: string; ALPNProtocols: Uint8Array }; allowHalfOpen: boolean; socket: SocketHandler<Data> }
declare const Bun: {
  listen<Data>(options: ListenOptions<Data> & { unix: string }): { stop(): void }
  listen<Data>(options: ListenOptions<Data> & { hostname: string; port: number; reusePort?: boolean }): { readonly hostname: string; readonly port: number; stop(): void }
}

const runtime = hostRuntime('bun', bunFiles)

/** A Bun socket as a `Transport`, kept in `socket.data` so that the handlers reach it. */
class BunTransport implements Transport {
  readonly alpnProtocol: string | null
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
  readonly writesAtOnce = true // socket.write copies what it takes; WriteQueue returns a promise while it holds the rest
  readonly queue: SocketQueue // received, not yet read by the engine
  readonly writes: WriteQueue // not yet taken by `socket.write`, written on `drain`
  private readonly socket: Socket<BunTransport>
  private shut = false // shutdown() is done: every byte is with the kernel
  private closed = false

  constructor(socket: Socket<BunTransport>) {
    socket.setNoDelay(true)
    this.socket = socket
    this.alpnProtocol = agreedProtocol(socket.alpnProtocol)
    // Bun 1.4 sockets have pause()/resume() (they stop reading the fd), so an app that reads
    // its body slowly fills the kernel buffers, not our memory.
    this.queue = new SocketQueue(socket)
    this.writes = new WriteQueue(socket, 0) // the engine waits whenever the kernel did not take every byte
    // Unix sockets report empty addresses, that is none.
    if (socket.remoteAddress) {
      this.remoteAddress = socket.remoteAddress
      this.remotePort = socket.remotePort
      this.localAddress = socket.localAddress
      this.localPort = socket.localPort
    }
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read()
  }

  write(bytes: Uint8Array): Promise<void> | void {
    return this.writes.write(bytes)
  }

  closeWrite(): Promise<void> | void {
    // shutdown(), not end(): Bun 1.4's end() closes the socket at once. Reading goes on.
    const flushed = this.writes.end()
    if (flushed === undefined) return this.shutdown()
    return flushed.then(() => this.shutdown())
  }

  private shutdown(): void {
    this.shut = true
    this.socket.shutdown()
  }

  abort(): void {
    if (this.closed) return
    // After shutdown(), end() lets the kernel deliver the tail of the response to a slow
    // reader, where terminate() would reset the connection and drop it.
    if (this.shut) this.socket.end()
    else this.socket.terminate()
    this.onClose()
  }

  /** The socket is gone: wake the reader and any writer waiting for `drain`. Idempotent. */
  onClose(error?: Error): void {
    if (this.closed) return
    this.closed = true
    if (error !== undefined) this.queue.error(error)
    this.queue.end()
    this.writes.fail(error)
  }
}

/** Chunks up to this size are copied into a slab; byte-pool.ts pools arrays up to 2 KiB. */
const SLAB_COPY_BYTES = 2048

/**
 * A received chunk as the engine gets it. Bun copies every read out of its receive buffer into
 * a new array that is then ours alone (the engine keeps views of what it reads), but on
 * JavaScriptCore that array has no ArrayBuffer yet: the parser reads fields through a 32-bit
 * view of the chunk's whole buffer, and making that buffer (`.buffer`) and a view for every
 * small chunk cost about 1 µs per request. So a small chunk is copied into the shared output
 * slabs (core/http/byte-pool.ts), where consecutive chunks share one buffer and one word view;
 * a large one is taken as it is, since copying it costs more than its one view (a 4 KiB copy
 * is ~0.5 µs). A live view pins at most one 8 KiB slab, as for every output array.
 */
function received(data: Uint8Array): Uint8Array {
  if (data.length > SLAB_COPY_BYTES) return data
  const copy = allocBytes(data.length)
  copy.set(data)
  return copy
}

// `socket.data` is unset while a TLS handshake is pending (see `serve`): only close and error can come then.
const handlers: Omit<SocketHandler<BunTransport>, 'open'> = {
  binaryType: 'uint8array',
  // Pushed after closeWrite too: core discards it.
  data: (socket, data) => socket.data.queue.push(received(data)),
  drain: (socket) => socket.data?.writes.drain(),
  end: (socket) => socket.data?.queue.end(),
  error: (socket, error) => socket.data?.queue.error(error),
  close: (socket, error) => socket.data?.onClose(error),
}

/**
 * TLS sockets are handed over when their handshake is done, so that the agreed ALPN protocol
 * is known, within `timeoutMs`. Without a `handshake` handler Bun would call `open` only after
 * a handshake, and a client that never finishes one would hold its socket where core cannot
 * time it out.
 */
function tlsHandlers(timeoutMs: number, handOver: (socket: Socket<BunTransport>) => void): Pick<SocketHandler<BunTransport>, 'open' | 'handshake' | 'close'> & { closeAll(): void } {
  const pending = new PendingHandshakes<{ close(): void }>(timeoutMs)
  const finish = new WeakMap<Socket<BunTransport>, (success: boolean) => void>()
  return {
    open: (socket) => {
      const done = new Promise<void>((resolve, reject) => finish.set(socket, (success) => (success ? resolve() : reject())))
      pending.start({ close: () => socket.terminate() }, done, () => handOver(socket))
    },
    handshake: (socket, success) => finish.get(socket)?.(success),
    close: (socket, error) => {
      finish.get(socket)?.(false) // still shaking hands: settles it
      handlers.close(socket, error)
    },
    closeAll: () => pending.closeAll(),
  }
}

/**
 * Serves `app` on Bun.
 *
 * ```ts
 * import { serve } from 'portico/bun'
 * const server = serve((request) => new Response('Hello'), { port: 8000 })
 * await server.ready()
 * ```
 */
export function serve(app: App, options: ServeOptions = {}): Server {
  // Bun.listen cannot adopt a socket (it has no fd option); Bun's node:net can, so an
  // inherited socket is served through the node:net driver.
  if (options.fd !== undefined) return serveNodeNet(app, options)
  return serveWith(runtime, app, options, (onConnection) => {
    const handOver = (s: Socket<BunTransport>): void => onConnection((s.data = new BunTransport(s)))
    const tls = options.tls && { cert: options.tls.cert, key: options.tls.key, ALPNProtocols: alpnWireFormat(alpnProtocols(options)) }
    const handshakes = tls && tlsHandlers(options.headersTimeout ?? DEFAULT_TIMEOUTS.headersTimeout, handOver)
    const socket = handshakes ? { ...handlers, ...handshakes } : { ...handlers, open: handOver }
    const stop = (listener: { stop(): void }) => () => {
      handshakes?.closeAll()
      listener.stop()
    }
    // allowHalfOpen: a client that shuts down its write side after the request still gets the response.
    if (options.unix !== undefined) {
      const listener = Bun.listen<BunTransport>({ unix: options.unix, tls, allowHalfOpen: true, socket })
      return { address: listenerAddress(options, options.unix), close: stop(listener) }
    }
    // reusePort: missing from bun-types 1.4 for listen, but Bun sets SO_REUSEPORT.
    const listener = Bun.listen<BunTransport>({ ...tcpTarget(options), tls, allowHalfOpen: true, reusePort: options.reusePort, socket })
    return { address: listenerAddress(options, listener), close: stop(listener) }
  })
}
