/**
 * In-memory Transport and virtual timers, to run core/server.ts without sockets or sleeps.
 */
import type { Runtime, Transport } from '../../core/transport.ts'
import { startServer, type Listener } from '../../core/server.ts'
import type { App, Server, ServeOptions } from '../../core/options.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder('latin1')

/** One end of an in-memory connection: the test plays the client. */
export class MemoryTransport implements Transport {
  readonly remoteAddress = '10.0.0.2'
  readonly remotePort = 40000
  readonly localAddress = '10.0.0.1'
  readonly localPort = 8000
  written: Uint8Array[] = []
  closed = false
  aborted = false
  private incoming: (Uint8Array | null)[] = []
  private waiter: ((chunk: Uint8Array | null) => void) | null = null

  read(): Promise<Uint8Array | null> {
    if (this.incoming.length > 0) return Promise.resolve(this.incoming.shift()!)
    if (this.closed) return Promise.resolve(null)
    return new Promise((resolve) => (this.waiter = resolve))
  }

  write(bytes: Uint8Array): void {
    if (this.closed) throw new Error('write after close')
    this.written.push(bytes.slice())
  }

  close(): void {
    this.closed = true
    this.deliver(null)
  }

  abort(): void {
    this.aborted = true
    this.close()
  }

  /** Client sends bytes (a string is latin1). */
  send(data: string | Uint8Array): void {
    this.deliver(typeof data === 'string' ? Uint8Array.from(data, (c) => c.charCodeAt(0)) : data)
  }

  /** Client half-closes. */
  end(): void {
    this.deliver(null)
  }

  /** Everything the server wrote so far, as latin1 text. */
  get output(): string {
    return this.written.map((b) => decoder.decode(b)).join('')
  }

  private deliver(chunk: Uint8Array | null): void {
    const waiter = this.waiter
    if (waiter !== null) {
      this.waiter = null
      waiter(chunk)
    } else {
      this.incoming.push(chunk)
    }
  }
}

/** Timers driven by `advance()`, and the clock they share. */
export class VirtualClock {
  now = 1_700_000_000_000
  private intervals = new Map<number, { callback: () => void; every: number; next: number }>()
  private ids = 0

  readonly timers = {
    setInterval: (callback: () => void, every: number): unknown => {
      const id = ++this.ids
      this.intervals.set(id, { callback, every, next: this.now + every })
      return id
    },
    clearInterval: (id: unknown): void => void this.intervals.delete(id as number),
  }

  /** Moves time forward, firing due intervals in order. */
  advance(ms: number): void {
    const end = this.now + ms
    for (;;) {
      let due: { callback: () => void; every: number; next: number } | null = null
      for (const t of this.intervals.values()) if (t.next <= end && (due === null || t.next < due.next)) due = t
      if (due === null) break
      this.now = due.next
      due.next += due.every
      due.callback()
    }
    this.now = end
  }
}

/** A server on virtual time whose connections the test opens by hand. */
export interface MemoryServer {
  server: Server
  clock: VirtualClock
  connect(): MemoryTransport
  logs: string[]
}

/** Starts `app` with in-memory connections and a virtual clock. */
export async function memoryServer(app: App, options: ServeOptions = {}): Promise<MemoryServer> {
  const clock = new VirtualClock()
  const logs: string[] = []
  let accept!: (t: Transport) => void
  const runtime: Runtime = {
    name: 'memory',
    now: () => clock.now,
    timers: clock.timers,
    log: (message) => void logs.push(message),
    print: () => {},
  }
  const server = startServer(app, { onListen: () => {}, ...options }, runtime, (onConnection): Listener => {
    accept = onConnection
    return { address: { transport: 'tcp', hostname: '10.0.0.1', port: 8000, url: 'http://10.0.0.1:8000/' }, close: () => {} }
  })
  await server.ready()
  return {
    server,
    clock,
    logs,
    connect() {
      const t = new MemoryTransport()
      accept(t)
      return t
    },
  }
}

/** Lets pending promise callbacks run (the server loop is async). */
export async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

export { encoder }
