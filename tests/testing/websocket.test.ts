// portico/testing's WebSocket client against the real engine: the handshake and its checks,
// messages both ways, raw and fragmented frames with control frames between them, the
// closing handshake, a reader that stops (backpressure, then drain), and idle pings on the
// virtual clock.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createTestServer,
  encodeClientFrame,
  WebSocketHandshakeError,
  type ServerWebSocket,
  type TestServer,
  type WebSocketHandler,
} from '../../testing/mod.ts'

function server(handlers: Partial<WebSocketHandler<unknown>> = {}, events: string[] = []): TestServer {
  return createTestServer({
    fetch(request, info) {
      if (new URL(request.url).pathname !== '/ws') return new Response('page')
      const protocol = request.headers.get('sec-websocket-protocol')?.split(',')[0]?.trim()
      const headers = protocol === undefined ? undefined : { 'sec-websocket-protocol': protocol }
      if (info.upgrade(request, { headers })) return undefined as unknown as Response
      return new Response('expected a WebSocket', { status: 426 })
    },
    websocket: {
      message(ws, message) {
        events.push(`message ${typeof message === 'string' ? message : `bytes ${Array.from(message).join(',')}`}`)
        ws.send(message)
      },
      ping(_ws, data) {
        events.push(`ping ${new TextDecoder().decode(data)}`)
      },
      close(_ws, code, reason) {
        events.push(`close ${code} ${reason}`)
      },
      ...handlers,
    },
  })
}

describe('server.websocket()', () => {
  it('opens with a checked 101 and echoes text and binary', async () => {
    const srv = server()
    const ws = await srv.websocket('/ws', { protocols: ['chat', 'other'] })
    expect(ws.protocol).toBe('chat')
    expect(ws.headers.get('upgrade')).toBe('websocket')
    expect(ws.extensions).toBe('')
    ws.send('hello')
    ws.send(new Uint8Array([1, 2, 3]))
    expect(await ws.nextMessage()).toBe('hello')
    expect(await ws.nextMessage()).toEqual(new Uint8Array([1, 2, 3]))
    expect(ws.messages).toEqual(['hello', new Uint8Array([1, 2, 3])])
    expect(ws.errors).toEqual([])
  })

  it('rejects with the status when the server does not upgrade', async () => {
    const srv = server()
    const refused = await srv.websocket('/page').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(WebSocketHandshakeError)
    expect((refused as WebSocketHandshakeError).status).toBe(200)
    const badVersion = await srv.websocket('/ws', { headers: { 'sec-websocket-version': '8' } }).catch((error: unknown) => error)
    expect((badVersion as WebSocketHandshakeError).status).toBe(426)
  })

  it('reassembles what the server fragments, and fragments what it sends', async () => {
    const events: string[] = []
    const srv = server({
      message(ws, message) {
        events.push(`message ${String(message)}`)
        ws.sendText('x'.repeat(70_000))
      },
    }, events)
    const ws = await srv.websocket('/ws')
    ws.send('abcdef', { fragmentSize: 2 })
    await srv.settle()
    expect(events).toEqual(['message abcdef'])
    expect(ws.messages).toEqual(['x'.repeat(70_000)])
  })

  it('sends raw frames: a ping between fragments, and frames split across writes', async () => {
    const events: string[] = []
    const srv = server({}, events)
    const ws = await srv.websocket('/ws')
    ws.sendFrames(
      { opcode: 'text', payload: 'frag', fin: false },
      { opcode: 'ping', payload: 'p' },
      { opcode: 'continuation', payload: 'ment' },
    )
    await srv.settle()
    expect(events).toEqual(['ping p', 'message fragment'])
    expect(ws.pongs.map((p) => new TextDecoder().decode(p))).toEqual(['p'])
    const bytes = encodeClientFrame({ opcode: 'binary', payload: new Uint8Array([9, 8, 7]) })
    ws.sendBytes(bytes.subarray(0, 3))
    await srv.settle()
    ws.sendBytes(bytes.subarray(3))
    await srv.settle()
    expect(events.at(-1)).toBe('message bytes 9,8,7')
  })

  it('sees the server fail the connection: unmasked frame → 1002, bad UTF-8 → 1007', async () => {
    const events: string[] = []
    const srv = server({}, events)
    const a = await srv.websocket('/ws')
    a.sendFrame({ opcode: 'text', payload: 'x', mask: false })
    await srv.settle()
    expect(a.closeFrame?.code).toBe(1002)
    expect(a.closed).toBe(true)
    const b = await srv.websocket('/ws')
    b.sendFrame({ opcode: 'text', payload: new Uint8Array([0xc3, 0x28]) })
    await srv.settle()
    expect(b.closeFrame?.code).toBe(1007)
    expect(events.map((e) => e.slice(0, 10))).toEqual(['close 1002', 'close 1007'])
  })

  it('completes the closing handshake either way', async () => {
    const events: string[] = []
    const srv = server({
      message(ws, message) {
        if (message === 'close me') ws.close(4001, 'asked')
      },
    }, events)
    const a = await srv.websocket('/ws')
    a.close(1000, 'bye')
    await srv.settle()
    // The server echoes the code (RFC 6455 §5.5.1), not the reason.
    expect(a.closeFrame).toEqual({ code: 1000, reason: '' })
    expect(a.closed).toBe(true)
    const b = await srv.websocket('/ws')
    b.send('close me')
    await srv.settle()
    // The client echoed the Close: the server's close handler sees the handshake's code.
    expect(b.closeFrame).toEqual({ code: 4001, reason: 'asked' })
    expect(b.closed).toBe(true)
    expect(events).toEqual(['close 1000 bye', 'close 4001 '])
    await expect(b.nextMessage()).rejects.toThrow(/closed/)
  })

  it('holds frames while the client stops reading: sends return -1, then drain', async () => {
    const results: number[] = []
    let drained = 0
    let socket: ServerWebSocket | null = null
    const srv = server({
      open(ws) {
        socket = ws
      },
      drain() {
        drained++
      },
    })
    const ws = await srv.websocket('/ws')
    await srv.settle()
    ws.stopReading(1024)
    for (let i = 0; i < 4; i++) results.push(socket!.send(new Uint8Array(600)))
    await srv.settle()
    // One frame (4-byte head + 600) fits under the 1024 unread; from then on every write waits.
    expect(results).toEqual([604, -1, -1, -1])
    expect(ws.messages).toEqual([])
    expect(socket!.getBufferedAmount()).toBeGreaterThan(0)
    ws.resume()
    await srv.settle()
    expect(ws.messages).toHaveLength(4)
    expect(drained).toBe(1)
    expect(socket!.getBufferedAmount()).toBe(0)
  })

  it('is pinged when idle and answers; without pongs it is closed after the timeout', async () => {
    const events: string[] = []
    const srv = server({ idleTimeout: 30 }, events)
    const lively = await srv.websocket('/ws')
    const silent = await srv.websocket('/ws', { autoPong: false })
    await srv.advance(31_000)
    expect(lively.pings).toHaveLength(1)
    expect(silent.pings).toHaveLength(1)
    await srv.advance(31_000)
    expect(silent.closed).toBe(true)
    expect(lively.closed).toBe(false)
    expect(events).toEqual(['close 1006 idle timeout'])
  })
})

describe('WebSockets in portico/testing under every runtime', () => {
  const root = join(import.meta.dirname, '../..')
  const script = 'tests/testing/websocket-smoke.ts'
  const run = (command: string, args: string[]): string =>
    execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 }).trim()
  const node = run(process.execPath, ['--import', 'tsx', script])

  it('runs the examples and the browser socket under node', () => {
    const result = JSON.parse(node)
    expect(result.chat[0].messages).toEqual(['ann joined (1 here)', 'bob joined (2 here)', 'ann: hi', 'bob left'])
    expect(result.deno).toMatchObject({ messages: ['hello, 1 connected', 'HEY', [1, 2]], close: { code: 4000, reason: 'bye' } })
    expect(result.hono).toMatchObject({ protocol: 'p1', messages: ['hello cy', 'cy said yo'] })
    expect(result.browser.seen).toContainEqual(['close', 1005, 'InvalidAccessError'])
    expect(result.browser.seen).toContainEqual(['close', 3000, 'SyntaxError'])
    expect(result.browser.seen.at(-1)).toEqual(['close event', 1006, '', false, true, 3])
    expect(result.browser.logs).toEqual(['listener error'])
    // The same frame bytes whether a string was encoded into the cork or took the general path.
    expect(result.frames.fromMessage).toBe(result.frames.fromOpen)
    expect(result.frames.fromOpen).toContain('81086c6f6e6520efbfbd') // 'lone ' + U+FFFD
  })

  // Event, MessageEvent, CloseEvent (absent on Node 20), DOMException, Blob and EventTarget
  // are each runtime's own; what the app sees must not differ.
  it('gives the same result under deno', () => {
    expect(run(join(root, 'node_modules/.bin/deno'), ['run', '--quiet', script])).toBe(node)
  })

  it('gives the same result under bun', () => {
    expect(run(join(root, 'node_modules/.bin/bun'), ['run', script])).toBe(node)
  })
})
