/**
 * A TCP proxy on 127.0.0.1 that counts the bytes of each connection both ways, so that a test
 * can see what went over the wire when the client is a black box (a browser): a 1 MiB message
 * that crossed in a few KiB was compressed.
 * @module
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

/** Bytes of one proxied connection. */
export interface ProxiedConnection {
  /** Client → server. */
  up: number
  /** Server → client. */
  down: number
}

/** See the module comment. */
export interface CountingProxy {
  port: number
  /** Every connection since the start or the last `reset()`, in accept order. */
  connections: ProxiedConnection[]
  reset(): void
  close(): Promise<void>
}

/** Starts a proxy to `127.0.0.1:targetPort` on a free port. */
export async function countingProxy(targetPort: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>()
  const proxy: CountingProxy = {
    port: 0,
    connections: [],
    reset: () => void (proxy.connections = []),
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server: Server = createServer((client) => {
    const counts: ProxiedConnection = { up: 0, down: 0 }
    proxy.connections.push(counts)
    const upstream = connect({ port: targetPort, host: '127.0.0.1' })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk: Buffer) => void (counts.up += chunk.length))
    upstream.on('data', (chunk: Buffer) => void (counts.down += chunk.length))
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()))
  proxy.port = (server.address() as { port: number }).port
  return proxy
}
