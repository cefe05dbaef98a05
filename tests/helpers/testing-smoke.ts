// Runs under node (tsx), deno and bun: drives apps through portico/testing (request(), raw
// bytes, a slowloris script, a reset, a stalled reader) and prints what it saw as JSON, so
// the three runtimes can be compared byte for byte.
import { createTestServer, request } from '../../testing/mod.ts'
import hono from '../../examples/hono.ts'
import itty from '../../examples/itty-router.ts'

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b)
const summary = async (res: Response): Promise<unknown> => ({
  status: res.status,
  headers: [...res.headers],
  body: res.body === null ? null : await res.text(),
})

const friendly = {
  hono: await summary(await request(hono, new Request('http://x/echo', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }))),
  itty: await summary(await request(itty, '/users/7')),
  // Not Hono for HEAD: its `new Response(null, res)` keeps the implicit content-type on
  // node and deno but not on bun (a Response gap, not ours).
  head: await summary(await request(() => new Response('hello', { headers: { 'content-type': 'text/plain' } }), new Request('http://x/', { method: 'HEAD' }))),
  cookies: (await request(() => {
    const headers = new Headers()
    headers.append('set-cookie', 'a=1')
    headers.append('set-cookie', 'b=2')
    return new Response(null, { status: 204, headers })
  }, '/')).headers.getSetCookie(),
}

const server = createTestServer(() => new Response(new ReadableStream({
  start(c) {
    c.enqueue(new TextEncoder().encode('ab'))
    c.enqueue(new TextEncoder().encode('cde'))
    c.close()
  },
})), { limits: { maxHeaderBytes: 256 }, headersTimeout: 2000 })
const chunked = server.connect()
chunked.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
const big = server.connect()
big.send(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(300)}\r\n\r\n`)
const slow = server.connect()
slow.trickle('GET / HTTP/1.1\r\nHost: a\r\nX-Slow: zzzzzzzzzz', { bytes: 2, everyMs: 150 })
await server.advance(3000)

const resetting = createTestServer(() => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(100)) })))
const reset = resetting.connect()
reset.resetAfter(250)
reset.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
await resetting.settle()

let pulls = 0
const stalling = createTestServer(() => new Response(new ReadableStream({
  pull: (c) => void (pulls++ < 10 ? c.enqueue(new Uint8Array(50).fill(0x78)) : c.close()),
}, { highWaterMark: 0 })))
const stalled = stalling.connect()
stalled.stopReadingAfter(120)
stalled.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
await stalling.settle()
const before = stalled.output.length
stalled.resume()
await stalling.settle()

// HTTP/2 (h2c) on the same engine: two streams on one connection, one upload, one held at
// a shut window; every byte the server wrote, to compare across runtimes.
// Bodies as explicit streams with an explicit type: a runtime's own Response reads a string
// body out differently (in one chunk or several, with or without a content-type).
const TEXT = { 'content-type': 'text/plain' }
const h2server = createTestServer(async (req) => {
  if (req.method === 'POST') return new Response(`got ${(await req.text()).length}`, { headers: TEXT })
  let sent = 0
  return new Response(new ReadableStream({
    pull: (c) => void (sent < 70_000 ? (c.enqueue(new Uint8Array(10_000).fill(0x78)), sent += 10_000) : c.close()),
  }, { highWaterMark: 0 }), { headers: TEXT })
})
const h2 = h2server.http2({ autoWindow: false })
const posted = h2.request('/up', { method: 'POST', body: 'y'.repeat(5000) })
const held = h2.request('/big')
await h2server.settle()
const h2held = h2.frames.filter((f) => f.type === 'DATA' && f.streamId === held.id).reduce((n, f) => n + f.length, 0)
h2.openWindow(held.id, 10_000)
await h2server.settle()
const h2bytes = [...h2.connection.output].map((b) => b.toString(16).padStart(2, '0')).join('')

console.log(JSON.stringify({
  h2: { posted: await (await posted.response).text(), held: h2held, frames: h2.frames.map((f) => `${f.type} ${f.streamId} ${f.length}`), bytes: h2bytes },
  friendly,
  raw: {
    chunked: chunked.chunks.map(latin1),
    big: [big.text.split('\r\n')[0], big.closed],
    slowloris: [slow.text, slow.closed, server.clock.now],
  },
  reset: [reset.output.length, reset.reset, reset.aborted],
  backpressure: [before, stalled.output.length, stalled.text.endsWith('0\r\n\r\n')],
}))
