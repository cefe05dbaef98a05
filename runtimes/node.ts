/**
 * Node.js driver: node:net (node:tls with a certificate) sockets → `Transport`.
 * https://nodejs.org/api/net.html · https://nodejs.org/api/tls.html
 * @module
 */
import { readFileSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import type { App, Server, ServeOptions } from '../core/options.ts'
import { formatUrl, startServer, type Listener } from '../core/server.ts'
import { SocketQueue } from '../core/socket-queue.ts'
import type { Transport } from '../core/transport.ts'
import { hostRuntime, installLightResponse } from './host-runtime.ts'

export type * from '../core/options.ts'

/** How long a closed connection keeps reading (and discarding) before it is destroyed. */
const LINGER_MS = 2000

const runtime = hostRuntime('node')

function socketTransport(socket: net.Socket): Transport {
  socket.setNoDelay(true)
  const queue = new SocketQueue({ pause: () => socket.pause(), resume: () => socket.resume() })
  socket.on('data', (chunk: Buffer) => queue.push(chunk))
  socket.on('end', () => queue.end())
  socket.on('close', () => queue.end())
  socket.on('error', (error) => queue.error(error))
  let drained: Promise<void> | null = null
  const waitForDrain = (): Promise<void> => {
    drained ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        socket.off('drain', onDrain)
        socket.off('close', onClose)
        drained = null
        if (error) reject(error)
        else resolve()
      }
      const onDrain = (): void => settle()
      const onClose = (): void => settle(new Error('socket closed'))
      socket.on('drain', onDrain)
      socket.on('close', onClose)
    })
    return drained
  }
  return {
    read: () => queue.read(),
    write(bytes) {
      if (socket.destroyed) return Promise.reject(new Error('socket closed'))
      if (socket.write(bytes) && drained === null) return
      return waitForDrain()
    },
    writeMany(parts) {
      if (socket.destroyed) return Promise.reject(new Error('socket closed'))
      // Corked writes leave as one writev, without joining the parts.
      socket.cork()
      let ok = true
      for (const part of parts) ok = socket.write(part)
      socket.uncork()
      if (ok && drained === null) return
      return waitForDrain()
    },
    close() {
      // Lingering close (RFC 9112 §9.6): send FIN, keep reading so unread request bytes do
      // not make the kernel answer with a RST that destroys our last response.
      socket.removeAllListeners('data')
      socket.on('data', () => {})
      socket.resume()
      socket.end()
      // Cleared on close: a pending timer would hold the socket for the whole linger time.
      const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref()
      socket.once('close', () => clearTimeout(linger))
    },
    abort: () => void socket.destroy(),
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
  }
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
    const accept = (socket: net.Socket): void => onConnection(socketTransport(socket))
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
