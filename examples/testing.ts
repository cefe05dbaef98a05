// Testing an app without sockets: portico/testing runs it behind the real engine (parser,
// framing, timeouts, serializer) over in-memory connections on a virtual clock.
//   node --import tsx examples/testing.ts    (also: deno run examples/testing.ts · bun examples/testing.ts)
// In your project, import from 'portico/testing' (JSR: '@portico/server/testing').
import { createTestServer, request, type App } from '../testing/mod.ts'
import hono from './hono.ts'
import itty from './itty-router.ts'

function check(name: string, ok: boolean): void {
  if (!ok) throw new Error(`FAIL ${name}`)
  console.log(`pass ${name}`)
}

const apps: [string, App][] = [['hono', hono], ['itty-router', itty]]

for (const [name, app] of apps) {
  // request(): a Request in, a Response out, through real HTTP/1.1 bytes both ways.
  const user = await request(app, new Request('http://x/users/42'))
  check(`${name}: GET /users/42 is 200 JSON`, user.status === 200 && (await user.json()).id === '42')

  const echo = await request(app, new Request('http://x/echo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hi: 1 }),
  }))
  check(`${name}: POST /echo sends the body back`, JSON.stringify(await echo.json()) === '{"echo":{"hi":1}}')

  const missing = await request(app, '/nope')
  check(`${name}: unknown route is 404`, missing.status === 404)

  // A slowloris script: one byte per virtual second. No real time passes.
  const server = createTestServer(app, { headersTimeout: 10_000 })
  const slow = server.connect()
  slow.trickle(`GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${'z'.repeat(100)}`, { bytes: 1, everyMs: 1000 })
  await server.advance(9_000)
  check(`${name}: slowloris is still open after 9 s`, !slow.closed)
  await server.advance(1_000)
  check(`${name}: slowloris gets 408 and is closed at 10 s`, slow.text.startsWith('HTTP/1.1 408 ') && slow.closed)

  // A slow but honest client finishes within the timeout and is served.
  const patient = server.connect()
  patient.trickle('GET / HTTP/1.1\r\nHost: x\r\n\r\n', { bytes: 8, everyMs: 1000 })
  await server.advance(5_000)
  check(`${name}: a slow client within the timeout gets 200`, patient.text.startsWith('HTTP/1.1 200 '))
}
