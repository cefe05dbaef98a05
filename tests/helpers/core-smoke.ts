// Runs under node (tsx), deno and bun: parses a pipelined chunked request with the engine and
// prints the events and response bytes as JSON, so the three runtimes can be compared.
import { Connection, NEED_DATA, PAUSED } from '../../core/mod.ts'
import { LightRequest } from '../../core/fetch/light-request.ts'
import { LightResponse, responseParts } from '../../core/fetch/light-response.ts'

const conn = new Connection({ clock: () => 784111777000 })
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
conn.receive(new TextEncoder().encode(
  'POST /up?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5;ext=1\r\nhello\r\n0\r\nX-Check: done\r\n\r\nGET /next HTTP/1.0\r\n\r\n',
))
const events: unknown[] = []
for (;;) {
  const event = conn.next()
  if (event === NEED_DATA) break
  if (event === PAUSED) {
    events.push(text(conn.send({ type: 'response', status: 200, headers: ['x-a', 'b'], contentLength: 2 })))
    events.push(text(conn.send({ type: 'data', bytes: new TextEncoder().encode('ok') })))
    conn.send({ type: 'end' })
    if (conn.serverState === 'must-close') break
    continue
  }
  events.push(event.type === 'data' ? { type: 'data', text: text(event.bytes) } : event)
}
let error = ''
const bad = new Connection()
bad.receive(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'))
try {
  bad.next()
} catch (e) {
  error = `${(e as { name: string }).name}:${(e as { code: string }).code}:${(e as { statusHint: number }).statusHint}`
}
// The light fetch objects on this runtime's own Request and Response.
const chunks = [new TextEncoder().encode('a=1')]
const light = new LightRequest('POST', 'http://x/y', ['Content-Type', 'application/x-www-form-urlencoded'], { read: async () => chunks.shift() ?? null, readBuffered: () => undefined }) as unknown as Request
const copy = light.clone()
const R = LightResponse as unknown as typeof Response
const fetchObjects = {
  isRequest: light instanceof Request,
  tag: Object.prototype.toString.call(light),
  cloned: await copy.text(),
  form: (await light.formData()).get('a'),
  isResponse: new R('x') instanceof Response && new Response('y') instanceof R,
  parts: responseParts(R.json({ ok: true })),
  text: await new R('z', { status: 201 }).text(),
}
console.log(JSON.stringify({ events, error, fetchObjects }))
