/**
 * node:http2 answering the benchmark routes (`bench/servers/app.ts`) on its core `stream` API,
 * the fastest form node:http2 offers: `createServer` (h2c, prior knowledge) on a plain port, or
 * `createSecureServer` (h2 through ALPN) with `BENCH_TLS=1`. The baseline Node HTTP/2 server.
 */
import http2 from 'node:http2'
import process from 'node:process'
import { benchPort, CHUNK_BYTES, listeningLine, STREAM_CHUNKS } from './app.ts'
import { benchTls } from './tls.ts'

const HELLO = 'Hello, World!'
const ZEROS = new Uint8Array(CHUNK_BYTES)
const TEXT = 'text/plain;charset=UTF-8'

function answer(stream: http2.ServerHttp2Stream, status: number, body: string): void {
  stream.respond({ ':status': status, 'content-type': TEXT, 'content-length': Buffer.byteLength(body) })
  stream.end(body)
}

async function streamBody(stream: http2.ServerHttp2Stream): Promise<void> {
  stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' })
  for (let i = 0; i < STREAM_CHUNKS; i++) {
    if (!stream.write(ZEROS)) await new Promise((resolve) => stream.once('drain', resolve))
  }
  stream.end()
}

function onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  const method = headers[':method']
  const path = headers[':path']
  if (method === 'GET' && path === '/') {
    answer(stream, 200, HELLO)
  } else if (method === 'POST' && path === '/post') {
    let length = 0
    stream.on('data', (chunk: Buffer) => (length += chunk.length))
    stream.on('end', () => answer(stream, 200, String(length)))
  } else if (method === 'GET' && path === '/stream') {
    streamBody(stream).catch(() => stream.destroy())
  } else {
    answer(stream, 404, 'Not Found')
  }
}

const tls = benchTls(process.env)
const server = tls ? http2.createSecureServer(tls) : http2.createServer()
// A reset or broken stream is the client's business; without a listener it would crash the server.
server.on('stream', (stream, headers) => {
  stream.on('error', () => {})
  onStream(stream, headers)
})
const port = benchPort(process.env)
server.listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
