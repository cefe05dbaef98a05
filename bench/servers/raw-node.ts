/** Raw node:net server: canned answers per request (see `raw.ts`), the ceiling of JS on Node's sockets. */
import net from 'node:net'
import { benchPort, listeningLine } from './app.ts'
import { answers, RequestCounter } from './raw.ts'

const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  const counter = new RequestCounter()
  socket.on('data', (chunk: Buffer) => {
    const { requests, close } = counter.feed(chunk.toString('latin1'))
    if (requests === 0) return
    if (close) socket.end(answers(requests, close))
    else socket.write(answers(requests, close))
  })
  socket.on('error', () => socket.destroy())
})

const port = benchPort(process.env)
server.listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
