// A small chat room: one page, one WebSocket per visitor, one topic for the room. It is
// written for Bun.serve (`fetch` + `websocket`, publish/subscribe) and runs unchanged on
// Portico under Node, Deno and Bun:
//   npx portico examples/chat.ts --port 8000     (then open http://localhost:8000/ in two tabs)
// In your project, import the types from 'portico' (JSR: '@portico/server').
import type { ServeInfo, WebSocketHandler } from '../runtimes/mod.ts'

interface Visitor {
  name: string
}

const ROOM = 'room'
/** Where `close` publishes from: a closed socket cannot publish itself (in Bun either). */
let server: Pick<ServeInfo, 'publish' | 'subscriberCount'> | null = null

const websocket: WebSocketHandler<Visitor> = {
  // Every message published to the room also goes back to its sender.
  publishToSelf: true,
  open(ws) {
    ws.subscribe(ROOM)
    ws.publish(ROOM, `${ws.data.name} joined (${server?.subscriberCount(ROOM) ?? 1} here)`)
  },
  message(ws, message) {
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message)
    ws.publish(ROOM, `${ws.data.name}: ${text.slice(0, 1000)}`)
  },
  close(ws) {
    server?.publish(ROOM, `${ws.data.name} left`)
  },
}

export default {
  fetch(request: Request, info: ServeInfo): Response | undefined {
    server ??= info
    const url = new URL(request.url)
    if (url.pathname === '/chat') {
      const name = url.searchParams.get('name')?.trim().slice(0, 32) || 'anonymous'
      // true: the 101 goes out once fetch returns, and `websocket.open` runs.
      if (info.upgrade(request, { data: { name } })) return undefined
      return new Response('Expected a WebSocket upgrade\n', { status: 426, headers: { upgrade: 'websocket' } })
    }
    if (url.pathname === '/') return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    return new Response('Not found\n', { status: 404 })
  },
  websocket,
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Portico chat</title>
<style>body { font: 16px system-ui; max-width: 40em; margin: 2em auto } #log { min-height: 12em; border: 1px solid #ccc; padding: .5em }</style>
<h1>Portico chat</h1>
<div id="log"></div>
<form id="form"><input id="text" autocomplete="off" autofocus> <button>Send</button></form>
<script>
  const log = document.getElementById('log')
  const name = prompt('Your name?') || 'anonymous'
  const ws = new WebSocket(new URL('/chat?name=' + encodeURIComponent(name), location.href.replace(/^http/, 'ws')))
  const show = (text) => log.appendChild(document.createElement('div')).textContent = text
  ws.onmessage = (event) => show(event.data)
  ws.onclose = (event) => show('(disconnected: ' + event.code + ')')
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault()
    const input = document.getElementById('text')
    if (input.value !== '') ws.send(input.value)
    input.value = ''
  }
</script>
`
