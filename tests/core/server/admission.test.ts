// core/server/admission.ts and the fleet options around it, over portico/testing's memory
// transport and virtual clock: maxConcurrentRequests, maxConnections, healthPath and the
// shutdown delay, each at its limit and one past it.
import { describe, expect, it } from 'vitest'
import { createTestServer } from '../../../testing/mod.ts'

const GET = (path = '/') => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`

/** An app whose responses wait until `release()`; counts the calls it got. */
function heldApp() {
  const waiting: Array<() => void> = []
  let calls = 0
  const app = () => {
    calls++
    return new Promise<Response>((resolve) => waiting.push(() => resolve(new Response('done'))))
  }
  return { app, release: () => waiting.splice(0).forEach((go) => go()), get calls() { return calls } }
}

describe('maxConcurrentRequests', () => {
  it('answers the request past the limit with 503 and Retry-After at once; the admitted ones finish', async () => {
    const held = heldApp()
    const server = createTestServer(held.app, { maxConcurrentRequests: 3 })
    const clients = Array.from({ length: 5 }, () => server.connect())
    for (const c of clients) c.send(GET())
    await server.settle()
    expect(held.calls).toBe(3)
    const refused = clients.filter((c) => c.text.startsWith('HTTP/1.1 503 '))
    expect(refused).toHaveLength(2)
    for (const c of refused) {
      expect(c.text).toContain('retry-after: 1\r\n')
      expect(c.closed).toBe(false) // keep-alive: the client may try again on it
    }
    held.release()
    await server.settle()
    const answered = clients.filter((c) => c.text.startsWith('HTTP/1.1 200 '))
    expect(answered).toHaveLength(3)
    for (const c of answered) expect(c.text.endsWith('done')).toBe(true)
    // The places are free again.
    refused[0]!.send(GET())
    await server.settle()
    expect(held.calls).toBe(4)
    held.release()
    await server.settle()
    expect(refused[0]!.text).toMatch(/HTTP\/1\.1 200 OK[\s\S]*done$/)
  })

  it('counts requests, not connections: pipelined requests on one connection take one place each in turn', async () => {
    const server = createTestServer(() => new Response('ok'), { maxConcurrentRequests: 1 })
    const c = server.connect()
    c.send(GET() + GET() + GET())
    await server.settle()
    expect(c.text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3)
  })

  it('frees the place of a request whose app throws, and of one whose client left', async () => {
    let calls = 0
    const server = createTestServer(
      (request) => {
        calls++
        if (request.url.endsWith('/throw')) throw new Error('boom')
        return new Promise<Response>((resolve) => request.signal.addEventListener('abort', () => resolve(new Response('late'))))
      },
      { maxConcurrentRequests: 1, log: () => {} },
    )
    const a = server.connect()
    a.send(GET('/throw'))
    await server.settle()
    expect(a.text).toMatch(/^HTTP\/1\.1 500 /)
    const b = server.connect()
    b.send(GET('/wait'))
    await server.settle()
    expect(calls).toBe(2)
    b.end() // the client leaves: the signal aborts, the app returns, the place is free
    await server.settle()
    const c = server.connect()
    c.send(GET('/throw'))
    await server.settle()
    expect(calls).toBe(3)
    expect(c.text).toMatch(/^HTTP\/1\.1 500 /)
  })

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createTestServer(() => new Response(''), { maxConcurrentRequests: 0 })).toThrow(TypeError)
    expect(() => createTestServer(() => new Response(''), { maxConnections: 1.5 })).toThrow(TypeError)
  })
})

describe('maxConnections', () => {
  it('closes connections past the limit at accept, before reading; a freed place is reused', async () => {
    const server = createTestServer(() => new Response('ok'), { maxConnections: 2 })
    const [a, b, c] = [server.connect(), server.connect(), server.connect()]
    await server.settle()
    expect(a.closed).toBe(false)
    expect(b.closed).toBe(false)
    expect(c.closed).toBe(true)
    expect(c.text).toBe('')
    a.send('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
    await server.settle()
    expect(a.closed).toBe(true)
    const d = server.connect()
    d.send(GET())
    await server.settle()
    expect(d.text).toMatch(/^HTTP\/1\.1 200 OK/)
  })
})

describe('healthPath', () => {
  it('answers 200 while serving, before the app and the concurrency limit; a query is ignored', async () => {
    const held = heldApp()
    const server = createTestServer(held.app, { healthPath: '/healthz', maxConcurrentRequests: 1 })
    server.connect().send(GET('/busy'))
    await server.settle()
    const probe = server.connect()
    probe.send(GET('/healthz') + GET('/healthz?probe=1') + GET('/healthzz'))
    await server.settle()
    expect(held.calls).toBe(1)
    const heads = probe.text.match(/HTTP\/1\.1 \d{3}/g)
    expect(heads).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 503']) // the third is the app's path: over the limit
    expect(probe.text).toContain('cache-control: no-store\r\n')
    held.release()
  })

  it('answers 503 from the start of a graceful close', async () => {
    const server = createTestServer(() => new Response('app'), { healthPath: '/healthz', shutdownDelay: 1000 })
    const probe = server.connect()
    probe.send(GET('/healthz'))
    await server.settle()
    expect(probe.text).toMatch(/^HTTP\/1\.1 200 OK/)
    const closed = server.close()
    await server.settle()
    probe.send(GET('/healthz'))
    await server.settle()
    expect(probe.text).toMatch(/HTTP\/1\.1 503 Service Unavailable[\s\S]*connection: close\r\n[\s\S]*draining\n$/)
    await server.advance(1000)
    await closed
  })

  it('must be an absolute path', () => {
    expect(() => createTestServer(() => new Response(''), { healthPath: 'healthz' })).toThrow(TypeError)
  })
})

describe('shutdownDelay', () => {
  it('keeps serving for the delay, every response closing its connection; then closes as usual', async () => {
    const server = createTestServer(() => new Response('ok'), { shutdownDelay: 2000 })
    const idle = server.connect()
    idle.send(GET())
    await server.settle()
    expect(idle.text).not.toContain('connection: close')
    const closed = server.close()
    let done = false
    void closed.then(() => (done = true))
    await server.advance(1000)
    // The idle keep-alive connection stays open: a balancer may still send on it.
    expect(idle.closed).toBe(false)
    idle.send(GET())
    await server.settle()
    expect(idle.text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2)
    expect(idle.text.split('HTTP/1.1 200 OK')[2]).toContain('connection: close\r\n')
    expect(idle.closed).toBe(true)
    // A connection accepted during the delay is served, and closed after its response.
    const fresh = server.connect()
    fresh.send(GET())
    await server.settle()
    expect(fresh.text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*connection: close\r\n/)
    expect(fresh.closed).toBe(true)
    const quiet = server.connect()
    await server.settle()
    expect(done).toBe(false)
    await server.advance(1000)
    // After the delay: the usual graceful close (a silent connection gets its short grace).
    await server.advance(1000)
    expect(quiet.closed).toBe(true)
    await closed
    expect(done).toBe(true)
  })

  it('a forced close cuts the delay short', async () => {
    const server = createTestServer(() => new Response('ok'), { shutdownDelay: 60_000 })
    const c = server.connect()
    await server.settle()
    const closed = server.close()
    await server.settle()
    expect(c.closed).toBe(false)
    void server.close({ force: true })
    await server.settle()
    await closed
    expect(c.closed).toBe(true)
  })
})
