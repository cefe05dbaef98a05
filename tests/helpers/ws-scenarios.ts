/**
 * The WebSocket client scenarios of tests/integration/websocket.test.ts, written once against
 * the WHATWG `WebSocket` API so that every JavaScript client runs the same code: the `ws`
 * package in the test process, Deno's and Bun's built-in `WebSocket` (through
 * tests/integration/websocket-client.ts) and Chromium (this file, transpiled, in a page).
 * tests/integration/websocket-client.py does the same with Python's `websockets`.
 *
 * Self-contained on purpose (no imports, nothing from the host but `WebSocket`-like objects,
 * `TextEncoder` and timers): the browser gets this file's transpiled text as it is.
 *
 * Each scenario returns plain JSON describing what the client saw; the test compares it with
 * the same expectation whichever runtime serves (tests/integration/websocket-fixture.ts).
 * @module
 */

/** What every scenario needs to know. */
export interface ScenarioConfig {
  /** `ws://127.0.0.1:<port>` of the fixture. */
  url: string
  /** `ws://…` of a second server of the fixture, which the `going-away` scenario shuts down. */
  closableUrl: string
  /** `ws://…` of a byte-counting TCP proxy in front of the fixture (`compression` only). */
  proxyUrl: string
  /** Unique per client run; every socket's `id` starts with it. */
  id: string
  /** The fixture's `maxPayloadLength`. */
  maxPayloadLength: number
}

/** The part of the WHATWG `WebSocket` the scenarios use. */
export interface WsLike {
  readonly protocol: string
  readonly extensions: string
  binaryType: string
  send(data: string | ArrayBufferView | ArrayBuffer): void
  close(code?: number, reason?: string): void
  addEventListener(type: string, listener: (event: never) => void): void
}

/** How one client opens sockets, and what it can do beyond the WHATWG API. */
export interface ClientKit {
  open(url: string, protocols?: string[]): WsLike
  /** Sends a ping; resolves with the pong's data. Absent: the client cannot ping. */
  ping?(socket: WsLike, data: string): Promise<string>
  /** The `Set-Cookie` of the socket's 101. Absent: the client does not expose it. */
  setCookie?(socket: WsLike): string | null
}

/** A received message: text, or binary as bytes. */
export type Message = string | Uint8Array

/** What the client saw of the close. */
export interface CloseSeen {
  code: number
  reason: string
  wasClean: boolean
}

/** A scenario's result, or the error that stopped it. */
export type Results = Record<string, unknown>

const TIMEOUT_MS = 10_000
/** Text of about 1 MiB (`ab✓` is 5 bytes of UTF-8), with multi-byte characters across every frame boundary. */
export const BIG_TEXT_REPEAT = 209_716
/** The names of the scenarios, in the order they run. */
export const SCENARIOS = [
  'echo',
  'subprotocol',
  'cookie',
  'close-by-client',
  'close-by-server',
  'too-big',
  'server-ping',
  'client-ping',
  'going-away',
  'signal',
  'pubsub',
  'compression',
] as const

/** Binary test data: `length` bytes of a fixed pattern. */
export function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 255
  return bytes
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function describe(message: Message): string {
  return typeof message === 'string' ? `text ${new TextEncoder().encode(message).length}` : `binary ${message.length}`
}

function toMessage(data: unknown): Message {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw new Error(`unexpected message data: ${Object.prototype.toString.call(data)}`)
}

/** One socket with its incoming messages queued and its close remembered. */
class Conn {
  readonly socket: WsLike
  readonly opened: Promise<void>
  readonly closed: Promise<CloseSeen>
  private readonly queue: Message[] = []
  private waiter: ((message: Message | null) => void) | null = null
  private isClosed = false

  constructor(socket: WsLike) {
    this.socket = socket
    socket.binaryType = 'arraybuffer'
    socket.addEventListener('message', (event: { data: unknown }) => {
      const message = toMessage(event.data)
      if (this.waiter !== null) {
        const wake = this.waiter
        this.waiter = null
        wake(message)
      } else this.queue.push(message)
    })
    this.opened = new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve())
      socket.addEventListener('error', () => reject(new Error('error before open')))
    })
    this.closed = new Promise<CloseSeen>((resolve) => {
      socket.addEventListener('close', (event: { code: number; reason: string; wasClean: boolean }) => {
        this.isClosed = true
        if (this.waiter !== null) this.waiter(null)
        resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean })
      })
    })
    // Settled by whoever awaits them; never an unhandled rejection.
    this.opened.catch(() => {})
  }

  /** The next message; rejects after `ms` or if the socket closes first. */
  next(ms = TIMEOUT_MS): Promise<Message> {
    const queued = this.queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.isClosed) return Promise.reject(new Error('closed'))
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null
        reject(new Error(`no message within ${ms} ms`))
      }, ms)
      this.waiter = (message) => {
        clearTimeout(timer)
        if (message === null) reject(new Error('closed while waiting for a message'))
        else resolve(message)
      }
    })
  }

  /** The next message, which must be text. */
  async text(ms = TIMEOUT_MS): Promise<string> {
    const message = await this.next(ms)
    if (typeof message !== 'string') throw new Error(`expected text, got ${describe(message)}`)
    return message
  }

  /** The close, with a deadline. */
  close(ms = TIMEOUT_MS): Promise<CloseSeen> {
    return withTimeout(this.closed, ms, 'no close event')
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The scenarios, bound to one client and one fixture. */
function scenarios(config: ScenarioConfig, kit: ClientKit): Record<(typeof SCENARIOS)[number], () => Promise<unknown>> {
  const at = (base: string, path: string, name: string, query = ''): string => `${base}${path}?id=${config.id}-${name}${query}`
  const connect = async (url: string, protocols?: string[]): Promise<Conn> => {
    const conn = new Conn(kit.open(url, protocols))
    await withTimeout(conn.opened, TIMEOUT_MS, 'not open')
    return conn
  }

  return {
    /** Text (ASCII, multi-byte, empty, ~1 MiB) and binary (every byte value, 1 MiB) come back as sent. */
    async echo() {
      const conn = await connect(at(config.url, '/echo', 'echo'))
      const sent: Message[] = ['hello', 'héllo wörld ✓ 🎉', '', pattern(256), pattern(1 << 20), 'ab✓'.repeat(BIG_TEXT_REPEAT)]
      const seen: string[] = []
      for (const message of sent) {
        conn.socket.send(message)
        const back = await conn.next()
        const same = typeof message === 'string' ? back === message : typeof back !== 'string' && sameBytes(back, message)
        seen.push(`${describe(back)} ${same ? 'same' : 'different'}`)
      }
      conn.socket.close(1000)
      await conn.close()
      return seen
    },

    /** The server picks its preferred subprotocol among the client's offer; both sides agree. */
    async subprotocol() {
      const offered = await connect(at(config.url, '/cmd', 'proto'), ['chat.v1', 'chat.v2'])
      offered.socket.send('info')
      const server = (JSON.parse(await offered.text()) as { protocol: string }).protocol
      const none = await connect(at(config.url, '/cmd', 'noproto'))
      none.socket.send('info')
      const serverNone = (JSON.parse(await none.text()) as { protocol: string }).protocol
      offered.socket.close(1000)
      none.socket.close(1000)
      await Promise.all([offered.close(), none.close()])
      return { client: offered.socket.protocol, server, withoutOffer: { client: none.socket.protocol, server: serverNone } }
    },

    /** The 101's Set-Cookie: read where the client exposes it, sent back where it keeps cookies. */
    async cookie() {
      const first = await connect(at(config.url, '/cmd', 'cookie'))
      const header = kit.setCookie === undefined ? 'not exposed' : kit.setCookie(first.socket)
      const second = await connect(at(config.url, '/cmd', 'cookie2'))
      second.socket.send('info')
      const sentBack = (JSON.parse(await second.text()) as { cookie: string | null }).cookie
      first.socket.close(1000)
      second.socket.close(1000)
      await Promise.all([first.close(), second.close()])
      return { header, sentBack }
    },

    /** The client closes with a code and reason; the server echoes the code. */
    async 'close-by-client'() {
      const conn = await connect(at(config.url, '/cmd', 'cclose'))
      conn.socket.close(4000, 'client bye ✓')
      return await conn.close()
    },

    /** The server closes with a code and a UTF-8 reason. */
    async 'close-by-server'() {
      const conn = await connect(at(config.url, '/cmd', 'sclose'))
      conn.socket.send('close 4001 au revoir ✓')
      return await conn.close()
    },

    /** A message one byte over maxPayloadLength closes the socket with 1009. */
    async 'too-big'() {
      const conn = await connect(at(config.url, '/echo', 'big'))
      conn.socket.send(pattern(config.maxPayloadLength + 1))
      const close = await conn.close()
      return { code: close.code }
    },

    /** The server pings; the client's automatic pong reaches the server's `pong` handler. */
    async 'server-ping'() {
      const conn = await connect(at(config.url, '/cmd', 'sping'))
      conn.socket.send('ping hello-ping')
      const reply = await conn.text()
      conn.socket.close(1000)
      await conn.close()
      return reply
    },

    /** The client pings; the server pongs with the same data and its `ping` handler runs. */
    async 'client-ping'() {
      if (kit.ping === undefined) return 'not supported by this client'
      const conn = await connect(at(config.url, '/cmd', 'cping'))
      const pong = await withTimeout(kit.ping(conn.socket, 'p1'), TIMEOUT_MS, 'no pong')
      const handler = await conn.text()
      conn.socket.close(1000)
      await conn.close()
      return { pong, handler }
    },

    /** server.close() sends 1001 Going Away to an open socket. */
    async 'going-away'() {
      const conn = await connect(at(config.closableUrl, '/cmd', 'away'))
      conn.socket.send('shutdown')
      return await conn.close()
    },

    /** The upgrade request's signal has not aborted while the socket is open (the test checks it does after). */
    async signal() {
      const conn = await connect(at(config.url, '/cmd', 'signal'))
      conn.socket.send('info')
      const whileOpen = (JSON.parse(await conn.text()) as { signalAborted: boolean }).signalAborted
      conn.socket.close(1000)
      await conn.close()
      return { whileOpen }
    },

    /** Three sockets on one topic: ws.publish reaches the others, server.publish everyone. */
    async pubsub() {
      const topic = `room-${config.id}`
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => connect(at(config.url, '/cmd', `sub-${name}`))))
      const all = [a!, b!, c!]
      for (const conn of all) conn.socket.send(`subscribe ${topic}`)
      const acks = await Promise.all(all.map((conn) => conn.text()))
      a!.socket.send(`publish ${topic} hello from a`)
      const others = await Promise.all([b!.text(), c!.text()])
      // publishToSelf is off: a's next message is the answer to `count`, not its own publish.
      a!.socket.send(`count ${topic}`)
      const aNext = await a!.text()
      c!.socket.send(`server-publish ${topic} to all`)
      const everyone = await Promise.all(all.map((conn) => conn.text()))
      b!.socket.close(1000)
      await b!.close()
      a!.socket.send(`count ${topic}`)
      const after = await a!.text()
      a!.socket.close(1000)
      c!.socket.close(1000)
      await Promise.all([a!.close(), c!.close()])
      return { acks, others, aNext, everyone, after }
    },

    /** Through the counting proxy, a compressible ~1 MiB text and 64 KiB of zeros, echoed with `send(data, true)`. */
    async compression() {
      const conn = await connect(at(config.proxyUrl, '/echo', 'deflate', '&compress=1'))
      const sent: Message[] = ['ab✓'.repeat(BIG_TEXT_REPEAT), new Uint8Array(1 << 16), 'small']
      const seen: string[] = []
      for (const message of sent) {
        conn.socket.send(message)
        const back = await conn.next()
        const same = typeof message === 'string' ? back === message : typeof back !== 'string' && sameBytes(back, message)
        seen.push(`${describe(back)} ${same ? 'same' : 'different'}`)
      }
      conn.socket.close(1000)
      await conn.close()
      return { extensions: conn.socket.extensions === '' ? '' : conn.socket.extensions.split(';')[0]!.trim(), echoes: seen }
    },
  }
}

/** Runs every scenario (or those named in `only`) one after another; a failure is recorded, not thrown. */
export async function runScenarios(config: ScenarioConfig, kit: ClientKit, only?: readonly string[]): Promise<Results> {
  const all = scenarios(config, kit)
  const results: Results = {}
  for (const name of SCENARIOS) {
    if (only !== undefined && !only.includes(name)) continue
    try {
      results[name] = await all[name]()
    } catch (error) {
      results[name] = { error: error instanceof Error ? error.message : String(error) }
    }
  }
  return results
}
