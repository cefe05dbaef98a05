/**
 * Opens `--sockets` WebSocket connections to 127.0.0.1:`--port`, echoes one short text message
 * on each (so every socket has been through the server's message path once), prints
 * `HELD <n>` and keeps them open until stdin closes or `--seconds` pass. The client of
 * bench/ws-idle.ts; raw node:net sockets, no WebSocket library.
 *
 * Usage: ws-idle-client.ts --port P [--sockets N] [--seconds T]
 * @module
 */
import { connect, type Socket } from 'node:net'
import process from 'node:process'

const args = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : Number(args[i + 1])
}
const port = option('--port', 8000)
const sockets = option('--sockets', 2000)
const seconds = option('--seconds', 60)

const UPGRADE = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
const KEY = [1, 2, 3, 4]
const PAYLOAD = Buffer.from('hello')
/** A masked text frame "hello" (RFC 6455 §5.3: client frames are masked). */
const FRAME = Buffer.from([0x81, 0x80 | PAYLOAD.length, ...KEY, ...PAYLOAD.map((b, i) => b ^ KEY[i % 4]!)])
/** The echo: an unmasked text frame of the same payload. */
const ECHO_BYTES = 2 + PAYLOAD.length

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(UPGRADE))
    let received = Buffer.alloc(0)
    let upgraded = false
    const onData = (data: Buffer): void => {
      received = Buffer.concat([received, data])
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n')
        if (end === -1) return
        if (!received.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(received.toString('latin1')))
        upgraded = true
        received = received.subarray(end + 4)
        socket.write(FRAME)
      }
      if (received.length >= ECHO_BYTES) {
        socket.off('data', onData)
        resolve(socket)
      }
    }
    socket.on('data', onData)
    socket.on('error', reject)
  })
}

const timer = setTimeout(() => process.exit(0), seconds * 1000)
const held: Socket[] = []
// In batches, so that the server's accept backlog is never the limit.
for (let i = 0; i < sockets; i += 100) held.push(...(await Promise.all(Array.from({ length: Math.min(100, sockets - i) }, open))))
for (const socket of held) socket.on('error', () => {})
console.log(`HELD ${held.length}`)
process.stdin.resume().on('end', () => {
  clearTimeout(timer)
  for (const socket of held) socket.destroy()
  process.exit(0)
})
