// Pipelined requests (RFC 9112 §9.3.2) through the whole server: the responses to the
// requests of one read leave in one write, in order; a slow response holds back only the
// ones behind it.
import { describe, expect, it } from 'vitest'
import { LightResponse } from '../../../core/fetch/light-response.ts'
import { createTestServer } from '../../../testing/mod.ts'

// The drivers install the light Response as the global one (ServeOptions.lightResponse); a
// string body then goes out without a stream, so a synchronous app is answered synchronously.
const text = (body: string): Response => new LightResponse(body) as unknown as Response

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`
const statusLines = (text: string): string[] => [...text.matchAll(/HTTP\/1\.1 \d{3} [^\r]*\r\n[^]*?\r\n\r\n([^H]*)/g)].map((m) => m[1]!)

describe('pipelined requests', () => {
  it('answers 16 requests of one read in one write, in order', async () => {
    const server = createTestServer((request) => text(new URL(request.url).pathname))
    const conn = server.connect()
    conn.send(Array.from({ length: 16 }, (_, i) => get(`/${i}`)).join(''))
    await server.settle()
    expect(conn.chunks).toHaveLength(1)
    expect(statusLines(conn.text)).toEqual(Array.from({ length: 16 }, (_, i) => `/${i}`))
    expect(conn.closed).toBe(false)
  })

  it('keeps answers that take a few microtask turns in the one write', async () => {
    const server = createTestServer(async (request) => {
      for (let i = 0; i < 3; i++) await null
      return text(new URL(request.url).pathname)
    })
    const conn = server.connect()
    conn.send(Array.from({ length: 16 }, (_, i) => get(`/${i}`)).join(''))
    await server.settle()
    expect(conn.chunks).toHaveLength(1)
    expect(statusLines(conn.text)).toEqual(Array.from({ length: 16 }, (_, i) => `/${i}`))
  })

  it('sends what is ready before a slow response, and the rest after it', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const server = createTestServer(async (request) => {
      const path = new URL(request.url).pathname
      if (path === '/slow') await gate
      return text(path)
    })
    const conn = server.connect()
    conn.send(get('/a') + get('/b') + get('/slow') + get('/c') + get('/d'))
    await server.settle()
    expect(statusLines(conn.text)).toEqual(['/a', '/b'])
    expect(conn.chunks).toHaveLength(1)
    release()
    await server.settle()
    expect(statusLines(conn.text)).toEqual(['/a', '/b', '/slow', '/c', '/d'])
    // /a and /b together, /slow alone (its own turn), /c and /d together.
    expect(conn.chunks).toHaveLength(3)
  })

  it('keeps one write per read for a streamed body, a POST and an error among them', async () => {
    const server = createTestServer(async (request) => {
      const path = new URL(request.url).pathname
      if (path === '/post') return text(`got ${await request.text()}`)
      return text(path)
    })
    const conn = server.connect()
    conn.send(get('/a') + 'POST /post HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi' + get('/b'))
    await server.settle()
    expect(statusLines(conn.text)).toEqual(['/a', 'got hi', '/b'])
    conn.send('GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n')
    await server.settle()
    expect(conn.text).toMatch(/HTTP\/1\.1 400 Bad Request\r\n/)
    expect(conn.closed).toBe(true)
  })

  it('sends a large streamed body in full: a full batch leaves at once', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61)
    const server = createTestServer(() => {
      let sent = 0
      return new Response(new ReadableStream({
        pull(c) {
          if (sent++ < 16) c.enqueue(chunk)
          else c.close()
        },
      }, { highWaterMark: 0 }), { headers: { 'content-length': String(16 * chunk.length) } })
    })
    const conn = server.connect()
    conn.send(get('/big') + get('/after'))
    await server.settle()
    const text = conn.text
    const head = text.indexOf('\r\n\r\n') + 4
    expect(text.slice(head, head + 16 * chunk.length)).toBe('a'.repeat(16 * chunk.length))
    expect(text.slice(head + 16 * chunk.length)).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  })
})
