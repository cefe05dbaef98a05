// A Hono app with WebSockets, as written for Bun with `hono/bun`; with the import changed to
// `portico/hono` it runs on Node, Deno and Bun:
//   npx portico examples/hono-websocket.ts --port 8000
// In your project, import from 'portico/hono' (JSR: '@portico/server/hono').
import { Hono } from 'hono'
import { upgradeWebSocket, websocket } from '../runtimes/hono.ts'

const app = new Hono()

app.get('/', (c) => c.text('Hello from Hono: WebSockets on /ws'))

app.get(
  '/ws',
  upgradeWebSocket((c) => {
    const name = c.req.query('name') ?? 'anonymous'
    return {
      onOpen(_event, ws) {
        ws.send(`hello ${name}`)
      },
      onMessage(event, ws) {
        if (event.data === 'bye') ws.close(4000, 'bye')
        // Text is a string, binary an ArrayBuffer.
        else if (typeof event.data === 'string') ws.send(`${name} said ${event.data}`)
        else ws.send(event.data as ArrayBuffer)
      },
    }
  }),
)

export default { fetch: app.fetch, websocket }
