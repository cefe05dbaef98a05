/**
 * The WebSocket test app, served by whichever runtime runs this file, as tests/integration/
 * fixture.ts is (`node --import tsx`, `deno run -A` or `bun run`), with the same stdout
 * protocol: one `LISTENING <url>` line once it serves on 127.0.0.1. It is a Bun-shaped app,
 * `{ fetch, websocket }`, so it also shows that such an app runs unchanged. Used by
 * tests/integration/websocket.test.ts (real clients) and tests/load/websocket.test.ts.
 *
 * Environment: `PORT` (0 = any free port); `WS_MAX_PAYLOAD` (bytes, default 2 MiB);
 * `WS_DEFLATE` (`1`, the default, negotiates permessage-deflate; `0` does not);
 * `GRACEFUL_TIMEOUT` (ms, default 10 000).
 *
 * HTTP routes:
 * - `GET /`: an HTML page (the browser test runs its WebSocket clients from it).
 * - `GET /report?id=ID`: JSON of what the server saw of socket ID (see `Report`).
 * - `GET /closable`: starts a second server with this app and answers its `ws://` URL; a
 *   socket on it that sends `shutdown` makes that server `close()` (→ 1001 Going Away).
 *
 * WebSocket routes (`?id=ID` names the socket in reports; every 101 carries
 * `Set-Cookie: portico-ws=ID; Path=/`):
 * - `/echo`: echoes every message; `?compress=1` echoes with `send(message, true)`.
 * - `/cmd`: the subprotocol is chosen from `chat.v2`, `chat.v1` (server preference) among the
 *   client's offer. Text commands: `info` → JSON (protocol, extensions, cookie, signalAborted);
 *   `close CODE REASON…`; `ping DATA` (the pong is answered `pong DATA`); `subscribe TOPIC`
 *   (→ `subscribed TOPIC`); `publish TOPIC TEXT…` (ws.publish); `server-publish TOPIC TEXT…`
 *   (server.publish); `count TOPIC` (→ `count N`); `shutdown`. A client ping is answered
 *   `got-ping DATA` after the automatic pong.
 * - `/flood?total=BYTES&size=BYTES`: the server sends `total` bytes of binary messages of
 *   `size` bytes as fast as the socket takes them: until `send` returns -1, then again on
 *   `drain`; then the text `done`. Its counters are in the report.
 * @module
 */
import { Buffer } from 'node:buffer'
import process from 'node:process'
import type { App, Server, ServeInfo, ServeOptions, ServerWebSocket, WebSocketHandler } from '../../core/server/options.ts'

type Serve = (app: App, options: ServeOptions) => Server

const runtimeName: string = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node'
const { serve }: { serve: Serve } = await import(`../../runtimes/${runtimeName}.ts`)

function env(name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}

const MAX_PAYLOAD = env('WS_MAX_PAYLOAD', 2 * 1024 * 1024)
const DEFLATE = process.env['WS_DEFLATE'] !== '0'
const SUBPROTOCOLS = ['chat.v2', 'chat.v1']
const decoder = new TextDecoder()

/** What the server saw of one socket, by the `id` of its upgrade request. */
interface Report {
  /** The close handler's code and reason. */
  close: { code: number; reason: string } | null
  /** The upgrade request's `signal` has aborted. */
  signalAborted: boolean
  protocol: string
  extensions: string
  /** Set on a socket that sent `shutdown`: the server's close() has resolved, ms after the call. */
  serverClosedMs: number | null
  flood: Flood | null
}

/** The `/flood` producer's state and counters. */
interface Flood {
  total: number
  size: number
  /** Bytes handed to `send` (all of them accepted: a dropped send is counted in `dropped`). */
  sent: number
  sends: number
  /** Sends that returned -1 (backpressure) and `drain` events. */
  waits: number
  drains: number
  dropped: number
  /** Largest `getBufferedAmount()` seen after a send. */
  maxBuffered: number
  done: boolean
}

interface SocketData {
  route: string
  id: string
  compress: boolean
  request: Request
  server: () => Server
  flood: Flood | null
}

const reports = new Map<string, Report>()

function report(id: string): Report {
  let entry = reports.get(id)
  if (entry === undefined) {
    entry = { close: null, signalAborted: false, protocol: '', extensions: '', serverClosedMs: null, flood: null }
    reports.set(id, entry)
  }
  return entry
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Portico WebSocket on ${runtimeName}</title></head>
<body><h1>Portico WebSocket on ${runtimeName}</h1></body>
</html>
`

/** Sends the flood until backpressure (resumed by `drain`) or the end. */
function produce(ws: ServerWebSocket<SocketData>, flood: Flood): void {
  const chunk = new Uint8Array(flood.size).fill(0x5a)
  while (flood.sent < flood.total) {
    const result = ws.send(chunk)
    flood.sends++
    if (result === 0) {
      flood.dropped++
      return
    }
    flood.sent += chunk.length
    flood.maxBuffered = Math.max(flood.maxBuffered, ws.getBufferedAmount())
    if (result === -1) {
      flood.waits++
      return
    }
  }
  if (!flood.done) {
    flood.done = true
    ws.send('done')
  }
}

function command(ws: ServerWebSocket<SocketData>, text: string): void {
  const [name = '', topic = '', ...rest] = text.split(' ')
  const words = text.split(' ').slice(1).join(' ')
  switch (name) {
    case 'info':
      ws.send(JSON.stringify({
        protocol: ws.protocol,
        extensions: ws.extensions,
        cookie: ws.data.request.headers.get('cookie'),
        signalAborted: ws.data.request.signal.aborted,
      }))
      return
    case 'close':
      ws.close(Number(topic), rest.join(' '))
      return
    case 'ping':
      ws.ping(words)
      return
    case 'subscribe':
      ws.subscribe(topic)
      ws.send(`subscribed ${topic}`)
      return
    case 'publish':
      ws.publish(topic, rest.join(' '))
      return
    case 'server-publish':
      ws.data.server().publish(topic, rest.join(' '))
      return
    case 'count':
      ws.send(`count ${ws.data.server().subscriberCount(topic)}`)
      return
    case 'shutdown': {
      const started = Date.now()
      const id = ws.data.id
      void ws.data.server().close().then(() => (report(id).serverClosedMs = Date.now() - started))
      return
    }
    default:
      ws.send(`unknown command ${name}`)
  }
}

const websocket: WebSocketHandler<SocketData> = {
  maxPayloadLength: MAX_PAYLOAD,
  perMessageDeflate: DEFLATE,
  open(ws) {
    const entry = report(ws.data.id)
    entry.protocol = ws.protocol
    entry.extensions = ws.extensions
    // '/cmd' keeps the default binaryType (Bun's 'nodebuffer'), which its `kind` command reports.
    if (ws.data.route !== '/cmd') ws.binaryType = 'uint8array'
    if (ws.data.flood !== null) produce(ws, ws.data.flood)
  },
  message(ws, message) {
    switch (ws.data.route) {
      case '/echo':
        ws.send(message, ws.data.compress)
        return
      case '/cmd':
        if (typeof message !== 'string' && decoder.decode(message) === 'kind') {
          ws.send(`kind ${ws.binaryType} ${Buffer.isBuffer(message) ? 'Buffer' : message.constructor.name}`)
          return
        }
        command(ws, typeof message === 'string' ? message : decoder.decode(message))
        return
    }
  },
  drain(ws) {
    const flood = ws.data.flood
    if (flood === null) return
    flood.drains++
    produce(ws, flood)
  },
  ping(ws, data) {
    if (ws.data.route === '/cmd') ws.send(`got-ping ${decoder.decode(data)}`)
  },
  pong(ws, data) {
    if (ws.data.route === '/cmd') ws.send(`pong ${decoder.decode(data)}`)
  },
  close(ws, code, reason) {
    report(ws.data.id).close = { code, reason }
  },
}

const options: ServeOptions = {
  hostname: '127.0.0.1',
  gracefulTimeout: env('GRACEFUL_TIMEOUT', 10_000),
  log: (message, error) => console.error(message, error),
  onListen: () => {},
}

/** The Bun-shaped app of one server (`server` is that server, for publish and close). */
function makeApp(server: () => Server): { fetch(request: Request, info: ServeInfo): Promise<Response>; websocket: WebSocketHandler<unknown> } {
  return {
    async fetch(request, info) {
      const url = new URL(request.url)
      const id = url.searchParams.get('id') ?? ''
      switch (url.pathname) {
        case '/':
          return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } })
        case '/report':
          return Response.json(report(id))
        case '/closable': {
          let closable: Server | null = null
          closable = await serve(makeApp(() => closable!), { ...options, port: 0 }).ready()
          return new Response(closable.url.replace(/^http/, 'ws'))
        }
        case '/echo':
        case '/cmd':
        case '/flood': {
          const offered = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim())
          const protocol = SUBPROTOCOLS.find((p) => offered.includes(p))
          const headers = new Headers({ 'set-cookie': `portico-ws=${id}; Path=/` })
          if (url.pathname === '/cmd' && protocol !== undefined) headers.set('sec-websocket-protocol', protocol)
          const flood = url.pathname !== '/flood' ? null : {
            total: Number(url.searchParams.get('total') ?? 1 << 20),
            size: Number(url.searchParams.get('size') ?? 1 << 16),
            sent: 0, sends: 0, waits: 0, drains: 0, dropped: 0, maxBuffered: 0, done: false,
          }
          report(id).flood = flood
          const data: SocketData = { route: url.pathname, id, compress: url.searchParams.get('compress') === '1', request, server, flood }
          request.signal.addEventListener('abort', () => (report(id).signalAborted = true), { once: true })
          if (info.upgrade(request, { data, headers })) return undefined as unknown as Response
          return new Response('expected a WebSocket upgrade', { status: 400 })
        }
        default:
          return new Response('not found', { status: 404 })
      }
    },
    websocket: websocket as WebSocketHandler<unknown>,
  }
}

let main: Server | null = null
main = await serve(makeApp(() => main!), { ...options, port: env('PORT', 0) }).ready()
console.log(`LISTENING ${main.url}`)

process.on('SIGTERM', () => {
  void main!.close().then(() => process.exit(0))
})
