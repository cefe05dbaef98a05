/** Raw Bun.listen server: canned answers per request (see `raw.ts`), the floor of JS on Bun's sockets. */
import { benchPort, listeningLine } from './app.ts'
import { RequestFramer } from './raw.ts'

/** Per socket: its framer, and what the kernel did not take yet (written on `drain`). */
interface State {
  framer: RequestFramer
  pending: Uint8Array | null
  closeWhenWritten: boolean
}
// Declared locally: tsc checks bench/ with Node types only (see runtimes/bun.ts).
interface Socket {
  data: State
  write(bytes: Uint8Array): number
  end(): void
}
declare const Bun: {
  listen(options: {
    hostname: string
    port: number
    socket: { open(socket: Socket): void; data(socket: Socket, chunk: Buffer): void; drain(socket: Socket): void }
  }): unknown
  env: Record<string, string | undefined>
}

/** Writes what is pending; ends the socket once all is written if it must close. */
function flush(socket: Socket): void {
  const state = socket.data
  if (state.pending !== null) {
    const written = socket.write(state.pending)
    state.pending = written < state.pending.length ? state.pending.subarray(Math.max(0, written)) : null
  }
  if (state.pending === null && state.closeWhenWritten) socket.end()
}

const port = benchPort(Bun.env)
Bun.listen({
  hostname: '127.0.0.1',
  port,
  socket: {
    open(socket) {
      socket.data = { framer: new RequestFramer(), pending: null, closeWhenWritten: false }
    },
    data(socket, chunk) {
      const state = socket.data
      const { bytes, close } = state.framer.feed(chunk.toString('latin1'))
      state.closeWhenWritten ||= close
      if (bytes.length === 0 && !close) return
      if (state.pending === null) state.pending = bytes
      else {
        // Rare: the client sent more while the kernel had not taken our last answers.
        const joined = new Uint8Array(state.pending.length + bytes.length)
        joined.set(state.pending)
        joined.set(bytes, state.pending.length)
        state.pending = joined
      }
      flush(socket)
    },
    drain: flush,
  },
})
console.log(listeningLine(port))
