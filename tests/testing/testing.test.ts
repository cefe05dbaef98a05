// portico/testing: the real engine over in-memory connections on a virtual clock. Every
// feature of the entry (tests/core/runtime-free.test.ts checks that it stays runtime-free).
import { describe, expect, it } from 'vitest'
import { createTestServer, request, ResponseReader, VirtualClock } from '../../testing/mod.ts'
import type { App } from '../../core/server/options.ts'

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
const encode = (s: string): Uint8Array => new TextEncoder().encode(s)
const latin1 = (b: Uint8Array): string => String.fromCharCode(...b)

/** A body of `n` pieces of `size` bytes, counting how many the engine pulled. */
function counted(n: number, size: number): { app: App; pulls: () => number } {
  let pulls = 0
  const app: App = () => {
    let i = 0
    return new Response(
      new ReadableStream({
        pull(c) {
          pulls++
          if (i++ < n) c.enqueue(new Uint8Array(size).fill(0x61))
          else c.close()
        },
      }, { highWaterMark: 0 }),
    )
  }
  return { app, pulls: () => pulls }
}

describe('raw connections', () => {
  it('shows the output as bytes, latin1 text and separate writes', async () => {
    const server = createTestServer(() => new Response(new Uint8Array([0x68, 0xe9])))
    const conn = server.connect()
    conn.send(encode(GET))
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(conn.text.endsWith('\r\n\r\nh\u00e9')).toBe(true)
    expect(conn.output[conn.output.length - 1]).toBe(0xe9)
    // A small known-length response is one write: head and body together.
    expect(conn.chunks).toHaveLength(1)
    expect(conn.closed).toBe(false)
  })

  it('sends a latin1 string byte for byte', async () => {
    let seen = ''
    const server = createTestServer((req) => {
      seen = req.headers.get('x-name') ?? ''
      return new Response('ok')
    })
    const conn = server.connect()
    conn.send('GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9\r\n\r\n')
    await server.settle()
    // One byte 0xE9 on the wire; Headers exposes field values as latin1 (ByteString).
    expect([...seen].map((c) => c.charCodeAt(0))).toEqual([0x63, 0x61, 0x66, 0xe9])
  })

  it('shows chunk boundaries of a streamed body (ready chunks leave in one write)', async () => {
    const server = createTestServer(() => new Response(new ReadableStream({
      start(c) {
        c.enqueue(encode('ab'))
        c.enqueue(encode('cde'))
        c.close()
      },
    })))
    const conn = server.connect()
    conn.send(GET)
    await server.settle()
    const writes = conn.chunks.map(latin1)
    // The body's chunks were all ready within the same turn: gathered into the head's write.
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200 OK\r\ntransfer-encoding: chunked\r\n[^]*\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n$/)
  })

  it('answers 431 to a header block over the limit and closes', async () => {
    const server = createTestServer(() => new Response('ok'), { limits: { maxHeaderBytes: 1024 } })
    const conn = server.connect()
    conn.send(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`)
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 431 /)
    expect(conn.text).toContain('connection: close\r\n')
    expect(conn.closed).toBe(true)
    expect(conn.aborted).toBe(false)
  })

  it('closes after a response to Connection: close, and serves pipelined requests in order', async () => {
    const server = createTestServer((req) => new Response(new URL(req.url).pathname))
    const conn = server.connect()
    conn.send('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
    await server.settle()
    const events = new ResponseReader().push(conn.output)
    expect(events.filter((e) => e.type === 'data').map((e) => e.type === 'data' && latin1(e.bytes))).toEqual(['/1', '/2'])
    expect(conn.text).toContain('connection: close\r\n')
    expect(conn.closed).toBe(true)
  })

  it('connect() before the engine listens is accepted, with addresses the app can see', async () => {
    const server = createTestServer((_req, info) => Response.json(info.remoteAddr), { hostname: '10.0.0.1', port: 81 })
    const conn = server.connect({ remoteAddress: '10.0.0.9', remotePort: 5555 })
    conn.send(GET)
    await server.settle()
    expect(conn.text).toContain('{"hostname":"10.0.0.9","port":5555,"transport":"tcp"}')
    expect(server.url).toBe('http://10.0.0.1:81/')
  })

  it('records handler errors in logs', async () => {
    const server = createTestServer(() => {
      throw new Error('kaput')
    })
    const conn = server.connect()
    conn.send(GET)
    await server.settle()
    expect(conn.text).toMatch(/^HTTP\/1\.1 500 /)
    expect(server.logs).toHaveLength(1)
    expect((server.logs[0]!.error as Error).message).toBe('kaput')
  })

  it('end() half-closes: a pending handler sees its signal abort', async () => {
    let aborted = false
    const server = createTestServer((req) => new Promise<Response>((resolve) => {
      req.signal.addEventListener('abort', () => {
        aborted = true
        resolve(new Response('late'))
      })
    }))
    const conn = server.connect()
    conn.send(GET)
    await server.settle()
    expect(aborted).toBe(false)
    conn.end()
    await server.settle()
    expect(aborted).toBe(true)
    expect(conn.closed).toBe(true)
    expect(() => conn.send('x')).toThrow()
  })
})

describe('request()', () => {
  it('round-trips a POST through real bytes', async () => {
    const res = await request(
      async (req) => Response.json({ method: req.method, url: req.url, length: req.headers.get('content-length'), body: await req.text() }),
      new Request('http://x/path?q=1', { method: 'POST', body: 'hello' }),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String((await res.clone().arrayBuffer()).byteLength))
    expect(res.headers.get('date')).toBe('Tue, 14 Nov 2023 22:13:20 GMT')
    expect(await res.json()).toEqual({ method: 'POST', url: 'http://x/path?q=1', length: '5', body: 'hello' })
  })

  it('accepts an app object, a path, and a body-less POST (Content-Length: 0)', async () => {
    const app = { fetch: (req: Request) => new Response(`${req.method} ${new URL(req.url).pathname} ${req.headers.get('content-length')}`) }
    expect(await (await request(app, '/a')).text()).toBe('GET /a null')
    expect(await (await request(app, new Request('http://x/b', { method: 'POST' }))).text()).toBe('POST /b 0')
  })

  it('keeps status text and every Set-Cookie field', async () => {
    const res = await request(() => {
      const headers = new Headers([['x-a', '1']])
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2')
      return new Response('created', { status: 201, headers })
    }, '/')
    expect(res.status).toBe(201)
    expect(res.statusText).toBe('Created')
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2'])
    expect(res.headers.get('x-a')).toBe('1')
  })

  it('decodes a chunked body, and a large one with backpressure', async () => {
    const { app, pulls } = counted(64, 16 * 1024)
    const res = await request(app, '/')
    expect(res.headers.get('transfer-encoding')).toBe('chunked')
    // The body stream buffers at most 64 KiB, so the engine has not pulled all 1 MiB yet.
    await new Promise((r) => setTimeout(r, 20))
    expect(pulls()).toBeLessThan(20)
    expect((await res.arrayBuffer()).byteLength).toBe(64 * 16 * 1024)
  })

  it('has no body for HEAD, 204 and 304', async () => {
    const app = (req: Request): Response => {
      const path = new URL(req.url).pathname
      if (path === '/204') return new Response(null, { status: 204 })
      if (path === '/304') return new Response(null, { status: 304, headers: { etag: '"x"' } })
      return new Response('hello')
    }
    const head = await request(app, new Request('http://x/', { method: 'HEAD' }))
    expect(head.body).toBe(null)
    expect(head.headers.get('content-length')).toBe('5')
    expect((await request(app, '/204')).body).toBe(null)
    const notModified = await request(app, '/304')
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('etag')).toBe('"x"')
  })

  it('server.request() uses the server, its options and its connections', async () => {
    const server = createTestServer((req) => new Response(req.headers.get('x-a')), { limits: { maxHeaderBytes: 100 } })
    const ok = await server.request('/', { headers: { 'x-a': 'b' } })
    expect(await ok.text()).toBe('b')
    const big = await server.request('/', { headers: { 'x-a': 'b'.repeat(200) } })
    expect(big.status).toBe(431)
    expect(big.headers.get('connection')).toBe('close')
    expect(server.connections).toHaveLength(2)
    await server.settle()
    expect(server.connections[1]!.closed).toBe(true)
  })

  it('rejects when the request is aborted, and resets the connection', async () => {
    const server = createTestServer(() => new Promise<Response>(() => {}))
    const controller = new AbortController()
    const pending = server.request('/', { signal: controller.signal })
    await server.settle()
    controller.abort(new Error('gave up'))
    await expect(pending).rejects.toThrow('gave up')
    expect(server.connections[0]!.reset).toBe(true)
  })

  it('cancelling the body resets the connection and aborts the handler signal', async () => {
    let aborted: Promise<void> | null = null
    const server = createTestServer((req) => {
      aborted = new Promise((resolve) => req.signal.addEventListener('abort', () => resolve()))
      return new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1024)) }))
    })
    const res = await server.request('/')
    await res.body!.cancel()
    await aborted
    await server.settle()
    expect(server.connections[0]!.reset).toBe(true)
    expect(server.connections[0]!.aborted).toBe(true)
  })
})

describe('virtual clock and scripted faults', () => {
  it('clock.advance() fires the engine timers: headers and keep-alive timeouts', async () => {
    const server = createTestServer(() => new Response('ok'), { headersTimeout: 1000, keepAliveTimeout: 500 })
    const slow = server.connect()
    slow.send('GET / HTTP/1.1\r\nHo')
    const idle = server.connect()
    idle.send(GET)
    await server.settle()
    server.clock.advance(600)
    await server.settle()
    expect(idle.closed).toBe(true)
    expect(slow.closed).toBe(false)
    server.clock.advance(600)
    await server.settle()
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(slow.closed).toBe(true)
  })

  it('advance() lets the engine run between timers: a request timeout on a slow body', async () => {
    const server = createTestServer(async (req) => new Response(await req.text()), { requestTimeout: 2000 })
    const conn = server.connect()
    conn.trickle('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(100), { bytes: 10, everyMs: 200 })
    await server.advance(1999)
    expect(conn.closed).toBe(false)
    await server.advance(1)
    // The handler was reading the body: the engine aborts instead of answering 408.
    expect(conn.aborted).toBe(true)
    expect(conn.text).toBe('')
  })

  it('a trickled request within the timeout is served', async () => {
    const server = createTestServer(() => new Response('ok'), { headersTimeout: 5000 })
    const conn = server.connect()
    conn.trickle(GET, { bytes: 4, everyMs: 100 })
    await server.advance(1000)
    expect(conn.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/)
  })

  it('slowloris: the same script gives the same bytes and timings every run', async () => {
    const script = async (): Promise<unknown> => {
      const server = createTestServer(() => new Response('ok'), { headersTimeout: 3000 })
      const conn = server.connect()
      conn.trickle('GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ' + 'z'.repeat(100), { bytes: 2, everyMs: 90 })
      let closedAt = 0
      conn.watch((chunk) => void (chunk === null && closedAt === 0 && (closedAt = server.clock.now)))
      await server.advance(5000)
      return { chunks: conn.chunks.map(latin1), closed: conn.closed, closedAt }
    }
    const first = await script()
    expect(first).toMatchObject({ closed: true, closedAt: 1_700_000_003_000 })
    expect((first as { chunks: string[] }).chunks[0]).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(await script()).toEqual(first)
  })

  it('resetAfter(n): the client keeps n bytes, then reads reject and writes fail', async () => {
    let aborted = false
    const server = createTestServer((req) => {
      req.signal.addEventListener('abort', () => (aborted = true))
      return new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1000).fill(0x62)) }))
    })
    const conn = server.connect()
    conn.resetAfter(300)
    conn.send(GET)
    await server.settle()
    expect(conn.output.length).toBe(300)
    expect(conn.reset).toBe(true)
    expect(conn.aborted).toBe(true)
    expect(aborted).toBe(true)
  })

  it('resetAfter(0) resets at once, e.g. while the handler runs', async () => {
    let reason: unknown = null
    const server = createTestServer((req) => new Promise<Response>((resolve) => {
      req.signal.addEventListener('abort', () => {
        reason = req.signal.reason
        resolve(new Response('late'))
      })
    }))
    const conn = server.connect()
    conn.send(GET)
    await server.settle()
    conn.resetAfter(0)
    await server.settle()
    expect(reason).not.toBe(null)
    expect(conn.output.length).toBe(0)
    expect(conn.closed).toBe(true)
  })

  it('stopReadingAfter(n): writes block until read() or resume()', async () => {
    const { app, pulls } = counted(20, 100)
    const server = createTestServer(app)
    const conn = server.connect()
    conn.stopReadingAfter(250)
    conn.send(GET)
    await server.settle()
    const stalled = conn.output.length
    const pulled = pulls()
    // Writes go on until 250 bytes are unread, then the engine waits (and pulls no more).
    expect(stalled).toBeGreaterThanOrEqual(250)
    expect(stalled).toBeLessThan(600)
    await server.settle()
    expect(pulls()).toBe(pulled)

    const got = conn.read()
    expect(got.length).toBe(stalled)
    await server.settle()
    expect(conn.output.length).toBeGreaterThan(stalled)
    expect(conn.output.length - stalled).toBeLessThan(600)

    conn.resume()
    await server.settle()
    expect(conn.text.endsWith('0\r\n\r\n')).toBe(true)
    expect(conn.text.split('\r\n').filter((l) => l === 'a'.repeat(100))).toHaveLength(20)
  })

  it('VirtualClock fires due timers in time order, ties in creation order', () => {
    const clock = new VirtualClock(0)
    const order: string[] = []
    clock.setInterval(() => order.push('a'), 10)
    const b = clock.setInterval(() => order.push('b'), 10)
    clock.setInterval(() => order.push('c'), 5)
    clock.advance(10)
    clock.clearInterval(b)
    clock.advance(10)
    expect(order).toEqual(['c', 'a', 'b', 'c', 'c', 'a', 'c'])
    expect(clock.now).toBe(20)
    expect(clock.nextDue()).toBe(25)
  })

  it('graceful close finishes on virtual time', async () => {
    const server = createTestServer(() => new Promise<Response>(() => {}), { gracefulTimeout: 1000 })
    const conn = server.connect()
    conn.send(GET)
    await server.settle()
    const closed = server.close()
    await server.advance(1500)
    await closed
    expect(conn.aborted).toBe(true)
  })
})

describe('ResponseReader', () => {
  const read = (text: string, methods?: string[], end = false): unknown[] => {
    const reader = new ResponseReader(methods)
    const events = reader.push(Uint8Array.from(text, (c) => c.charCodeAt(0)))
    if (end) events.push(...reader.end())
    return events.map((e) => (e.type === 'data' ? { type: 'data', text: latin1(e.bytes) } : e))
  }

  it('reads chunked bodies with trailers, skipping interim responses', () => {
    expect(read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=1\r\nab\r\n0\r\nX-T: 1\r\n\r\n')).toEqual([
      { type: 'informational', status: 100, headers: [] },
      { type: 'head', status: 200, statusText: 'OK', version: '1.1', headers: [['Transfer-Encoding', 'chunked']] },
      { type: 'data', text: 'ab' },
      { type: 'end', trailers: [['X-T', '1']] },
    ])
  })

  it('reads a close-delimited body until end()', () => {
    expect(read('HTTP/1.0 200 OK\r\n\r\nuntil close', [], true)).toEqual([
      { type: 'head', status: 200, statusText: 'OK', version: '1.0', headers: [] },
      { type: 'data', text: 'until close' },
      { type: 'end', trailers: [] },
    ])
  })

  it('reads no body for HEAD even with Content-Length', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx', ['HEAD', 'GET']).map((e) => (e as { type: string }).type))
      .toEqual(['head', 'end', 'head', 'data', 'end'])
  })

  it('rejects bare LF, bad lengths and truncation', () => {
    expect(() => read('HTTP/1.1 200 OK\nA: b\r\n\r\n')).toThrow(TypeError)
    expect(() => read('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')).toThrow(TypeError)
    expect(() => read('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab', [], true)).toThrow('before the response was complete')
  })
})

describe('request bytes', () => {
  it('sends Host, the request headers and a Content-Length body; drops Transfer-Encoding', async () => {
    const server = createTestServer(async (req) => Response.json({ headers: Object.fromEntries(req.headers), body: await req.text(), url: req.url }))
    const res = await server.request('http://example.com:8080/p?q=1', {
      method: 'PUT',
      body: 'hi',
      headers: { 'x-a': 'b', 'transfer-encoding': 'chunked' },
    })
    const seen = await res.json()
    // Bun spells the implicit type `charset=utf-8` (it comes from the Blob there).
    seen.headers['content-type'] = seen.headers['content-type'].toLowerCase()
    expect(seen).toEqual({
      headers: { host: 'example.com:8080', 'x-a': 'b', 'content-type': 'text/plain;charset=utf-8', 'content-length': '2' },
      body: 'hi',
      url: 'http://example.com:8080/p?q=1',
    })
    expect(server.connections[0]!.closed).toBe(false) // persistent, as with fetch
  })
})
