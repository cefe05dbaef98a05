/** Raw Bun.listen server: canned answers per request (see `raw.ts`), the ceiling of JS on Bun's sockets. */
import { benchPort, listeningLine } from './app.ts'
import { answers, RequestCounter } from './raw.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
interface Socket {
  data: RequestCounter
  write(bytes: Uint8Array): number
  end(bytes?: Uint8Array): number
}
declare const Bun: {
  listen(options: {
    hostname: string
    port: number
    socket: { open(socket: Socket): void; data(socket: Socket, chunk: Buffer): void }
  }): unknown
  env: Record<string, string | undefined>
}

const port = benchPort(Bun.env)
Bun.listen({
  hostname: '127.0.0.1',
  port,
  socket: {
    open(socket) {
      socket.data = new RequestCounter()
    },
    data(socket, chunk) {
      const { requests, close } = socket.data.feed(chunk.toString('latin1'))
      if (requests === 0) return
      // The answers are a few dozen bytes: the send buffer always takes them whole.
      if (close) socket.end(answers(requests, close))
      else socket.write(answers(requests, close))
    },
  },
})
console.log(listeningLine(port))
