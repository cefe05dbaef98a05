// Driving the HTTP/1.1 engine by hand, h11-style: no sockets, no runtime APIs. Bytes go in
// with receive(), events come out of next(); response events go in with send(), and the
// bytes it returns are what you write to your socket. Your own I/O goes at those two ends.
//   node --import tsx examples/sans-io.ts    (also: deno run examples/sans-io.ts · bun examples/sans-io.ts)
// In your project, import from 'portico/core' (JSR: '@portico/server/core').
import { Connection, NEED_DATA, PAUSED, type ServerEvent } from '../core/mod.ts'

// Two pipelined requests, the first with a chunked body, cut where a socket might cut them:
// inside the head, inside chunk data, between a CR and its LF, across the request boundary.
const PIECES = [
  'POST /upload HTTP/1.1\r\nHo',
  'st: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
  'lo\r\n6\r',
  '\n world\r\n0\r\n\r\nGET /str',
  'eam HTTP/1.1\r\nHost: example.com\r\n\r\n',
]

const encoder = new TextEncoder()
/** Bytes shown as a JSON string: one char per byte, so CR and LF are visible. */
const show = (bytes: Uint8Array): string => JSON.stringify(String.fromCharCode(...bytes))

/** Runs the whole exchange and returns what it prints, line by line. */
export function run(): string[] {
  const lines: string[] = []
  // A fixed clock, so the Date header is the same on every run; pass Date.now in real code.
  const conn = new Connection({ clock: () => Date.UTC(2025, 0, 1, 12) })
  let body = ''

  // What you would hand to socket.write().
  const write = (bytes: Uint8Array): void => void lines.push(`-> ${show(bytes)}`)

  const describe = (event: ServerEvent): string => {
    switch (event.type) {
      case 'request':
        return `request ${event.method} ${event.target} HTTP/${event.version} contentLength=${event.contentLength}`
      case 'data':
        return `data ${show(event.bytes)}`
      case 'end':
        return `end trailers=${JSON.stringify(event.trailers)}`
      case 'closed':
        return 'closed'
    }
  }

  // The app: answer the request whose body has just ended.
  const respond = (): void => {
    const request = conn.currentRequest!
    if (request.target === '/upload') {
      // Known length: one Content-Length response.
      const reply = encoder.encode(`got ${JSON.stringify(body)}`)
      write(conn.send({ type: 'response', status: 200, headers: ['Content-Type', 'text/plain'], contentLength: reply.length }))
      write(conn.send({ type: 'data', bytes: reply }))
      write(conn.send({ type: 'end' }))
    } else {
      // No length given: the engine picks chunked framing (HTTP/1.1) and frames each send.
      write(conn.send({ type: 'response', status: 200, headers: ['Content-Type', 'text/plain'] }))
      for (const part of ['first,', 'second']) write(conn.send({ type: 'data', bytes: encoder.encode(part) }))
      write(conn.send({ type: 'end' }))
    }
  }

  // Pull events until the engine needs more bytes (go read the socket) or waits for us.
  const pump = (): void => {
    for (;;) {
      const event = conn.next()
      if (event === NEED_DATA) return void lines.push('   NEED_DATA')
      if (event === PAUSED) {
        // The request is complete and the next one (if any) waits until we have answered.
        lines.push('   PAUSED')
        respond()
        body = ''
        continue
      }
      lines.push(`   ${describe(event)}`)
      // Data views are only valid until the next receive(): copy what you keep.
      if (event.type === 'data') body += new TextDecoder().decode(event.bytes)
      if (event.type === 'closed') return
    }
  }

  for (const piece of PIECES) {
    const bytes = encoder.encode(piece)
    lines.push(`<- ${show(bytes)}`)
    conn.receive(bytes)
    pump()
  }
  // The peer closed its side: an empty chunk means EOF, as in h11.
  lines.push('<- EOF')
  conn.receive(new Uint8Array(0))
  pump()
  return lines
}

// Print only when run as a program, not when a test imports run(). Deno and Bun set
// import.meta.main; elsewhere (Node), compare the entry script with this module.
const argv1 = globalThis.process?.argv?.[1]
const isMain = (import.meta as { main?: boolean }).main ??
  (argv1 !== undefined && decodeURI(import.meta.url).endsWith(argv1.replaceAll('\\', '/')))
if (isMain) for (const line of run()) console.log(line)
