/**
 * Real WebSocket clients against Portico on node, deno and bun (issue 12, "Proof"): the `ws`
 * client, Deno's and Bun's built-in `WebSocket`, Python's `websockets` and headless Chromium
 * each run the scenarios of tests/helpers/ws-scenarios.ts against
 * tests/integration/websocket-fixture.ts (a Bun-shaped `{ fetch, websocket }` app with
 * `perMessageDeflate: true`) spawned under each runtime. The expected results depend on the
 * client's traits only (tests/helpers/ws-clients.ts), never on the runtime: one behaviour
 * everywhere. What the server saw is read back from the fixture's `/report`.
 *
 * Covered: echo of text and binary up to 1 MiB; subprotocol selection; a 101 with
 * Set-Cookie; close codes and reasons both ways; 1009 for a message over maxPayloadLength;
 * pings both ways; server.close() sending 1001; the upgrade request's `signal` aborting when
 * the socket closes; publish/subscribe across sockets; compressed messages both ways
 * (bytes counted on the wire by a proxy). A raw TCP client (tests/helpers/ws-raw.ts) checks
 * what no client shows alike: the 101's headers, and that server.close() waits for each
 * answer to its 1001 and drops a client that never answers after the close timeout.
 * @module
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RUNTIMES } from '../clients/runtimes.ts'
import { CLIENTS, closeClients, type ClientTraits } from '../helpers/ws-clients.ts'
import { countingProxy, type CountingProxy } from '../helpers/ws-proxy.ts'
import { closeCode, RawWebSocket } from '../helpers/ws-raw.ts'
import { BIG_TEXT_REPEAT, type ScenarioConfig } from '../helpers/ws-scenarios.ts'
import { clientClose, clientFrame } from '../vectors/ws-client.ts'
import { fixtureLauncher, type Fixture } from './suite.ts'

const FIXTURE = 'tests/integration/websocket-fixture.ts'
const MAX_PAYLOAD = 2 * 1024 * 1024
/** The fixture's graceful timeout: close() must resolve well before it, on the close handshake. */
const GRACEFUL_MS = 10_000
const BIG_TEXT_BYTES = 5 * BIG_TEXT_REPEAT

/** What the server saw of one socket (the fixture's `Report`). */
interface Report {
  close: { code: number; reason: string } | null
  signalAborted: boolean
  protocol: string
  extensions: string
  serverClosedMs: number | null
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** What every client must see, given what it can show. */
function expectedResults(traits: ClientTraits, id: string): Record<string, unknown> {
  const close = (code: number, reason: string): unknown => ({ code, reason, wasClean: true })
  return {
    echo: ['text 5 same', 'text 22 same', 'text 0 same', 'binary 256 same', 'binary 1048576 same', `text ${BIG_TEXT_BYTES} same`],
    subprotocol: { client: 'chat.v2', server: 'chat.v2', withoutOffer: { client: '', server: '' } },
    cookie: {
      header: traits.readsHeaders ? `portico-ws=${id}-cookie; Path=/` : 'not exposed',
      sentBack: traits.cookieJar ? `portico-ws=${id}-cookie` : null,
    },
    // The server's Close echoes the client's code (RFC 6455 §5.5.1), without its reason.
    'close-by-client': close(4000, ''),
    'close-by-server': close(4001, 'au revoir ✓'),
    'too-big': { code: 1009 },
    'server-ping': 'pong hello-ping',
    'client-ping': traits.ping ? { pong: 'p1', handler: 'got-ping p1' } : 'not supported by this client',
    'going-away': close(1001, 'server shutting down'),
    signal: { whileOpen: false },
    pubsub: {
      acks: Array(3).fill(`subscribed room-${id}`),
      others: ['hello from a', 'hello from a'],
      aNext: 'count 3',
      everyone: ['to all', 'to all', 'to all'],
      after: 'count 2',
    },
    compression: {
      extensions: traits.deflate ? 'permessage-deflate' : '',
      echoes: [`text ${BIG_TEXT_BYTES} same`, 'binary 65536 same', 'text 5 same'],
    },
  }
}

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `WebSocket on ${runtime.name}` : `WebSocket on ${runtime.name} (skipped: ${runtime.skip})`

  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let proxy: CountingProxy
    const http = (path: string): string => `http://127.0.0.1:${fixture.port}${path}`

    async function report(id: string): Promise<Report> {
      return (await (await fetch(http(`/report?id=${encodeURIComponent(id)}`))).json()) as Report
    }

    /** Polls the report of `id` until `check` holds, then returns it (or the last one). */
    async function reportWhen(id: string, check: (r: Report) => boolean, ms = 5000): Promise<Report> {
      const deadline = Date.now() + ms
      let last = await report(id)
      while (!check(last) && Date.now() < deadline) {
        await sleep(50)
        last = await report(id)
      }
      return last
    }

    beforeAll(async () => {
      fixture = await launcher.start({ WS_MAX_PAYLOAD: String(MAX_PAYLOAD), GRACEFUL_TIMEOUT: String(GRACEFUL_MS) })
      proxy = await countingProxy(fixture.port)
    }, 30_000)

    afterAll(async () => {
      launcher.killAll()
      await proxy?.close()
      await closeClients()
    })

    it('answers the handshake with 101, the accept key, the chosen subprotocol, permessage-deflate and Set-Cookie', async () => {
      // The raw view of what Deno's and Bun's clients cannot show (their WebSocket hides the 101's headers).
      const ws = await RawWebSocket.open({
        port: fixture.port,
        path: '/cmd?id=raw-head',
        headers: ['Sec-WebSocket-Protocol: chat.v1, chat.v2', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
      })
      try {
        const accept = createHash('sha1').update('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
        expect({
          status: ws.status,
          upgrade: ws.header('upgrade').map((v) => v.toLowerCase()),
          connection: ws.header('connection').map((v) => v.toLowerCase()),
          accept: ws.header('sec-websocket-accept'),
          protocol: ws.header('sec-websocket-protocol'),
          extensions: ws.header('sec-websocket-extensions').map((v) => v.split(';')[0]),
          cookie: ws.header('set-cookie'),
        }).toEqual({
          status: 101,
          upgrade: ['websocket'],
          connection: ['upgrade'],
          accept: [accept],
          protocol: ['chat.v2'],
          extensions: ['permessage-deflate'],
          cookie: ['portico-ws=raw-head; Path=/'],
        })
      } finally {
        ws.destroy()
      }
    })

    it('delivers binary messages as a Buffer by default (binaryType nodebuffer, as Bun does)', async () => {
      const socket = await RawWebSocket.open({ port: fixture.port, path: '/cmd?id=kind' })
      try {
        await socket.write(clientFrame({ opcode: 2, payload: 'kind' }))
        expect((await socket.next()).payload.toString()).toBe('kind nodebuffer Buffer')
      } finally {
        socket.destroy()
      }
    })

    it('answers a request to an upgrade route that is not an upgrade as the app says (400)', async () => {
      const response = await fetch(http('/echo'))
      expect([response.status, await response.text()]).toEqual([400, 'expected a WebSocket upgrade'])
    })

    it('server.close() waits for each Close answer to its 1001, and drops a silent client after the close timeout', async () => {
      const closable = new URL((await (await fetch(http('/closable'))).text()).replace(/^ws/, 'http'))
      const port = Number(closable.port)
      const polite = await RawWebSocket.open({ port, path: '/cmd?id=polite' })
      const silent = await RawWebSocket.open({ port, path: '/cmd?id=silent' })
      try {
        const started = Date.now()
        await polite.write(clientFrame({ opcode: 1, payload: 'shutdown' }))
        const [politeClose, silentClose] = await Promise.all([polite.next(), silent.next()])
        expect([politeClose, silentClose].map((f) => [f.opcode, closeCode(f), f.payload.subarray(2).toString()]))
          .toEqual([[8, 1001, 'server shutting down'], [8, 1001, 'server shutting down']])
        // Nothing has ended while the clients have not answered.
        await sleep(500)
        expect((await report('polite')).close).toBeNull()
        expect((await report('silent')).close).toBeNull()
        await polite.write(clientClose(1001, 'ok'))
        await polite.waitEnded()
        expect((await reportWhen('polite', (r) => r.close !== null)).close).toEqual({ code: 1001, reason: 'ok' })
        // The silent one is dropped after the session's close timeout (5 s), well before the graceful timeout.
        await silent.waitEnded(GRACEFUL_MS)
        const droppedAfter = Date.now() - started
        expect((await report('silent')).close).toEqual({ code: 1006, reason: 'close timeout' })
        const closed = await reportWhen('polite', (r) => r.serverClosedMs !== null)
        expect(closed.serverClosedMs).not.toBeNull()
        expect(droppedAfter).toBeGreaterThanOrEqual(4000)
        expect(closed.serverClosedMs!).toBeLessThan(GRACEFUL_MS)
      } finally {
        polite.destroy()
        silent.destroy()
      }
    }, 20_000)

    for (const client of CLIENTS) {
      const name = client.skip === undefined ? client.name : `${client.name} (skipped: ${client.skip})`
      it.skipIf(client.skip !== undefined)(name, async () => {
        const id = `${runtime.name}-${client.name.replace(/\W+/g, '-')}`
        const closableUrl = (await (await fetch(http('/closable'))).text()).replace(/\/$/, '')
        proxy.reset()
        const config: ScenarioConfig = {
          url: `ws://127.0.0.1:${fixture.port}`,
          closableUrl,
          proxyUrl: `ws://127.0.0.1:${proxy.port}`,
          id,
          maxPayloadLength: MAX_PAYLOAD,
        }
        const results = await client.run(config)
        expect(results).toEqual(expectedResults(client.traits, id))

        // What the server saw.
        expect((await report(`${id}-cclose`)).close).toEqual({ code: 4000, reason: 'client bye ✓' })
        expect((await report(`${id}-sclose`)).close).toEqual({ code: 4001, reason: 'au revoir ✓' })
        expect((await report(`${id}-big`)).close?.code).toBe(1009)
        const away = await reportWhen(`${id}-away`, (r) => r.serverClosedMs !== null)
        expect(away.close?.code).toBe(1001)
        // close() resolved on the close handshake, not on the graceful timeout.
        expect(away.serverClosedMs).not.toBeNull()
        expect(away.serverClosedMs!).toBeLessThan(GRACEFUL_MS / 2)
        expect((await reportWhen(`${id}-signal`, (r) => r.signalAborted)).signalAborted).toBe(true)
        const deflate = await report(`${id}-deflate`)
        expect(deflate.extensions.split(';')[0]).toBe(client.traits.deflate ? 'permessage-deflate' : '')

        // On the wire: compressed both ways when negotiated (~1.1 MiB of messages each way).
        expect(proxy.connections).toHaveLength(1)
        const wire = proxy.connections[0]!
        console.log(`[ws] ${runtime.name} × ${client.name}: ~1.1 MiB each way took ${wire.up} bytes up, ${wire.down} bytes down`)
        const compressed = { up: wire.up < 64 * 1024, down: wire.down < 64 * 1024 }
        const deflated = client.traits.deflate
        expect(compressed, `bytes on the wire: ${JSON.stringify(wire)}`).toEqual({ up: deflated, down: deflated })
      }, 120_000)
    }
  })
}
