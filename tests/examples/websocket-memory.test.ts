// The three WebSocket examples (Bun's shape, Deno's upgradeWebSocket, Hono + portico/hono)
// in memory through portico/testing: what each one promises, without processes. The same
// apps are started through the CLI on every runtime in websocket.test.ts.
import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import chat from '../../examples/chat.ts'
import denoStyle from '../../examples/deno-websocket.ts'
import honoApp from '../../examples/hono-websocket.ts'
import { upgradeWebSocket, websocket } from '../../runtimes/hono.ts'
import { Hono } from 'hono'
import { createTestServer, type App } from '../../testing/mod.ts'

describe('examples/chat.ts', () => {
  it('serves the page, and relays messages between visitors', async () => {
    const server = createTestServer(chat as unknown as App)
    const page = await server.request('/')
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain("new WebSocket(new URL('/chat?name='")
    const ann = await server.websocket('/chat?name=ann')
    await server.settle()
    const bob = await server.websocket('/chat?name=bob')
    await server.settle()
    ann.send('hi bob')
    bob.send(new TextEncoder().encode('hi ann'))
    await server.settle()
    bob.close(1000)
    await server.settle()
    expect(ann.messages).toEqual(['ann joined (1 here)', 'bob joined (2 here)', 'ann: hi bob', 'bob: hi ann', 'bob left'])
    expect(bob.messages).toEqual(['bob joined (2 here)', 'ann: hi bob', 'bob: hi ann'])
    expect(server.subscriberCount('room')).toBe(1)
  })

  it('answers 426 to a plain request on /chat', async () => {
    const server = createTestServer(chat as unknown as App)
    expect((await server.request('/chat')).status).toBe(426)
  })
})

describe('examples/deno-websocket.ts', () => {
  it('greets, upper-cases text, echoes binary and closes with 4000 on bye', async () => {
    const server = createTestServer(denoStyle)
    const ws = await server.websocket('/')
    ws.send('hello')
    ws.send(new Uint8Array([1, 2, 3]))
    ws.send('bye')
    await server.settle()
    expect(ws.messages).toEqual(['hello, 1 connected', 'HELLO', new Uint8Array([1, 2, 3])])
    expect(ws.closeFrame).toEqual({ code: 4000, reason: 'bye' })
    expect(ws.closed).toBe(true)
    expect((await server.request('/')).status).toBe(426)
  })
})

describe('examples/hono-websocket.ts and portico/hono', () => {
  it('runs the hono/bun app: open, text, binary, close', async () => {
    const server = createTestServer(honoApp)
    expect(await (await server.request('/')).text()).toBe('Hello from Hono: WebSockets on /ws')
    const ws = await server.websocket('/ws?name=ann', { protocols: ['chat', 'other'] })
    // As Bun.serve: the client's first subprotocol is confirmed.
    expect(ws.protocol).toBe('chat')
    ws.send('hi')
    ws.send(new Uint8Array([7, 8]))
    ws.send('bye')
    await server.settle()
    expect(ws.messages).toEqual(['hello ann', 'ann said hi', new Uint8Array([7, 8])])
    expect(ws.closeFrame).toEqual({ code: 4000, reason: 'bye' })
  })

  it('falls through to the next handler for a plain request', async () => {
    const app = new Hono()
    app.get('/ws', upgradeWebSocket(() => ({})), (c) => c.text('not a websocket', 400))
    const server = createTestServer({ fetch: app.fetch, websocket })
    const response = await server.request('/ws')
    expect([response.status, await response.text()]).toEqual([400, 'not a websocket'])
  })

  it('uses the server limits when the app passes `websocket`, and works without it', async () => {
    const events: string[] = []
    const app = new Hono()
    app.get('/ws', upgradeWebSocket(() => ({
      onMessage: (event) => void events.push(`message ${String(event.data)}`),
      onClose: (event) => void events.push(`close ${event.code} ${event.reason}`),
    })))
    const limited = createTestServer({ fetch: app.fetch, websocket: { ...websocket, maxPayloadLength: 4 } as typeof websocket })
    const a = await limited.websocket('/ws')
    a.send('12345')
    await limited.settle()
    expect(a.closeFrame?.code).toBe(1009)
    const bare = createTestServer(app.fetch)
    const b = await bare.websocket('/ws')
    b.send('12345')
    b.close(4001, 'done')
    await bare.settle()
    expect(events).toEqual(['close 1009 message over 4 bytes', 'message 12345', 'close 4001 done'])
  })

  it('reports a listener error to onError, and without onError closes with 1011', async () => {
    const errors: string[] = []
    const app = new Hono()
    app.get('/with', upgradeWebSocket(() => ({
      onMessage() {
        throw new Error('boom')
      },
      onError: (event) => void errors.push(((event as Event & { error: Error }).error).message),
    })))
    app.get('/without', upgradeWebSocket(() => ({
      onMessage: async () => {
        throw new Error('async boom')
      },
    })))
    const server = createTestServer({ fetch: app.fetch, websocket })
    const a = await server.websocket('/with')
    a.send('x')
    const b = await server.websocket('/without')
    b.send('x')
    await server.settle()
    expect(errors).toEqual(['boom'])
    expect(a.closeFrame).toBe(null)
    expect(b.closeFrame?.code).toBe(1011)
    expect(server.logs.map((entry) => (entry.error as Error).message)).toEqual(['async boom'])
  })

  it('needs the second argument of fetch, as hono/bun does', async () => {
    const app = new Hono()
    app.get('/ws', upgradeWebSocket(() => ({})))
    app.onError((error) => new Response(error.message, { status: 500 }))
    const response = await app.request('/ws', { headers: { upgrade: 'websocket' } })
    expect([response.status, await response.text()]).toEqual([500, 'env has to include the 2nd argument of fetch.'])
  })
})

describe('portico/hono message events', () => {
  it('hand binary data over as an ArrayBuffer of exactly the message, also when it is a view into a Node Buffer', async () => {
    // On Node, binary messages reach the handler as Buffers (binaryType 'nodebuffer'), often views
    // into the socket's read; Buffer#slice is a view too, so the copy must not rely on it.
    let data: unknown
    const ws = { data: { events: { onMessage: (event: MessageEvent) => (data = event.data) }, url: new URL('http://localhost/'), protocol: '' }, readyState: 1 }
    const read = Buffer.from([0x82, 0x82, 7, 8, 0x81])
    await websocket.message!(ws as never, read.subarray(2, 4))
    expect(data).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([7, 8])
  })
})

describe('upgradeWebSocket from portico', () => {
  it('is the same function from every entry', async () => {
    const entries = await Promise.all([
      import('../../runtimes/mod.ts'),
      import('../../runtimes/node.ts'),
      import('../../runtimes/deno.ts'),
      import('../../runtimes/bun.ts'),
      import('../../core/mod.ts'),
    ])
    for (const entry of entries) expect(entry.upgradeWebSocket).toBe(entries[0]!.upgradeWebSocket)
  })
})
