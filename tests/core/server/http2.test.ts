// HTTP/2 through the whole server on the memory transport and virtual clock: h2c detection
// beside HTTP/1.1, the same exchange as HTTP/1.1 per stream, flow control both ways with
// bounded memory, resets, timeouts, graceful shutdown. The engine's frame-level conformance
// (h2spec's cases) is in tests/core/http2/.
import { describe, expect, it } from 'vitest'
import type { AccessLogEntry, App } from '../../../core/server/options.ts'
import { createTestServer, type TestServerOptions } from '../../../testing/mod.ts'
import { concat, data, handshake, headers, GET, rstStream } from '../../helpers/h2-frames.ts'

const CODE = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, SETTINGS_TIMEOUT: 4, REFUSED_STREAM: 7, CANCEL: 8, ENHANCE_YOUR_CALM: 11 }

async function echo(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.pathname === '/throw') throw new Error('app failed')
  if (request.method === 'POST') {
    const body = new Uint8Array(await request.arrayBuffer())
    return new Response(`${body.length} ${body.reduce((a, b) => (a + b) % 65521, 0)}`)
  }
  return new Response(`${request.method} ${request.url} host=${request.headers.get('host')}`, { headers: { 'x-app': 'yes' } })
}

function server(app: App = echo, options: TestServerOptions = {}) {
  return createTestServer(app, options)
}

describe('HTTP/2 on the test server (h2c with prior knowledge)', () => {
  it('answers a GET with the same exchange as HTTP/1.1: status, app headers, length, date, host from :authority', async () => {
    const s = server()
    const h2 = s.http2({ authority: 'example.test:8443' })
    const res = await h2.fetch('/path?q=1')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toBe('GET http://example.test:8443/path?q=1 host=example.test:8443')
    expect(res.headers.get('x-app')).toBe('yes')
    expect(res.headers.get('content-length')).toBe(String(text.length))
    expect(res.headers.get('date')).toBe(new Date(s.clock.now).toUTCString())
    // Our SETTINGS and the connection window first; then the response.
    expect(h2.frames.slice(0, 2).map((f) => f.type)).toEqual(['SETTINGS', 'WINDOW_UPDATE'])
    expect(h2.serverSettings.get(0x3)).toBe(100)
  })

  it('serves HTTP/1.1 and HTTP/2 connections side by side on one server', async () => {
    const s = server()
    const h1 = s.connect()
    h1.send('GET /one HTTP/1.1\r\nHost: a\r\n\r\n')
    const res = await s.http2().fetch('/two')
    await s.settle()
    expect(h1.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*GET http:\/\/a\/one host=a$/)
    expect(await res.text()).toBe('GET http://localhost/two host=localhost')
  })

  it('recognises the preface however it is split', async () => {
    const s = server()
    const conn = s.connect()
    const bytes = concat('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', new Uint8Array([0, 0, 0, 4, 0, 0, 0, 0, 0]), headers(1, GET, { endStream: true }))
    conn.trickle(bytes, { bytes: 3, everyMs: 10 })
    await s.advance(1000)
    // SETTINGS, WINDOW_UPDATE, SETTINGS ACK, then HEADERS + DATA: no HTTP/1.1 text anywhere.
    expect(conn.text.startsWith('HTTP/1.1')).toBe(false)
    expect(conn.text).toContain('GET http://localhost/ host=localhost')
  })

  it('with http2: false, the preface is just a bad HTTP/1.1 request', async () => {
    const s = server(echo, { http2: false })
    const conn = s.connect()
    conn.send('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
    await s.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 (400|505) /)
  })

  it('runs 100 concurrent streams on one connection', async () => {
    const s = server()
    const h2 = s.http2()
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => h2.fetch(`/n/${i}`)))
    const bodies = await Promise.all(responses.map((r) => r.text()))
    expect(bodies.every((b, i) => b === `GET http://localhost/n/${i} host=localhost`)).toBe(true)
  })

  it('takes request bodies larger than every window, reopening windows as the app reads', async () => {
    const s = server()
    const h2 = s.http2()
    const body = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7) % 251)
    const res = await h2.fetch('/upload', { method: 'POST', body })
    expect(await res.text()).toBe(`${body.length} ${body.reduce((a, b) => (a + b) % 65521, 0)}`)
  })

  it('copies a small DATA payload out of its read, so that it does not pin the whole read buffer; big ones stay views', async () => {
    const chunks = new Map<string, Uint8Array[]>()
    const s = server(async (request) => {
      const seen: Uint8Array[] = []
      const reader = request.body!.getReader()
      for (let read = await reader.read(); !read.done; read = await reader.read()) seen.push(read.value)
      chunks.set(new URL(request.url).pathname, seen)
      return new Response('ok')
    })
    const conn = s.connect()
    const post = (path: string) => [':method', 'POST', ':scheme', 'http', ':path', path, ':authority', 'localhost']
    const big = new Uint8Array(16_000).fill(7)
    // One read: a 1-byte DATA frame and a 16,000-byte one side by side in a ~16 KB chunk.
    conn.send(concat(handshake(), headers(1, post('/small')), data(1, 'x', { endStream: true }), headers(3, post('/big')), data(3, big, { endStream: true })))
    await s.settle()
    const [small] = chunks.get('/small')!
    expect([...small!]).toEqual([120])
    expect(small!.buffer.byteLength).toBe(1) // its own copy: 1 × 8 < the read's size
    const bigChunks = chunks.get('/big')!
    expect(bigChunks.reduce((n, c) => n + c.length, 0)).toBe(16_000)
    expect(bigChunks[0]!.buffer.byteLength).toBeGreaterThan(16_000) // a view into the read, not copied
  })

  it('turns an app error into a 500 on its stream; the other streams are served', async () => {
    const s = server()
    const h2 = s.http2()
    const [bad, good] = await Promise.all([h2.fetch('/throw'), h2.fetch('/fine')])
    expect(bad.status).toBe(500)
    expect(good.status).toBe(200)
    expect(s.logs.map((l) => String(l.error))).toContain('Error: app failed')
  })

  it('aborts request.signal when the client resets the stream, and keeps serving the connection', async () => {
    const aborted: string[] = []
    const s = server((request) => {
      if (new URL(request.url).pathname === '/fine') return new Response('ok')
      return new Promise<Response>((resolve) => {
        request.signal.addEventListener('abort', () => {
          aborted.push(request.url)
          resolve(new Response('late'))
        })
      })
    })
    const h2 = s.http2()
    const slow = h2.request('/hang')
    await s.settle()
    slow.cancel()
    await s.settle()
    expect(aborted).toEqual(['http://localhost/hang'])
    expect(await (await h2.fetch('/fine')).text()).toBe('ok')
  })

  it('sends 100 Continue when the app reads a body the client holds back (Expect: 100-continue)', async () => {
    const s = server()
    const h2 = s.http2()
    const stream = h2.request('/up', { method: 'POST', headers: { expect: '100-continue' }, keepOpen: true })
    await s.settle()
    const heads = () => h2.frames.filter((f) => f.type === 'HEADERS').map((f) => f.fields?.[1])
    expect(heads()).toEqual(['100'])
    stream.write('body', true)
    expect(await (await stream.response).text()).toBe(`4 ${[...'body'].reduce((a, c) => (a + c.charCodeAt(0)) % 65521, 0)}`)
    expect(heads()).toEqual(['100', '200'])
  })

  it('sends no 100 Continue to a client whose body the app never reads', async () => {
    const s = server(() => new Response('no thanks', { status: 413 }))
    const h2 = s.http2()
    const stream = h2.request('/up', { method: 'POST', headers: { expect: '100-continue' }, keepOpen: true })
    expect((await stream.response).status).toBe(413)
    expect(h2.frames.filter((f) => f.type === 'HEADERS').map((f) => f.fields?.[1])).toEqual(['413'])
  })

  it('answers HEAD with the length of the GET and no body', async () => {
    const s = server(() => new Response('twelve bytes'))
    const h2 = s.http2()
    const res = await h2.fetch('/', { method: 'HEAD' })
    expect(res.headers.get('content-length')).toBe('12')
    expect(await res.text()).toBe('')
    const last = h2.frames.at(-1)!
    expect([last.type, last.flags & 1]).toEqual(['HEADERS', 1])
  })

  it('resets a request with a connection-specific field (RFC 9113 §8.2.2) with PROTOCOL_ERROR', async () => {
    const h2 = server().http2()
    const stream = h2.request('/', { headers: { upgrade: 'websocket' } })
    await expect(stream.response).rejects.toThrow(/reset/)
    expect(stream.resetCode).toBe(CODE.PROTOCOL_ERROR)
  })

  it('refuses WebSocket upgrades (no RFC 8441): info.upgrade() is false and the app answers', async () => {
    const s = server((request, info) => new Response(`upgraded=${info.upgrade(request)}`))
    const res = await s.http2().fetch('/ws')
    expect(await res.text()).toBe('upgraded=false')
  })

  it('logs each exchange with version 2', async () => {
    const entries: AccessLogEntry[] = []
    const s = server(echo, { accessLog: (e) => entries.push(e) })
    await (await s.http2().fetch('/logged')).text()
    await s.settle()
    expect(entries.map((e) => [e.version, e.method, e.target, e.status])).toEqual([['2', 'GET', '/logged', 200]])
  })

  it('believes a PROXY header before the preface from a trusted proxy', async () => {
    const s = server((_request, info) => new Response(`${info.remoteAddress}`), { proxyProtocol: true, trustProxy: ['loopback'] })
    const conn = s.connect()
    conn.send('PROXY TCP4 203.0.113.9 10.0.0.1 5555 80\r\n')
    const { TestHttp2Client } = await import('../../../testing/http2-client.ts')
    const h2 = new TestHttp2Client(conn)
    expect(await (await h2.fetch('/')).text()).toBe('203.0.113.9')
  })
})

describe('HTTP/2 flow control keeps memory bounded', () => {
  it('does not pull a streamed response beyond what the client window lets out', async () => {
    let pulled = 0
    const s = server(() => new Response(new ReadableStream({
      pull(controller) {
        pulled += 16384
        controller.enqueue(new Uint8Array(16384))
        if (pulled >= 10 * 1024 * 1024) controller.close()
      },
    })))
    const h2 = s.http2({ autoWindow: false })
    const stream = h2.request('/big')
    const res = await stream.response
    await s.advance(1000)
    // The client's window is 65,535: the writer waits; a few chunks of read-ahead at most.
    const sent = h2.frames.filter((f) => f.type === 'DATA').reduce((n, f) => n + f.length, 0)
    expect(sent).toBe(65535)
    expect(pulled).toBeLessThanOrEqual(65535 + 4 * 16384)
    const before = pulled
    h2.openWindow(stream.id, 1024 * 1024)
    await s.settle()
    expect(pulled).toBeGreaterThan(before)
    void res.body?.cancel()
  })

  it('lets an upload the app does not read fill one stream window and no more', async () => {
    const s = server(() => new Promise<Response>(() => {}))
    const h2 = s.http2()
    const stream = h2.request('/upload', { method: 'POST', body: new Uint8Array(8 * 1024 * 1024) })
    await s.settle()
    expect(stream.sendWindow).toBe(0)
    // The server advertised a 1 MiB stream window and gave nothing back.
    const updates = h2.frames.filter((f) => f.type === 'WINDOW_UPDATE' && f.streamId === stream.id)
    expect(updates).toEqual([])
  })

  it('resets a response stalled on a shut window for 30 s (the writer does not wait forever)', async () => {
    const s = server(() => new Response(new Uint8Array(200_000)))
    const h2 = s.http2({ autoWindow: false })
    const stream = h2.request('/')
    await s.advance(31_000)
    expect(stream.resetCode).toBe(CODE.CANCEL)
    // The connection itself stays up for other streams.
    h2.openWindow(0, 1 << 20)
    expect((await h2.fetch('/', { method: 'HEAD' })).status).toBe(200)
  })
})

describe('HTTP/2 deadlines and shutdown', () => {
  it('closes a connection without streams after keepAliveTimeout with GOAWAY(NO_ERROR)', async () => {
    const s = server(echo, { keepAliveTimeout: 5000 })
    const h2 = s.http2()
    await (await h2.fetch('/')).text()
    await s.advance(4000)
    expect(h2.goaway).toBeNull()
    await s.advance(2000)
    expect(h2.goaway).toEqual({ lastStreamId: 1, code: CODE.NO_ERROR })
    expect(h2.connection.closed).toBe(true)
  })

  it('fails the connection with SETTINGS_TIMEOUT when the client never acknowledges our SETTINGS', async () => {
    const s = server(echo, { keepAliveTimeout: 60_000 })
    const h2 = s.http2({ ackSettings: false })
    await s.advance(11_000)
    expect(h2.goaway?.code).toBe(CODE.SETTINGS_TIMEOUT)
    expect(h2.connection.closed).toBe(true)
  })

  it('resets a stream whose request body does not arrive within requestTimeout', async () => {
    const s = server(echo, { requestTimeout: 10_000, keepAliveTimeout: 60_000 })
    const h2 = s.http2()
    const stream = h2.request('/', { method: 'POST', body: 'start', keepOpen: true })
    await s.advance(11_000)
    expect(stream.resetCode).toBe(CODE.CANCEL)
  })

  it('shuts down gracefully: GOAWAY, the stream in flight finishes, then the connection closes', async () => {
    let finish!: () => void
    const s = server(() => new Promise<Response>((resolve) => (finish = () => resolve(new Response('done')))))
    const h2 = s.http2()
    const stream = h2.request('/slow')
    await s.settle()
    const closed = s.close()
    await s.settle()
    // Phase one: GOAWAY(2^31-1) and a PING; the client's PING ACK brings the final GOAWAY(1).
    expect(h2.frames.filter((f) => f.type === 'GOAWAY').length).toBe(2)
    expect(h2.goaway).toEqual({ lastStreamId: 1, code: CODE.NO_ERROR })
    expect(h2.connection.closed).toBe(false)
    finish()
    expect(await (await stream.response).text()).toBe('done')
    await s.settle()
    expect(h2.connection.closed).toBe(true)
    await closed
  })

  it('survives a Rapid Reset flood: the connection ends with ENHANCE_YOUR_CALM and handlers stay bounded', async () => {
    let running = 0
    let peak = 0
    const s = server((request) => {
      running++
      peak = Math.max(peak, running)
      return new Promise<Response>((resolve) => request.signal.addEventListener('abort', () => {
        running--
        resolve(new Response(''))
      }))
    })
    const h2 = s.http2()
    await s.settle()
    const frames = []
    for (let id = 1; id < 2 * 1000; id += 2) frames.push(headers(id, GET, { endStream: true }), rstStream(id, CODE.CANCEL))
    h2.send(concat(...frames))
    await s.settle()
    expect(h2.goaway?.code).toBe(CODE.ENHANCE_YOUR_CALM)
    expect(peak).toBeLessThanOrEqual(200)
    expect(running).toBe(0)
  })

  it('refuses new streams while twice maxConcurrentStreams handlers still run (the client reset them)', async () => {
    let started = 0
    // Handlers that ignore the abort: they hold their place until they return.
    const s = server(() => {
      started++
      return new Promise<Response>(() => {})
    }, { http2: { maxConcurrentStreams: 2 } })
    const h2 = s.http2()
    for (let i = 0; i < 4; i++) {
      const stream = h2.request(`/hang/${i}`)
      await s.settle()
      stream.cancel()
      await s.settle()
    }
    expect(started).toBe(4)
    const refused = h2.request('/one-more')
    await s.settle()
    expect([refused.resetCode, started]).toEqual([CODE.REFUSED_STREAM, 4])
    expect(h2.goaway).toBeNull()
  })

  it('a request body sent after the response is stopped with RST_STREAM(NO_ERROR)', async () => {
    const s = server(() => new Response('early'))
    const h2 = s.http2()
    const stream = h2.request('/', { method: 'POST', body: 'part', keepOpen: true })
    expect(await (await stream.response).text()).toBe('early')
    await s.settle()
    expect(h2.frames.filter((f) => f.type === 'RST_STREAM').map((f) => [f.streamId, f.code])).toEqual([[stream.id, CODE.NO_ERROR]])
    h2.send(data(stream.id, 'late'))
    await s.settle()
    expect(h2.goaway).toBeNull()
  })
})
