/** Raw Deno.listen server: canned answers per request (see `raw.ts`), the floor of JS on Deno's sockets. */
import { benchPort, listeningLine } from './app.ts'
import { RequestFramer } from './raw.ts'

// Declared locally: tsc checks bench/ with Node types only (see runtimes/deno.ts).
interface Conn {
  read(buffer: Uint8Array): Promise<number | null>
  write(bytes: Uint8Array): Promise<number>
  close(): void
  setNoDelay(noDelay?: boolean): void
}
declare const Deno: {
  listen(options: { hostname: string; port: number }): AsyncIterable<Conn>
  env: { toObject(): Record<string, string> }
}

const decoder = new TextDecoder('latin1')

async function writeAll(conn: Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += await conn.write(bytes.subarray(at))
}

async function handle(conn: Conn): Promise<void> {
  conn.setNoDelay(true)
  const framer = new RequestFramer()
  const buffer = new Uint8Array(64 * 1024)
  try {
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      const { bytes, close } = framer.feed(decoder.decode(buffer.subarray(0, n)))
      if (bytes.length > 0) await writeAll(conn, bytes)
      if (close) break
    }
  } catch {
    // reset by the peer
  }
  try {
    conn.close()
  } catch {
    // already closed
  }
}

const port = benchPort(Deno.env.toObject())
const listener = Deno.listen({ hostname: '127.0.0.1', port })
console.log(listeningLine(port))
for await (const conn of listener) void handle(conn)
