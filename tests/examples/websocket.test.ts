/**
 * The WebSocket examples as users run them: each is started through the CLI on node, deno and
 * bun, and a real client (the `ws` package, in this Node process) exchanges messages with it
 * over loopback. examples/chat.ts is Bun's API shape, examples/deno-websocket.ts Deno's
 * upgradeWebSocket, examples/hono-websocket.ts Hono with portico/hono.
 *
 * All servers start in parallel in one beforeAll; every child is killed by PID in afterAll,
 * and every wait has a deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CLI_RUNTIMES, CliProcesses } from '../helpers/cli-process.ts'

const START_MS = 25_000
const WAIT_MS = 5_000

/** A connected `ws` client that records what it receives. */
interface Client {
  socket: WebSocket
  protocol: string
  messages: (string | Uint8Array)[]
  /** Resolves once `count` messages in all have arrived. */
  received(count: number): Promise<(string | Uint8Array)[]>
  /** Resolves with the close code and reason. */
  closed: Promise<[number, string]>
}

function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function connect(url: string, protocols: string[] = []): Promise<Client> {
  const socket = new WebSocket(url, protocols)
  const messages: Client['messages'] = []
  const waiters: (() => void)[] = []
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    messages.push(isBinary ? new Uint8Array(data) : data.toString('utf8'))
    for (const wake of waiters.splice(0)) wake()
  })
  const closed = new Promise<[number, string]>((resolve) => socket.on('close', (code, reason) => resolve([code, reason.toString()])))
  const received = async (count: number): Promise<Client['messages']> => {
    while (messages.length < count) {
      await deadline(new Promise<void>((wake) => waiters.push(wake)), `message ${messages.length + 1} of ${count} (have ${JSON.stringify(messages)})`)
    }
    return messages
  }
  return deadline(
    new Promise<Client>((resolve, reject) => {
      socket.once('open', () => resolve({ socket, protocol: socket.protocol, messages, received, closed }))
      socket.once('error', reject)
    }),
    `${url} to open`,
  )
}

interface Example {
  name: string
  file: string
  run: (base: string) => Promise<void>
}

const EXAMPLES: Example[] = [
  {
    name: 'chat (Bun shape: info.upgrade, publish/subscribe)',
    file: 'examples/chat.ts',
    run: async (base) => {
      const page = await fetch(`http://${base}/`, { signal: AbortSignal.timeout(WAIT_MS) })
      expect(await page.text()).toContain('<title>Portico chat</title>')
      const ann = await connect(`ws://${base}/chat?name=ann`)
      await ann.received(1)
      const bob = await connect(`ws://${base}/chat?name=bob`)
      await bob.received(1)
      await ann.received(2)
      ann.socket.send('hi bob')
      await bob.received(2)
      bob.socket.send(new Uint8Array([0x68, 0x69])) // 'hi' as binary
      await ann.received(4)
      bob.socket.close(1000)
      expect(await deadline(bob.closed, 'bob to close')).toEqual([1000, ''])
      await ann.received(5)
      expect(ann.messages).toEqual(['ann joined (1 here)', 'bob joined (2 here)', 'ann: hi bob', 'bob: hi', 'bob left'])
      expect(bob.messages).toEqual(['bob joined (2 here)', 'ann: hi bob', 'bob: hi'])
      ann.socket.close(1001)
      await deadline(ann.closed, 'ann to close')
    },
  },
  {
    name: 'deno-websocket (upgradeWebSocket)',
    file: 'examples/deno-websocket.ts',
    run: async (base) => {
      const client = await connect(`ws://${base}/`)
      await client.received(1)
      client.socket.send('hello')
      client.socket.send(new Uint8Array([1, 2, 3]))
      client.socket.send('x'.repeat(100_000))
      await client.received(4)
      client.socket.send('bye')
      expect(await deadline(client.closed, 'the server to close')).toEqual([4000, 'bye'])
      expect(client.messages).toEqual(['hello, 1 connected', 'HELLO', new Uint8Array([1, 2, 3]), 'X'.repeat(100_000)])
    },
  },
  {
    name: 'hono-websocket (portico/hono)',
    file: 'examples/hono-websocket.ts',
    run: async (base) => {
      const page = await fetch(`http://${base}/`, { signal: AbortSignal.timeout(WAIT_MS) })
      expect(await page.text()).toBe('Hello from Hono: WebSockets on /ws')
      const client = await connect(`ws://${base}/ws?name=ann`, ['chat', 'other'])
      expect(client.protocol).toBe('chat')
      await client.received(1)
      client.socket.send('hi')
      client.socket.send(new Uint8Array([7, 8]))
      await client.received(3)
      client.socket.send('bye')
      expect(await deadline(client.closed, 'the server to close')).toEqual([4000, 'bye'])
      expect(client.messages).toEqual(['hello ann', 'ann said hi', new Uint8Array([7, 8])])
    },
  },
]

const cli = new CliProcesses(START_MS)

const pairs = CLI_RUNTIMES.flatMap((runtime) => EXAMPLES.map((example) => ({ runtime, example, base: undefined as Promise<string> | undefined })))

beforeAll(async () => {
  for (const pair of pairs) {
    if (pair.runtime.missing !== undefined) continue
    pair.base = cli.start(pair.runtime, pair.example.file).then((url) => new URL(url).host)
    pair.base.catch(() => {}) // reported by the pair's test
  }
  await Promise.allSettled(pairs.map((pair) => pair.base))
}, START_MS + 5_000)

afterAll(() => cli.killAll())

for (const pair of pairs) {
  describe.skipIf(pair.runtime.missing !== undefined)(`${pair.example.file} on ${pair.runtime.name}`, () => {
    it(pair.example.name, async () => pair.example.run(await pair.base!), 20_000)
  })
}
