// Runs under node (tsx), deno and bun: the WebSocket examples and upgradeWebSocket's browser
// behaviour through portico/testing, printed as JSON so the three runtimes can be compared.
// Event classes, DOMException, Blob and EventTarget come from each runtime; Portico's part
// must make them behave the same.
import chat from '../../examples/chat.ts'
import denoStyle from '../../examples/deno-websocket.ts'
import honoApp from '../../examples/hono-websocket.ts'
import { upgradeWebSocket } from '../../runtimes/mod.ts'
import { createTestServer, type App, type TestWebSocket } from '../../testing/mod.ts'
import { clientMessage, toHex } from '../vectors/ws-client.ts'

const show = (ws: TestWebSocket): unknown => ({
  messages: ws.messages.map((m) => (typeof m === 'string' ? m : Array.from(m))),
  close: ws.closeFrame,
  closed: ws.closed,
  errors: ws.errors,
})

const chatServer = createTestServer(chat as unknown as App)
const ann = await chatServer.websocket('/chat?name=ann')
await chatServer.settle()
const bob = await chatServer.websocket('/chat?name=bob')
ann.send('hi')
await chatServer.settle()
bob.close(1000)
await chatServer.settle()

const deno = createTestServer(denoStyle)
const d = await deno.websocket('/')
d.send('hey')
d.send(new Uint8Array([1, 2]))
d.send('bye')
await deno.settle()

const hono = createTestServer(honoApp)
const h = await hono.websocket('/ws?name=cy', { protocols: ['p1'] })
h.send('yo')
h.send('bye')
await hono.settle()

// The browser side of upgradeWebSocket: argument checks, event classes, Blob, errors.
const seen: unknown[] = []
const browser = createTestServer((request) => {
  const { socket, response } = upgradeWebSocket(request)
  try {
    socket.send('early')
  } catch (error) {
    seen.push(['send before open', (error as DOMException).name, error instanceof DOMException])
  }
  socket.onopen = (event) => seen.push(['open', event.type, socket.readyState])
  socket.onmessage = (event) => {
    seen.push(['message', event instanceof MessageEvent, typeof event.data === 'string' ? event.data : Object.prototype.toString.call(event.data)])
    if (event.data === 'blob') {
      socket.binaryType = 'blob'
      socket.send(new Blob(['b', 'lob']))
      socket.send('after')
    } else if (event.data === 'checks') {
      for (const [code, reason] of [[1005, ''], [3000, 'x'.repeat(124)]] as const) {
        try {
          socket.close(code, reason)
        } catch (error) {
          seen.push(['close', code, (error as DOMException).name])
        }
      }
    } else if (event.data === 'throw') {
      throw new Error('listener error')
    } else if (typeof event.data !== 'string') {
      seen.push(['binary', event.data instanceof Blob ? (event.data as Blob).size : 'not a blob'])
    }
  }
  socket.onerror = (event) => seen.push(['error', event.type])
  socket.onclose = (event) => seen.push(['close event', event.code, event.reason, event.wasClean, event instanceof Event, socket.readyState])
  return response
})
const b = await browser.websocket('/')
b.send('blob')
b.send(new TextEncoder().encode('bytes'))
b.send('checks')
await browser.settle()
b.send('throw')
await browser.settle()
const c = await browser.websocket('/')
await browser.settle()
c.connection.resetAfter(0)
await browser.settle()

// Text frames as bytes, built two ways: corked from the `message` handler (encoded straight
// into the cork) and from `open` (the general path), at header-length boundaries, with
// non-ASCII, surrogate pairs and a lone surrogate (TextEncoder's U+FFFD on every runtime).
const texts = ['', 'a', 'x'.repeat(41), 'y'.repeat(42), 'z'.repeat(126), 'é'.repeat(63), '€ and 😀', 'lone \ud800', 'w'.repeat(6000)]
const framesServer = createTestServer({
  fetch: (request, info) => (info.upgrade(request) ? (undefined as unknown as Response) : new Response(null, { status: 400 })),
  websocket: {
    open: (ws) => texts.forEach((text) => ws.send(text)),
    message: (ws) => texts.forEach((text) => ws.send(text)),
  },
})
const raw = framesServer.connect()
raw.send('GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
await framesServer.settle()
const headEnd = raw.text.indexOf('\r\n\r\n') + 4
const fromOpen = toHex(raw.output.subarray(headEnd))
raw.send(clientMessage(1, 'go'))
await framesServer.settle()
const fromMessage = toHex(raw.output.subarray(headEnd)).slice(fromOpen.length)

console.log(JSON.stringify({
  frames: { fromOpen, fromMessage },
  chat: [show(ann), show(bob)],
  deno: show(d),
  hono: { protocol: h.protocol, ...show(h) as object },
  browser: { seen, client: show(b), logs: browser.logs.map((l) => (l.error as Error).message) },
}))
