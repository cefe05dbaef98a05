// WebSockets through the whole server on the memory transport and virtual clock: the
// upgrade in fetch (Bun's shape), messages both ways, pings, close codes, limits, topics.
import { describe, expect, it } from 'vitest'
import type { ServerWebSocket, WebSocketHandler } from '../../../core/server/options.ts'
import { createTestServer, type TestConnection, type TestServer } from '../../../testing/mod.ts'
import { clientClose, clientFrame, clientMessage, parseServerFrames, toLatin1, utf8 } from '../../vectors/ws-client.ts'

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'

interface Log {
  events: string[]
}

function echoServer(handlers: Partial<WebSocketHandler<{ user: string }>> = {}, log: Log = { events: [] }): TestServer {
  const websocket: WebSocketHandler<{ user: string }> = {
    open(ws) {
      log.events.push(`open ${ws.data.user}`)
    },
    message(ws, message) {
      log.events.push(`message ${typeof message === 'string' ? message : `bytes:${message.length}`}`)
      ws.send(message)
    },
    close(ws, code, reason) {
      log.events.push(`close ${code} ${reason}`)
    },
    ...handlers,
  }
  return createTestServer({
    fetch(request, info) {
      if (info.upgrade(request, { data: { user: 'ann' }, headers: { 'set-cookie': 'a=1' } })) return undefined as unknown as Response
      return new Response('not a websocket', { status: 400 })
    },
    websocket: websocket as WebSocketHandler<unknown>,
  })
}

/** The part of the output after the 101's head. */
function framesAfterHead(conn: TestConnection): ReturnType<typeof parseServerFrames> {
  const text = conn.text
  const end = text.indexOf('\r\n\r\n')
  return parseServerFrames(conn.output.subarray(end + 4))
}

describe('WebSocket upgrade', () => {
  it('answers 101 with the accept key and the app headers, then echoes messages', async () => {
    const log: Log = { events: [] }
    const server = echoServer({}, log)
    const conn = server.connect()
    conn.send(UPGRADE + '\r\n')
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/)
    expect(conn.text).toContain('sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n')
    expect(conn.text).toContain('set-cookie: a=1\r\n')
    conn.send(clientMessage(1, 'hello'))
    await server.settle()
    const frames = framesAfterHead(conn)
    expect(frames.map((f) => [f.opcode, toLatin1(f.payload)])).toEqual([[1, 'hello']])
    expect(log.events).toEqual(['open ann', 'message hello'])
    conn.send(clientClose(1000, 'bye'))
    await server.settle()
    expect(log.events.at(-1)).toBe('close 1000 bye')
    expect(conn.closed).toBe(true)
    expect(framesAfterHead(conn).at(-1)?.opcode).toBe(8)
  })

  it('takes frames that arrive with the upgrade request', async () => {
    const log: Log = { events: [] }
    const server = echoServer({}, log)
    const conn = server.connect()
    conn.send(toLatin1(new Uint8Array([...utf8(UPGRADE + '\r\n'), ...clientMessage(1, 'early')])))
    await server.settle()
    expect(log.events).toEqual(['open ann', 'message early'])
  })

  it('is refused (false) for a plain GET: the app answers', async () => {
    const server = echoServer()
    const conn = server.connect()
    conn.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 400 /)
  })

  it('answers a ping with a pong and closes a message over maxPayloadLength with 1009', async () => {
    const log: Log = { events: [] }
    const server = echoServer({ maxPayloadLength: 10 }, log)
    const conn = server.connect()
    conn.send(UPGRADE + '\r\n')
    await server.settle()
    conn.send(clientFrame({ opcode: 9, payload: utf8('p') }))
    await server.settle()
    expect(framesAfterHead(conn).map((f) => f.opcode)).toEqual([10])
    conn.send(clientMessage(2, new Uint8Array(11)))
    await server.settle()
    const close = framesAfterHead(conn).at(-1)!
    expect(close.opcode).toBe(8)
    expect((close.payload[0]! << 8) | close.payload[1]!).toBe(1009)
    expect(log.events.at(-1)).toMatch(/^close 1009 /)
    expect(conn.closed).toBe(true)
  })

  it('large frames come out intact when built in one reused buffer, whatever the app does with its array after send()', async () => {
    // The memory transport takes writes at once, so frames of 16 KiB and more are built in the
    // shared frame buffer (core/server/shared-frame-buffer.ts); small ones are corked.
    const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff)
    const server = echoServer({
      message(ws, message) {
        if (typeof message === 'string') {
          const reused = new Uint8Array(40_000)
          for (let seed = 1; seed <= 3; seed++) {
            reused.set(pattern(40_000, seed))
            ws.send(reused)
            reused.fill(0) // the app's to change once send() has returned (Bun copies too)
          }
          ws.send('small')
          return
        }
        ws.send(message)
      },
    })
    const a = server.connect(), b = server.connect()
    for (const conn of [a, b]) conn.send(UPGRADE + '\r\n')
    await server.settle()
    a.send(clientMessage(2, pattern(70_000, 9)))
    b.send(clientMessage(1, 'go'))
    a.send(clientMessage(2, pattern(20_000, 8)))
    await server.settle()
    expect(framesAfterHead(a).map((f) => [f.opcode, f.payload])).toEqual([[2, pattern(70_000, 9)], [2, pattern(20_000, 8)]])
    expect(framesAfterHead(b).map((f) => [f.opcode, f.payload])).toEqual([
      [2, pattern(40_000, 1)], [2, pattern(40_000, 2)], [2, pattern(40_000, 3)], [1, utf8('small')],
    ])
  })

  it('text sent from a handler (built in the cork) comes out as the same frames as any other send', async () => {
    // Strings sent while the cork is on are encoded straight into it (writeTextFrame); the
    // same strings sent later, from a timer, take the general path. Both must give the same bytes.
    const texts = ['', 'a', 'x'.repeat(41), 'x'.repeat(42), 'y'.repeat(125), 'z'.repeat(126), 'é'.repeat(63), '€ and 😀', '\ud800', 'w'.repeat(6000)]
    const later: Array<() => void> = []
    const server = echoServer({
      message(ws, message) {
        for (const text of texts) ws.send(text)
        ws.sendText('via sendText')
        later.push(() => {
          for (const text of texts) ws.send(text)
          ws.sendText('via sendText')
        })
        void message
      },
    })
    const conn = server.connect()
    conn.send(UPGRADE + '\r\n')
    await server.settle()
    conn.send(clientMessage(1, 'go'))
    await server.settle()
    for (const send of later) send()
    await server.settle()
    const frames = framesAfterHead(conn)
    const expected = [...texts, 'via sendText'].map((text) => [1, true, Array.from(utf8(text.replace('\ud800', '\ufffd')))])
    expect(frames.map((f) => [f.opcode, f.fin, Array.from(f.payload)])).toEqual([...expected, ...expected])
  })

  it('closes with 1011 when a handler throws, and keeps serving others', async () => {
    const log: Log = { events: [] }
    const server = echoServer({
      message() {
        throw new Error('boom')
      },
    }, log)
    const a = server.connect()
    a.send(UPGRADE + '\r\n')
    await server.settle()
    a.send(clientMessage(1, 'x'))
    await server.settle()
    const close = framesAfterHead(a).at(-1)!
    expect(close.opcode).toBe(8)
    expect((close.payload[0]! << 8) | close.payload[1]!).toBe(1011)
    const b = server.connect()
    b.send(UPGRADE + '\r\n')
    await server.settle()
    expect(b.text).toMatch(/^HTTP\/1\.1 101 /)
  })

  it('pings an idle socket, then closes it after idleTimeout', async () => {
    const log: Log = { events: [] }
    const server = echoServer({ idleTimeout: 10 }, log)
    const conn = server.connect()
    conn.send(UPGRADE + '\r\n')
    await server.settle()
    await server.advance(11_000)
    expect(framesAfterHead(conn).map((f) => f.opcode)).toEqual([9])
    expect(conn.closed).toBe(false)
    await server.advance(11_000)
    expect(conn.closed).toBe(true)
    expect(log.events.at(-1)).toBe('close 1006 idle timeout')
  })

  it('publishes to the subscribers of a topic', async () => {
    const server = createTestServer({
      fetch: (request, info) => (info.upgrade(request) ? (undefined as unknown as Response) : new Response('no')),
      websocket: {
        open(ws: ServerWebSocket) {
          ws.subscribe('room')
        },
        message(ws, message) {
          ws.publish('room', message)
        },
      },
    })
    const a = server.connect()
    const b = server.connect()
    a.send(UPGRADE + '\r\n')
    b.send(UPGRADE + '\r\n')
    await server.settle()
    expect(server.subscriberCount('room')).toBe(2)
    a.send(clientMessage(1, 'hi all'))
    await server.settle()
    expect(framesAfterHead(b).map((f) => toLatin1(f.payload))).toEqual(['hi all'])
    expect(framesAfterHead(a)).toEqual([])
    server.publish('room', 'from server')
    await server.settle()
    expect(framesAfterHead(a).map((f) => toLatin1(f.payload))).toEqual(['from server'])
  })

  it('sends 1001 to open sockets on graceful close', async () => {
    const log: Log = { events: [] }
    const server = echoServer({}, log)
    const conn = server.connect()
    conn.send(UPGRADE + '\r\n')
    await server.settle()
    const closing = server.close()
    await server.settle()
    const close = framesAfterHead(conn).at(-1)!
    expect((close.payload[0]! << 8) | close.payload[1]!).toBe(1001)
    conn.send(clientClose(1001))
    await server.settle()
    await closing
    expect(log.events.at(-1)).toBe('close 1001 ')
  })

  it('confirms the client\'s first subprotocol when the app names none, as Bun does', async () => {
    const server = echoServer()
    const conn = server.connect()
    conn.send(UPGRADE + 'Sec-WebSocket-Protocol: chat.v2, chat.v1\r\n\r\n')
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 101 /)
    expect(conn.text).toContain('sec-websocket-protocol: chat.v2\r\n')
  })
})

describe('requestInfo', () => {
  it('finds the info of a request made by another copy of the module (source and dist/)', async () => {
    const { requestInfo } = await import('../../../core/fetch/light-request.ts')
    const info = { marker: true }
    const foreign = { [Symbol.for('portico.requestInfo')]: () => info }
    expect(requestInfo(foreign)).toBe(info)
    expect(requestInfo({})).toBeUndefined()
  })
})
