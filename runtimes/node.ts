/**
 * Node.js driver: node:net (node:tls with a certificate) sockets → `Transport`.
 * https://nodejs.org/api/net.html · https://nodejs.org/api/tls.html
 * @module
 */
import { readFileSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import type { Listener } from '../core/server/server.ts'
import { DEFAULT_TIMEOUTS } from '../core/server/settings.ts'
import { SocketQueue } from '../core/server/socket-queue.ts'
import type { Transport } from '../core/server/transport.ts'
import { handled, socketClosed } from '../core/server/write-queue.ts'
import { giveBack, isLent } from './chunk-pool.ts'
import { nodeFiles } from './files-node.ts'
import { agreedProtocol, alpnProtocols, hostRuntime, listenerAddress, serveWith, tcpTarget } from './shared.ts'
export type * from '../core/server/options.ts'
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from '../core/fetch/upgrade-websocket.ts'
export { serveStatic } from './files-node.ts'

const runtime = hostRuntime('node', nodeFiles)

/**
 * A node:net socket as a `Transport`. A class, so that the per-connection cost is one object
 * and its listeners, not a closure per method. Node buffers writes itself: `write()` only
 * waits for 'drain' once the socket says its buffer is full.
 */
class NodeTransport implements Transport {
  readonly alpnProtocol?: string | null
  private readonly socket: net.Socket
  private readonly queue: SocketQueue
  private drained: Promise<void> | null = null

  constructor(socket: net.Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    // A TLSSocket after 'secureConnection' knows it (false when none was agreed); net.Socket has none.
    if (socket instanceof tls.TLSSocket) this.alpnProtocol = agreedProtocol(socket.alpnProtocol)
    // The socket's own pause()/resume() are the queue's flow control. The 'data' listener
    // stays after closeWrite(): core reads (and discards) while it lingers.
    const queue = (this.queue = new SocketQueue(socket))
    // Core gets plain Uint8Arrays, as from Deno and Bun: a Buffer's slice() is a view, not a
    // copy, and its getters are slower, so Buffers would behave differently inside core.
    socket.on('data', (chunk: Buffer) => queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)))
    socket.on('end', () => queue.end())
    socket.on('close', () => queue.end())
    socket.on('error', (error) => queue.error(error))
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read()
  }

  write(bytes: Uint8Array): Promise<void> | void {
    if (this.socket.destroyed) return handled(Promise.reject(socketClosed()))
    if (this.socket.write(bytes, isLent(bytes) ? () => giveBack(bytes) : undefined) && this.drained === null) return
    return this.waitForDrain()
  }

  writeMany(parts: readonly Uint8Array[]): Promise<void> | void {
    const socket = this.socket
    if (socket.destroyed) return handled(Promise.reject(socketClosed()))
    // Corked writes leave as one writev, without joining the parts.
    socket.cork()
    let ok = true
    for (const part of parts) ok = socket.write(part, isLent(part) ? () => giveBack(part) : undefined)
    socket.uncork()
    if (ok && this.drained === null) return
    return this.waitForDrain()
  }

  closeWrite(): Promise<void> | void {
    const socket = this.socket
    if (socket.destroyed) return handled(Promise.reject(socketClosed()))
    // end() sends FIN once the buffer is written; with allowHalfOpen the socket keeps reading.
    socket.end()
    if (socket.writableLength > 0) return settleOn(socket, 'finish')
  }

  private waitForDrain(): Promise<void> {
    return (this.drained ??= settleOn(this.socket, 'drain', () => (this.drained = null)))
  }

  abort(): void {
    this.socket.destroy()
  }

  // Getters: each address is a syscall that most requests never need (Node caches them).
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress
  }

  get localPort(): number | undefined {
    return this.socket.localPort
  }
}

/** Resolves on `event`, or rejects if the socket closes first; `settled` runs either way. */
function settleOn(socket: net.Socket, event: 'drain' | 'finish', settled?: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      socket.off(event, onEvent).off('close', onClose)
      settled?.()
      if (error) reject(error)
      else resolve()
    }
    const onEvent = (): void => settle()
    const onClose = (): void => settle(socketClosed())
    socket.on(event, onEvent).on('close', onClose)
  })
}

/**
 * Serves `app` on Node.js.
 *
 * ```ts
 * import { serve } from 'portico/node'
 * const server = serve((request) => new Response('Hello'), { port: 8000 })
 * await server.ready()
 * ```
 */
export function serve(app: App, options: ServeOptions = {}): Server {
  return serveWith(runtime, app, options, (onConnection, log) => {
    const accept = (socket: net.Socket): void => onConnection(new NodeTransport(socket))
    // allowHalfOpen: a client that half-closes after its request still gets the response,
    // as on Deno and Bun; and after our FIN the socket keeps reading while core lingers.
    // A TLS handshake gets the head's deadline: node:tls's own default (120 s) would let a client
    // that never finishes it hold a socket that core, not seeing it yet, cannot time out.
    const handshakeTimeout = options.headersTimeout ?? DEFAULT_TIMEOUTS.headersTimeout
    const server = options.tls
      ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, ALPNProtocols: alpnProtocols(options), allowHalfOpen: true, handshakeTimeout })
        .on('secureConnection', accept)
        // A failed or timed-out handshake is only reported; the socket would stay open.
        .on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy())
      : net.createServer({ allowHalfOpen: true }).on('connection', accept)
    return new Promise<Listener>((resolve, reject) => {
      server.once('error', reject)
      const onListening = (): void => {
        server.off('error', reject)
        server.on('error', (error) => log('server error', error))
        const address = server.address()
        const bound = options.unix ?? (typeof address === 'string' || address === null ? String(address) : { hostname: address.address, port: address.port })
        resolve({ address: listenerAddress(options, bound), close: () => void server.close() })
      }
      // TODO: reusePort needs Node ≥ 22.12 (net `reusePort`); on Node 20 it is ignored.
      const { hostname, port } = tcpTarget(options)
      // An inherited socket (systemd socket activation) is adopted as it is bound.
      if (options.fd !== undefined) server.listen({ fd: options.fd }, onListening)
      else if (options.unix !== undefined) server.listen(options.unix, onListening)
      else server.listen({ port, host: hostname }, onListening)
    })
  })
}

/** Reads a PEM certificate and key from files, for `options.tls`. */
export function readTlsFiles(certFile: string, keyFile: string): { cert: string; key: string } {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}
