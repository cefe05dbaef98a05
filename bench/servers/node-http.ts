/** node:http with a plain (req, res) handler: the baseline Node server for the benchmark routes. */
import http from 'node:http'
import { once } from 'node:events'
import { benchPort, CHUNK_BYTES, listeningLine, STREAM_CHUNKS } from './app.ts'

const HELLO = 'Hello, World!'
const ZEROS = new Uint8Array(CHUNK_BYTES)

async function stream(res: http.ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream' })
  for (let i = 0; i < STREAM_CHUNKS; i++) {
    if (!res.write(ZEROS)) await once(res, 'drain')
  }
  res.end()
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url === '/plaintext')) {
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': HELLO.length })
    res.end(HELLO)
  } else if (req.method === 'POST' && req.url === '/post') {
    let length = 0
    req.on('data', (chunk: Buffer) => (length += chunk.length))
    req.on('end', () => {
      const body = String(length)
      res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': body.length })
      res.end(body)
    })
  } else if (req.method === 'GET' && req.url === '/stream') {
    stream(res).catch(() => res.destroy())
  } else {
    res.writeHead(404).end('Not Found')
  }
})

const port = benchPort(process.env)
server.listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
