/**
 * Bun driver: `Bun.listen` sockets → `Transport`.
 * https://bun.com/docs/api/tcp · https://bun.com/reference/bun/listen
 * @module
 */
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import { formatUrl, startServer, type Listener } from '../core/server/server.ts'
import { SocketQueue } from '../core/server/socket-queue.ts'
import type { Transport } from '../core/server/transport.ts'
import { hostRuntime, installLightResponse } from './host-runtime.ts'

export type * from '../core/server/options.ts'

// The subset of Bun's API used here, declared locally: bun-types would replace the DOM stream
// types for the whole program (tsc) and break core/.
interface Socket<Data> {
  data: Data
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  /** Bytes taken (maybe fewer than given, 0 when the send buffer is full); -1 once closed. */
  write(bytes: Uint8Array): number
  /** shutdown(2) of the write side: sends FIN and keeps reading. */
  shutdown(): void
  /** Closes the socket; what the kernel holds is still delivered. */
  end(): void
  terminate(): void
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
}
interface ListenOptions<Data> {
  tls?: { cert: string; key: string }
  allowHalfOpen: boolean
  socket: SocketHandler<Data>
}
declare const Bun: {
  listen<Data>(options: ListenOptions<Data> & { unix: string }): { stop(): void }
  listen<Data>(
    options: ListenOptions<Data> & { hostname: string; port: number; reusePort?: boolean },
  ): { readonly hostname: string; readonly port: number; stop(): void }
}

/** How long a closed connection may wait for the peer's FIN (or a drain) before it is terminated. */
const LINGER_MS = 2000
/** How long a closing connection may go without taking any of its unwritten bytes. */
const STALL_MS = 30_000

const runtime = hostRuntime('bun')

/** Per-socket state, kept in `socket.data`. */
interface Connection {
  queue: SocketQueue
  /** Bytes `socket.write` did not take yet, flushed on `drain`. */
  pending: Uint8Array[]
  drained: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | null
  closing: boolean
  closed: boolean
  timer: ReturnType<typeof setTimeout> | null
}

/**
 * A rejection marked handled: a caller that does not await (a best-effort 408) must not turn
 * a dead peer into an unhandled rejection, which would end the process.
 */
function handled(promise: Promise<void>): Promise<void> {
  promise.catch(() => {})
  return promise
}

const socketClosed = (): Error => new Error('socket closed')

/** Writes as much of `pending` as the socket takes; true once everything is written. */
function flush(socket: Socket<Connection>, state: Connection): boolean {
  const { pending } = state
  while (pending.length > 0) {
    const head = pending[0]!
    const written = socket.write(head)
    if (written < 0) throw socketClosed()
    if (written < head.length) {
      pending[0] = head.subarray(written)
      return false
    }
    pending.shift()
  }
  return true
}

function fail(state: Connection, error: Error): void {
  state.pending.length = 0
  state.drained?.reject(error)
  state.drained = null
}

/** The socket is gone: wake the reader and any writer waiting for `drain`. Idempotent. */
function closed(state: Connection, error?: Error): void {
  if (state.closed) return
  state.closed = true
  if (state.timer !== null) clearTimeout(state.timer)
  if (error !== undefined) state.queue.error(error)
  state.queue.end()
  fail(state, error ?? socketClosed())
}

/** Terminates the socket and settles its state (without waiting for `close`) at once. */
function terminate(socket: Socket<Connection>, state: Connection): void {
  if (state.closed) return
  socket.terminate()
  closed(state)
}

/**
 * Closes the socket if the peer has not closed it within `LINGER_MS`. Gracefully: after
 * shutdown() our side is written out, and the kernel still delivers what it holds, whereas
 * terminate() would reset the connection and drop the tail of a response to a slow reader.
 */
function startLinger(socket: Socket<Connection>, state: Connection): void {
  if (state.closed) return
  if (state.timer !== null) clearTimeout(state.timer)
  state.timer = setTimeout(() => {
    socket.end()
    closed(state)
  }, LINGER_MS)
  state.timer.unref()
}

/**
 * While a closing connection still has unwritten bytes: terminate it only if the peer takes
 * none of them for `STALL_MS` (each drain restarts the wait), so a slow reader gets the whole
 * response and a dead one does not hold the socket forever.
 */
function watchStall(socket: Socket<Connection>, state: Connection): void {
  if (state.closed) return
  if (state.timer !== null) clearTimeout(state.timer)
  state.timer = setTimeout(() => terminate(socket, state), STALL_MS)
  state.timer.unref()
}

function end(socket: Socket<Connection>, state: Connection): void {
  if (state.closed) return
  // Lingering close (RFC 9112 §9.6): send FIN, keep reading (`data` discards once closing),
  // so unread request bytes do not make the kernel send a RST that destroys the response.
  // shutdown(), not end(): Bun 1.4's end() closes the socket at once. The peer's FIN
  // (allowHalfOpen) or the linger timer then closes it.
  socket.resume()
  socket.shutdown()
  startLinger(socket, state)
}

function socketTransport(socket: Socket<Connection>, state: Connection): Transport {
  socket.setNoDelay(true)
  const unix = socket.remoteAddress === '' || socket.remoteAddress === undefined
  return {
    read: () => state.queue.read(),
    write(bytes) {
      if (state.closing || state.closed) return handled(Promise.reject(socketClosed()))
      if (state.pending.length === 0) {
        const written = socket.write(bytes)
        if (written === bytes.length) return
        if (written < 0) return handled(Promise.reject(socketClosed()))
        state.pending.push(bytes.subarray(written))
      } else {
        state.pending.push(bytes)
      }
      if (state.drained === null) {
        let resolve!: () => void
        let reject!: (error: Error) => void
        const promise = handled(new Promise<void>((res, rej) => ((resolve = res), (reject = rej))))
        state.drained = { promise, resolve, reject }
      }
      return state.drained.promise
    },
    close() {
      if (state.closing) return
      state.closing = true
      if (state.pending.length === 0) end(socket, state)
      else watchStall(socket, state) // `drain` ends the socket once `pending` is written
    },
    abort() {
      state.closing = true
      terminate(socket, state)
    },
    remoteAddress: unix ? undefined : socket.remoteAddress,
    remotePort: unix ? undefined : socket.remotePort,
    localAddress: unix ? undefined : socket.localAddress,
    localPort: unix ? undefined : socket.localPort,
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
  if (options.lightResponse !== false) installLightResponse()
  return startServer(app, options, runtime, (onConnection): Listener => {
    const handler: SocketHandler<Connection> = {
      binaryType: 'uint8array',
      open(socket) {
        // Bun 1.4 sockets have pause()/resume() (they stop reading the fd), so an app that
        // reads its body slowly fills the kernel buffers, not our memory.
        const queue = new SocketQueue({ pause: () => socket.pause(), resume: () => socket.resume() })
        const state: Connection = { queue, pending: [], drained: null, closing: false, closed: false, timer: null }
        socket.data = state
        onConnection(socketTransport(socket, state))
      },
      // Copied: Bun does not promise that the chunk's memory stays ours after the callback,
      // and the engine keeps views of what it reads.
      data(socket, data) {
        if (!socket.data.closing) socket.data.queue.push(new Uint8Array(data))
      },
      drain(socket) {
        const state = socket.data
        try {
          if (!flush(socket, state)) {
            if (state.closing) watchStall(socket, state)
            return
          }
        } catch (error) {
          return fail(state, error as Error)
        }
        state.drained?.resolve()
        state.drained = null
        if (state.closing) end(socket, state)
      },
      end: (socket) => socket.data.queue.end(),
      error: (socket, error) => socket.data.queue.error(error),
      close: (socket, error) => closed(socket.data, error),
    }
    const scheme = options.tls ? 'https' : 'http'
    const tls = options.tls && { cert: options.tls.cert, key: options.tls.key }
    // allowHalfOpen: a client that shuts down its write side after the request still gets the response.
    if (options.unix !== undefined) {
      const path = options.unix
      const listener = Bun.listen<Connection>({ unix: path, tls, allowHalfOpen: true, socket: handler })
      const url = `${scheme}+unix://${encodeURIComponent(path)}/`
      return { address: { transport: 'unix', path, url }, close: () => listener.stop() }
    }
    const listener = Bun.listen<Connection>({
      hostname: options.hostname ?? '0.0.0.0',
      port: options.port ?? 8000,
      tls,
      allowHalfOpen: true,
      // Missing from bun-types 1.4 for listen, but Bun sets SO_REUSEPORT.
      reusePort: options.reusePort,
      socket: handler,
    })
    const { hostname, port } = listener
    return { address: { transport: 'tcp', hostname, port, url: formatUrl(scheme, hostname, port) }, close: () => listener.stop() }
  })
}
