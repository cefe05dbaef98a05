/**
 * Node.js driver: node:net (node:tls with a certificate) sockets → `Transport`.
 * https://nodejs.org/api/net.html · https://nodejs.org/api/tls.html
 * @module
 */
import { readFileSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import { SocketQueue } from '../core/server/socket-queue.ts'
import type { Transport } from '../core/server/transport.ts'
import { hostRuntime, installLightResponse } from './host-runtime.ts'

export type * from '../core/server/options.ts'

/** How long a closed connection keeps reading (and discarding) before it is destroyed. */
const LINGER_MS = 2000

const runtime = hostRuntime('node')

/**
 * A node:net socket as a `Transport`. A class, so that the per-connection cost is one object
 * and its listeners, not a closure per method.
 */
class SocketTransport implements Transport {
  private readonly socket: net.Socket
  private readonly queue: SocketQueue
  private drained: Promise<void> | null = null

  constructor(socket: net.Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    // The socket's own pause()/resume() are the queue's flow control.
    const queue = (this.queue = new SocketQueue(socket))
    socket.on('data', (chunk: Buffer) => queue.push(chunk))
    socket.on('end', () => queue.end())
    socket.on('close', () => queue.end())
    socket.on('error', (error) => queue.error(error))
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read()
  }

  write(bytes: Uint8Array): Promise<void> | void {
    if (this.socket.destroyed) return Promise.reject(new Error('socket closed'))
    if (this.socket.write(bytes) && this.drained === null) return
    return this.waitForDrain()
  }

  writeMany(parts: readonly Uint8Array[]): Promise<void> | void {
    const socket = this.socket
    if (socket.destroyed) return Promise.reject(new Error('socket closed'))
    // Corked writes leave as one writev, without joining the parts.
    socket.cork()
    let ok = true
    for (const part of parts) ok = socket.write(part)
    socket.uncork()
    if (ok && this.drained === null) return
    return this.waitForDrain()
  }

  private waitForDrain(): Promise<void> {
    const socket = this.socket
    this.drained ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        socket.off('drain', onDrain)
        socket.off('close', onClose)
        this.drained = null
        if (error) reject(error)
        else resolve()
      }
      const onDrain = (): void => settle()
      const onClose = (): void => settle(new Error('socket closed'))
      socket.on('drain', onDrain)
      socket.on('close', onClose)
    })
    return this.drained
  }

  close(): void {
    const socket = this.socket
    // Lingering close (RFC 9112 §9.6): send FIN, keep reading so unread request bytes do
    // not make the kernel answer with a RST that destroys our last response.
    socket.removeAllListeners('data')
    socket.on('data', discard)
    socket.resume()
    socket.end()
    // Cleared on close: a pending timer would hold the socket for the whole linger time.
    const linger = setTimeout(destroySocket, LINGER_MS, socket).unref()
    socket.once('close', () => clearTimeout(linger))
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

function discard(): void {}

function destroySocket(socket: net.Socket): void {
  socket.destroy()
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
  if (options.lightResponse !== false) installLightResponse()
  return startServer(app, options, runtime, (onConnection) => {
    const accept = (socket: net.Socket): void => onConnection(new SocketTransport(socket))
    // allowHalfOpen: a client that half-closes after its request still gets the response,
    // as on Deno and Bun; the engine closes once it has answered.
    const server = options.tls
      ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, allowHalfOpen: true }).on('secureConnection', accept)
      : net.createServer({ allowHalfOpen: true }).on('connection', accept)
    const scheme = options.tls ? 'https' : 'http'
    return new Promise<Listener>((resolve, reject) => {
      server.once('error', reject)
      const onListening = (): void => {
        server.off('error', reject)
        server.on('error', (error) => runtime.log('server error', error))
        const address = server.address()
        const close = (): void => void server.close()
        if (options.unix !== undefined || typeof address === 'string' || address === null) {
          const path = options.unix ?? String(address)
          resolve({ address: { transport: 'unix', path, url: `${scheme}+unix://${encodeURIComponent(path)}/` }, close })
        } else {
          const { address: hostname, port } = address
          resolve({ address: { transport: 'tcp', hostname, port, url: formatUrl(scheme, hostname, port) }, close })
        }
      }
      // TODO: reusePort needs Node ≥ 22.12 (net `reusePort`); on Node 20 it is ignored.
      if (options.unix !== undefined) server.listen(options.unix, onListening)
      else server.listen({ port: options.port ?? 8000, host: options.hostname ?? '0.0.0.0' }, onListening)
    })
  })
}

/** Reads a PEM certificate and key from files, for `options.tls`. */
export function readTlsFiles(certFile: string, keyFile: string): { cert: string; key: string } {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}
