// core/server/ (connection loop, exchange, response writer) over portico/testing's in-memory
// transport and virtual clock: timeouts, errors and graceful close without sockets or sleeps.
import { describe, expect, it } from 'vitest'
import { createTestServer } from '../../../testing/mod.ts'

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'

describe('server over memory transport', () => {
  it('answers a request with Content-Length and Date', async () => {
    const server = createTestServer(() => new Response('hi'))
    const t = server.connect()
    t.send(GET)
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(t.text).toContain('content-length: 2\r\n')
    expect(t.text).toMatch(/date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/)
    expect(t.text.endsWith('\r\n\r\nhi')).toBe(true)
    expect(t.closed).toBe(false)
  })

  it('streams a body of unknown length chunked', async () => {
    const server = createTestServer(
      () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('ab'))
            },
            async pull(c) {
              await new Promise((r) => setTimeout(r, 1))
              c.enqueue(new TextEncoder().encode('cd'))
              c.close()
            },
          }),
        ),
    )
    const t = server.connect()
    t.send(GET)
    // The app's stream runs on real timers: wait (bounded) for the last chunk.
    for (let i = 0; i < 200 && !t.text.endsWith('0\r\n\r\n'); i++) {
      await new Promise((r) => setTimeout(r, 10))
      await server.settle()
    }
    expect(t.text).toContain('transfer-encoding: chunked\r\n')
    expect(t.text.endsWith('\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n')).toBe(true)
  })

  it('answers an app that throws with 500 and keeps the connection', async () => {
    const server = createTestServer((req) => {
      if (new URL(req.url).pathname === '/boom') throw new Error('kaput')
      return new Response('ok')
    })
    const t = server.connect()
    t.send('GET /boom HTTP/1.1\r\nHost: a\r\n\r\n' + GET)
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
    expect(t.text).not.toContain('kaput')
    expect(t.text.endsWith('ok')).toBe(true)
    expect(server.logs.some((l) => l.message.includes('/boom'))).toBe(true)
  })

  it('uses onError for the fallback response', async () => {
    const server = createTestServer(
      () => {
        throw new Error('x')
      },
      { onError: () => new Response('custom', { status: 503 }) },
    )
    const t = server.connect()
    t.send(GET)
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 503 /)
  })

  it('answers a smuggling attempt with 400 and closes', async () => {
    const server = createTestServer(() => new Response('ok'))
    const t = server.connect()
    t.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(t.text).toContain('connection: close\r\n')
    expect(t.closed).toBe(true)
  })

  it('answers 413 when Content-Length exceeds maxBodyBytes, before calling the app', async () => {
    let called = false
    const server = createTestServer(
      () => {
        called = true
        return new Response('ok')
      },
      { limits: { maxBodyBytes: 4 } },
    )
    const t = server.connect()
    t.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n')
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(called).toBe(false)
  })

  it('answers 413 when a chunked body grows past maxBodyBytes while the app reads it', async () => {
    const server = createTestServer(async (req) => new Response(await req.text()), { limits: { maxBodyBytes: 4 } })
    const t = server.connect()
    t.send('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n')
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 413 /)
    expect(t.closed).toBe(true)
  })

  it('sends 408 and closes when the head does not arrive within headersTimeout', async () => {
    const server = createTestServer(() => new Response('ok'), { headersTimeout: 1000 })
    const t = server.connect()
    t.send('GET / HTTP/1.1\r\nHo')
    await server.settle()
    server.clock.advance(999)
    await server.settle()
    expect(t.closed).toBe(false)
    server.clock.advance(300)
    await server.settle()
    expect(t.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(t.closed).toBe(true)
  })

  it('closes an idle keep-alive connection quietly after keepAliveTimeout', async () => {
    const server = createTestServer(() => new Response('ok'), { keepAliveTimeout: 500 })
    const t = server.connect()
    t.send(GET)
    await server.settle()
    const before = t.text
    server.clock.advance(400)
    await server.settle()
    expect(t.closed).toBe(false)
    server.clock.advance(400)
    await server.settle()
    expect(t.closed).toBe(true)
    expect(t.text).toBe(before)
  })

  it('sends 408 when the body does not arrive within requestTimeout', async () => {
    const server = createTestServer(async (req) => new Response(await req.text()), { requestTimeout: 2000 })
    const t = server.connect()
    t.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc')
    await server.settle()
    server.clock.advance(2500)
    await server.settle()
    expect(t.closed).toBe(true)
  })

  it('sends 100 Continue only when the app reads the body', async () => {
    const server = createTestServer(async (req) => {
      if (new URL(req.url).pathname === '/read') return new Response(await req.text())
      return new Response('no')
    })
    const reader = server.connect()
    reader.send('POST /read HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n')
    await server.settle()
    expect(reader.text).toBe('HTTP/1.1 100 Continue\r\n\r\n')
    reader.send('hi')
    await server.settle()
    expect(reader.text).toMatch(/\r\n\r\nhi$/)

    const ignorer = server.connect()
    ignorer.send('POST /skip HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n')
    await server.settle()
    expect(ignorer.text).not.toContain('100 Continue')
    expect(ignorer.text).toContain('connection: close\r\n')
    expect(ignorer.closed).toBe(true)
  })

  it('aborts request.signal when the client goes away mid-request', async () => {
    let aborted = false
    const server = createTestServer(
      (req) =>
        new Promise<Response>((resolve) => {
          req.signal.addEventListener('abort', () => {
            aborted = true
            resolve(new Response('late'))
          })
        }),
    )
    const t = server.connect()
    t.send(GET)
    await server.settle()
    expect(aborted).toBe(false)
    t.end()
    await server.settle()
    expect(aborted).toBe(true)
  })

  it('does not abort request.signal after a complete response', async () => {
    let signal: AbortSignal | null = null
    const server = createTestServer((req) => {
      signal = req.signal
      return new Response('ok')
    })
    const t = server.connect()
    t.send(GET)
    await server.settle()
    t.end()
    await server.settle()
    expect(signal!.aborted).toBe(false)
  })

  it('aborts the connection when the response body errors mid-way', async () => {
    let n = 0
    const server = createTestServer(
      () =>
        new Response(
          new ReadableStream({
            async pull(c) {
              await new Promise((r) => setTimeout(r, 1))
              if (n++ === 0) c.enqueue(new TextEncoder().encode('part'))
              else c.error(new Error('broken'))
            },
          }),
        ),
    )
    const t = server.connect()
    t.send(GET)
    // The app's stream runs on real timers: wait (bounded) for it to fail.
    for (let i = 0; i < 200 && !t.aborted; i++) {
      await new Promise((r) => setTimeout(r, 10))
      await server.settle()
    }
    expect(t.text).toContain('4\r\npart\r\n')
    expect(t.text).not.toContain('0\r\n\r\n')
    expect(t.aborted).toBe(true)
  })

  it('drains an unread body and serves the next request', async () => {
    const server = createTestServer(() => new Response('ok'))
    const t = server.connect()
    t.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' + GET)
    await server.settle()
    expect(t.text.match(/HTTP\/1\.1 200/g)).toHaveLength(2)
  })

  it('graceful close: closes idle connections, finishes in-flight ones', async () => {
    let release: (() => void) | null = null
    const server = createTestServer((req) =>
      new URL(req.url).pathname === '/slow'
        ? new Promise<Response>((resolve) => (release = () => resolve(new Response('done'))))
        : new Response('quick'),
    )
    const idle = server.connect()
    idle.send(GET)
    const fresh = server.connect()
    const busy = server.connect()
    busy.send('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n')
    await server.settle()
    const closed = server.close()
    await server.settle()
    expect(idle.closed).toBe(true)
    expect(busy.closed).toBe(false)
    // A connection that never sent a request gets a moment for one still on the way.
    expect(fresh.closed).toBe(false)
    await server.advance(1000)
    expect(fresh.closed).toBe(true)
    release!()
    await closed
    expect(busy.text).toContain('connection: close\r\n')
    expect(busy.text.endsWith('done')).toBe(true)
    expect(busy.closed).toBe(true)
  })

  it('graceful close force-closes what is left after gracefulTimeout', async () => {
    const server = createTestServer(() => new Promise<Response>(() => {}), { gracefulTimeout: 1000 })
    const t = server.connect()
    t.send(GET)
    await server.settle()
    const closed = server.close()
    await server.settle()
    server.clock.advance(1500)
    await closed
    expect(t.aborted).toBe(true)
  })

  it('passes info and builds the URL from Host', async () => {
    const server = createTestServer((req, info) => Response.json({ url: req.url, info }), { hostname: '10.0.0.1', port: 8000 })
    const t = server.connect({ remoteAddress: '10.0.0.2' })
    t.send('GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\nGET /x HTTP/1.0\r\n\r\n')
    await server.settle()
    expect(t.text).toContain('"url":"http://example.com:8080/p?q=1"')
    expect(t.text).toContain('"remoteAddress":"10.0.0.2"')
    expect(t.text).toContain('"url":"http://10.0.0.1:8000/x"')
  })

  it('keeps several Set-Cookie fields apart', async () => {
    const server = createTestServer(() => {
      const headers = new Headers()
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2')
      return new Response(null, { headers })
    })
    const t = server.connect()
    t.send(GET)
    await server.settle()
    expect(t.text).toContain('set-cookie: a=1; Path=/\r\nset-cookie: b=2\r\n')
  })

  it('sends HEAD responses with the length and no body', async () => {
    const server = createTestServer(() => new Response('hello'))
    const t = server.connect()
    t.send('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n')
    await server.settle()
    expect(t.text).toContain('content-length: 5\r\n')
    expect(t.text.endsWith('\r\n\r\n')).toBe(true)
  })

  it('writes an access log entry per response', async () => {
    const entries: unknown[] = []
    const server = createTestServer(() => new Response('hey', { status: 201 }), {
      accessLog: (e) => void entries.push(e),
    })
    const t = server.connect({ remoteAddress: '10.0.0.2' })
    t.send('GET /x HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n')
    await server.settle()
    expect(entries).toEqual([
      expect.objectContaining({ method: 'GET', target: '/x', status: 201, bytes: 3, userAgent: 't', remoteAddress: '10.0.0.2' }),
    ])
  })
})
