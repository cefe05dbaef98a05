/**
 * The server around the connections: it tracks them, runs one sweep timer for every
 * deadline (a number per connection instead of a timer per request), and shuts down
 * gracefully. Drivers call `startServer()` with a `listen` function that accepts sockets
 * and hands each one over as a `Transport`; everything else is here, written once.
 * @module
 */
import type { App, Server, ServerAddress, ServeOptions } from './options.ts'
import { ConnectionLoop } from './connection-loop.ts'
import { loadTelemetry, resolveSettings } from './settings.ts'
import { toPayload } from './server-websocket.ts'
import type { Runtime } from './runtime.ts'
import type { Transport } from './transport.ts'

/** What a driver's listener offers back to the core. */
export interface Listener {
  readonly address: ServerAddress
  /** Stops accepting new connections. */
  close(): void
}

/**
 * A driver's listen function: start accepting, call `onConnection` for each socket. It may
 * resolve later (a runtime may bind asynchronously) and rejects if it cannot listen.
 */
export type Listen = (onConnection: (transport: Transport) => void) => Listener | Promise<Listener>

/** Starts serving `app` on the listener that `listen` creates. */
export function startServer(app: App, options: ServeOptions, runtime: Runtime, listen: Listen): Server {
  const settings = resolveSettings(app, options, runtime)
  const connections = new Set<ConnectionLoop>()
  let closing: Promise<void> | null = null
  /** Set while close() waits for the last connection to end. */
  let drained: (() => void) | null = null
  let resolveFinished!: () => void
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve))

  const timeouts = [settings.headersTimeout, settings.requestTimeout, settings.keepAliveTimeout].filter((t) => t > 0)
  const shortest = Math.min(4000, ...timeouts)
  const sweep = runtime.timers.repeat(() => {
    const now = runtime.now()
    for (const connection of connections) connection.checkDeadline(now)
  }, Math.min(1000, Math.max(10, Math.floor(shortest / 4))))

  let listener: Listener | null = null
  const listening = loadTelemetry(settings, options)
    .then(() =>
      listen((transport) => {
        const telemetry = settings.telemetry
        if (connections.size >= settings.maxConnections) {
          // Closed before a byte is read: the cheapest refusal, and memory stays bounded.
          if (telemetry !== null) telemetry.connectionOpened?.(true)
          return transport.abort()
        }
        const connection = new ConnectionLoop(settings, transport)
        connections.add(connection)
        if (telemetry !== null) telemetry.connectionOpened?.(false)
        connection.onClosed = () => {
          connections.delete(connection)
          if (telemetry !== null) telemetry.connectionClosed?.()
          if (connections.size === 0) drained?.()
        }
        // Accepted while closing (it was queued before the listener closed): its request
        // is likely on the way, so answer it, with keep-alive off, rather than reset it.
        // During the shutdown delay the listener is open and it is served, each response
        // closing its connection.
        if (listenerClosed) connection.shutdown()
        else if (settings.admission.draining) connection.drain()
      }),
    )
    .then((l) => {
      listener = l
      ;(options.onListen ?? ((a: ServerAddress) => runtime.print(`Listening on ${a.url}`)))(l.address)
    })
  let readyAwaited = false
  listening.catch((error: unknown) => {
    runtime.timers.cancel(sweep)
    // A caller awaiting ready() reports the error itself; otherwise it must not vanish.
    if (!readyAwaited) settings.log('could not listen', error)
    resolveFinished()
  })

  /** Ends the shutdown delay early (a forced close); null outside the delay. */
  let endDelay: (() => void) | null = null
  let listenerClosed = false
  /** close({ force }) came while a graceful close was under way. */
  let forced = false
  const close = (force = false, delay = settings.shutdownDelay): Promise<void> => {
    if (closing !== null) {
      if (force) {
        forced = true
        endDelay?.()
        for (const c of connections) c.destroy()
      }
      return closing
    }
    let forceTimer: unknown = null
    // From the first signal on, the health path answers 503.
    settings.admission.draining = true
    closing = (async () => {
      await listening.catch(() => {})
      if (!force && delay > 0 && listener !== null) {
        // Still listening and serving while the balancer takes this instance out of
        // rotation; each response closes its connection, so clients move elsewhere.
        for (const c of connections) c.drain()
        await new Promise<void>((resolve) => {
          const timer = runtime.timers.once(() => resolve(), delay)
          endDelay = () => {
            runtime.timers.cancel(timer)
            resolve()
          }
        })
        endDelay = null
      }
      listenerClosed = true
      listener?.close()
      force ||= forced
      for (const c of connections) (force ? c.destroy() : c.shutdown())
      if (!force) {
        forceTimer = runtime.timers.once(() => {
          for (const c of connections) c.destroy()
        }, settings.gracefulTimeout)
      }
      if (connections.size > 0) await new Promise<void>((resolve) => (drained = resolve))
      runtime.timers.cancel(sweep)
      if (forceTimer !== null) runtime.timers.cancel(forceTimer)
      resolveFinished()
    })()
    return closing
  }

  options.signal?.addEventListener('abort', () => void close(), { once: true })
  const server: Server = {
    get address(): ServerAddress {
      if (listener === null) throw new Error('the server is not listening yet: await server.ready()')
      return listener.address
    },
    get url(): string {
      return server.address.url
    },
    finished,
    ready: () => {
      readyAwaited = true
      return listening.then(() => server)
    },
    close: (closeOptions) => close(closeOptions?.force === true, closeOptions?.shutdownDelay),
    publish: (topic, data) => settings.topics.publish(topic, typeof data === 'string' ? 'text' : 'binary', toPayload(data), null),
    subscriberCount: (topic) => settings.topics.count(topic),
  }
  return server
}

/** `http://host:port/` for an address, with IPv6 hosts in brackets. */
export function formatUrl(scheme: 'http' | 'https', hostname: string, port: number): string {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  return `${scheme}://${host}:${port}/`
}
