/** Raw node:net server: canned answers per request (see `raw.ts`), the floor of JS on Node's sockets. */
import net from 'node:net'
import { benchPort, listeningLine } from './app.ts'
import { RequestFramer } from './raw.ts'

const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  const framer = new RequestFramer()
  socket.on('data', (chunk: Buffer) => {
    const { bytes, close } = framer.feed(chunk.toString('latin1'))
    if (close) socket.end(bytes)
    else if (bytes.length > 0) socket.write(bytes)
  })
  socket.on('error', () => socket.destroy())
})

const port = benchPort(process.env)
server.listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
