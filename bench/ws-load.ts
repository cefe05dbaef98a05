/**
 * The WebSocket load generator of `npm run bench:ws` (bench/ws.ts): C connections to an echo
 * server, each keeping W messages in flight. Raw node:net sockets (it runs under Node or Bun),
 * frames built and masked once before the run: a full window is one buffer of W masked frames,
 * and every echo received frees a slot that is refilled from a slice of it, so the generator's
 * work per message is counting one small header and at most one `write` per incoming chunk.
 * The echoes are only counted (opcode and length checked), not compared; `--check` does
 * compare them, byte for byte, before a server is loaded.
 *
 * Bounded: it stops after `--seconds`, or once `--max-messages` echoes came back, whichever is
 * first, and exits (a hard timer ends it regardless). Prints one line
 * `WSLOAD_JSON {"messages", "bytes", "durationUs", "cpuUs", "connections", "errors", …}`:
 * echoed messages and payload bytes received in the measured interval (from the first send to
 * the stop), and the generator's own CPU time (user + system) over that interval.
 *
 * Usage: ws-load.ts --port P [--connections C] [--size S] [--binary] [--window W]
 *        [--seconds T] [--max-messages M] [--check]
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import process from 'node:process'

interface Options {
  host: string
  port: number
  connections: number
  size: number
  binary: boolean
  window: number
  seconds: number
  maxMessages: number
  check: boolean
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    host: '127.0.0.1', port: 8000, connections: 64, size: 32, binary: false, window: 16, seconds: 5,
    maxMessages: 100_000_000, check: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = (): number => Number(argv[++i])
    if (arg === '--port') options.port = value()
    else if (arg === '--host') options.host = argv[++i]!
    else if (arg === '--connections') options.connections = value()
    else if (arg === '--size') options.size = value()
    else if (arg === '--binary') options.binary = true
    else if (arg === '--window') options.window = value()
    else if (arg === '--seconds') options.seconds = value()
    else if (arg === '--max-messages') options.maxMessages = value()
    else if (arg === '--check') options.check = true
    else throw new Error(`unknown argument ${arg}`)
  }
  return options
}

// ---- Frames -------------------------------------------------------------------------------

const OP_TEXT = 1
const OP_BINARY = 2
const OP_CLOSE = 8

/** A client frame (RFC 6455 §5.2): FIN, `opcode`, masked with `mask`. */
function clientFrame(opcode: number, payload: Uint8Array, mask: Uint8Array): Uint8Array {
  const n = payload.length
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10
  const frame = new Uint8Array(head + 4 + n)
  frame[0] = 0x80 | opcode
  if (n < 126) frame[1] = 0x80 | n
  else if (n < 0x10000) {
    frame[1] = 0x80 | 126
    frame[2] = n >>> 8
    frame[3] = n & 0xff
  } else {
    frame[1] = 0x80 | 127
    new DataView(frame.buffer).setBigUint64(2, BigInt(n))
  }
  frame.set(mask, head)
  for (let i = 0; i < n; i++) frame[head + 4 + i] = payload[i]! ^ mask[i & 3]!
  return frame
}

/** A payload: printable ASCII for text (valid UTF-8), random bytes for binary. */
function payloadOf(size: number, binary: boolean): Uint8Array {
  if (binary) return new Uint8Array(randomBytes(size))
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = 0x61 + (i % 26)
  return bytes
}

// ---- Handshake ------------------------------------------------------------------------------

const KEY = randomBytes(16).toString('base64')
const ACCEPT = createHash('sha1').update(KEY + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')

/** Where a connection's bytes go: the handshake first, then the load. */
interface Reader {
  onData: (chunk: Uint8Array) => void
}

/**
 * Node reads every socket into this one buffer (`onread`): no Buffer allocated and no 'data'
 * event emitted per read. The bytes are parsed at once and never kept, so one buffer serves
 * every connection (callbacks run one at a time).
 */
const READ_BUFFER = new Uint8Array(256 * 1024)
const useOnread = typeof (globalThis as { Bun?: unknown }).Bun !== 'object' && process.env.WSLOAD_ONREAD !== '0'

/** Opens one WebSocket; resolves with the socket, any bytes that followed the 101, and its reader. */
function connect(options: Options): Promise<{ socket: net.Socket; rest: Uint8Array; reader: Reader }> {
  return new Promise((resolve, reject) => {
    const reader: Reader = { onData: () => {} }
    const socket = useOnread
      ? net.connect({
        host: options.host, port: options.port, noDelay: true,
        onread: { buffer: READ_BUFFER, callback: (n: number, buffer: Uint8Array) => (reader.onData(buffer.subarray(0, n)), true) },
      })
      : net.connect({ host: options.host, port: options.port, noDelay: true }).on('data', (chunk: Buffer) => reader.onData(chunk))
    let head = Buffer.alloc(0)
    const timer = setTimeout(() => fail(new Error('no 101 within 10 s')), 10_000)
    const fail = (error: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    reader.onData = (chunk: Uint8Array): void => {
      head = Buffer.concat([head, chunk]) // a copy: the read buffer is reused
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      reader.onData = () => {}
      socket.off('error', fail)
      clearTimeout(timer)
      const text = head.subarray(0, end).toString('latin1')
      if (!/^HTTP\/1\.1 101 /.test(text) || !text.toLowerCase().includes(`sec-websocket-accept: ${ACCEPT.toLowerCase()}`)) {
        socket.destroy()
        reject(new Error(`not a WebSocket handshake:\n${text}`))
        return
      }
      resolve({ socket, rest: head.subarray(end + 4), reader })
    }
    socket.on('error', fail)
    socket.write(
      `GET / HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
  })
}

// ---- Load -----------------------------------------------------------------------------------

interface Totals {
  messages: number
  bytes: number
  sent: number
  errors: string[]
  running: boolean
}

/** What every connection of a run shares. */
interface Run {
  /** `window` masked frames back to back. */
  window: Uint8Array
  frameBytes: number
  opcode: number
  /** Payload bytes per message. */
  size: number
  totals: Totals
  /** Messages to send in all (`--max-messages`). */
  limit: number
}

/**
 * One connection: counts echoed frames in whatever chunks arrive (a header may be split
 * across chunks) and sends one new frame per echo, in one write per chunk.
 */
class LoadConnection {
  private readonly header = new Uint8Array(10)
  private headerLength = 0
  private headerNeed = 2
  /** Payload bytes of the current frame still to skip. */
  private skip = 0
  private frameLength = 0
  private opcode = 0

  private readonly socket: net.Socket
  private readonly window: Uint8Array
  private readonly frameBytes: number
  private readonly expectOpcode: number
  private readonly expectLength: number
  private readonly totals: Totals
  private readonly limit: number

  constructor(socket: net.Socket, reader: Reader, run: Run) {
    this.socket = socket
    this.window = run.window
    this.frameBytes = run.frameBytes
    this.expectOpcode = run.opcode
    this.expectLength = run.size
    this.totals = run.totals
    this.limit = run.limit
    reader.onData = (chunk) => this.onData(chunk)
    socket.on('error', (error) => this.failed(error.message))
    socket.on('close', () => this.failed('closed by the server'))
  }

  start(): void {
    this.send(this.window.length / this.frameBytes)
  }

  stop(): void {
    this.socket.removeAllListeners('close')
    this.socket.destroy()
  }

  private failed(why: string): void {
    if (this.totals.running) this.totals.errors.push(why)
  }

  private send(frames: number): void {
    const totals = this.totals
    if (!totals.running) return
    const n = Math.min(frames, this.limit - totals.sent)
    if (n <= 0) return
    totals.sent += n
    this.socket.write(n * this.frameBytes === this.window.length ? this.window : this.window.subarray(0, n * this.frameBytes))
  }

  private onData(chunk: Uint8Array): void {
    let done = 0
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i)
        this.skip -= take
        i += take
        if (this.skip === 0) done += this.endFrame()
        continue
      }
      if (this.headerLength === 0 && n - i >= 10) {
        // Fast path: the whole header is in this chunk (always, for echoes in one piece).
        const l7 = chunk[i + 1]! & 0x7f
        this.opcode = chunk[i]! & 0x0f
        if (l7 < 126) {
          this.frameLength = l7
          i += 2
        } else if (l7 === 126) {
          this.frameLength = (chunk[i + 2]! << 8) | chunk[i + 3]!
          i += 4
        } else {
          this.frameLength = ((chunk[i + 6]! << 24) >>> 0) + ((chunk[i + 7]! << 16) | (chunk[i + 8]! << 8) | chunk[i + 9]!)
          i += 10
        }
        const end = i + this.frameLength
        if (end <= n) {
          i = end
          done += this.endFrame()
        } else {
          this.skip = end - n
          i = n
        }
        continue
      }
      // A header split across chunks: collect it byte by byte.
      this.header[this.headerLength++] = chunk[i++]!
      if (this.headerLength === 2) {
        const l7 = this.header[1]! & 0x7f
        this.headerNeed = l7 < 126 ? 2 : l7 === 126 ? 4 : 10
      }
      if (this.headerLength < this.headerNeed) continue
      const h = this.header
      this.opcode = h[0]! & 0x0f
      const l7 = h[1]! & 0x7f
      this.frameLength = l7 < 126 ? l7 : l7 === 126 ? (h[2]! << 8) | h[3]! : ((h[6]! << 24) >>> 0) + ((h[7]! << 16) | (h[8]! << 8) | h[9]!)
      this.headerLength = 0
      this.headerNeed = 2
      this.skip = this.frameLength
      if (this.skip === 0) done += this.endFrame()
    }
    if (done > 0) {
      this.totals.messages += done
      this.send(done)
    }
  }

  /** 1 when the frame was an echo, 0 otherwise (a server ping, say). */
  private endFrame(): number {
    if (this.opcode === this.expectOpcode && this.frameLength === this.expectLength) {
      this.totals.bytes += this.frameLength
      return 1
    }
    if (this.opcode === OP_CLOSE) this.failed('close frame from the server')
    else if (this.opcode < 8) this.failed(`unexpected frame: opcode ${this.opcode}, ${this.frameLength} bytes`)
    return 0
  }

}

async function load(options: Options): Promise<void> {
  const mask = new Uint8Array(randomBytes(4))
  const frame = clientFrame(options.binary ? OP_BINARY : OP_TEXT, payloadOf(options.size, options.binary), mask)
  const window = new Uint8Array(frame.length * options.window)
  for (let i = 0; i < options.window; i++) window.set(frame, i * frame.length)
  const totals: Totals = { messages: 0, bytes: 0, sent: 0, errors: [], running: true }
  const run: Run = {
    window, frameBytes: frame.length, opcode: options.binary ? OP_BINARY : OP_TEXT, size: options.size, totals,
    limit: options.maxMessages,
  }

  const opened = await Promise.allSettled(Array.from({ length: options.connections }, () => connect(options)))
  const failures = opened.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  const connections: LoadConnection[] = []
  for (const r of opened) {
    if (r.status !== 'fulfilled') continue
    if (r.value.rest.length > 0) totals.errors.push('data before the first message')
    connections.push(new LoadConnection(r.value.socket, r.value.reader, run))
  }
  for (const f of failures.slice(0, 3)) totals.errors.push(`connect: ${String(f.reason)}`)

  console.log('WSLOAD_START')
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (const c of connections) c.start()
  // Stop at the deadline or once `--max-messages` echoes are back, whichever comes first.
  const end = t0 + options.seconds * 1000
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (performance.now() < end && totals.messages < options.maxMessages) return
      clearInterval(poll)
      resolve()
    }, 5)
  })
  const durationUs = (performance.now() - t0) * 1000
  const cpu = process.cpuUsage(cpu0)
  const result = {
    messages: totals.messages,
    bytes: totals.bytes,
    durationUs: Math.round(durationUs),
    cpuUs: cpu.user + cpu.system,
    cpuUserUs: cpu.user,
    connections: connections.length,
    failedConnections: failures.length,
    window: options.window,
    size: options.size,
    binary: options.binary,
    errors: [...new Set(totals.errors)].slice(0, 5),
    errorCount: totals.errors.length,
    runtime: typeof (globalThis as { Bun?: unknown }).Bun === 'object' ? 'bun' : 'node',
  }
  totals.running = false
  for (const c of connections) c.stop()
  console.log(`WSLOAD_JSON ${JSON.stringify(result)}`)
}

// ---- Check ------------------------------------------------------------------------------------

/**
 * One connection: a text message with multi-byte UTF-8 and a 70,000-byte binary message (a
 * 64-bit length), each sent in two fragments, must come back whole and byte for byte.
 */
async function check(options: Options): Promise<void> {
  const { socket, rest, reader } = await connect(options)
  const mask = new Uint8Array(randomBytes(4))
  const text = new TextEncoder().encode('echo ✓ check — ' + 'x'.repeat(200))
  const binary = payloadOf(70_000, true)
  const fragments = (opcode: number, payload: Uint8Array): Uint8Array[] => {
    const half = payload.length >> 1
    const first = clientFrame(opcode, payload.subarray(0, half), mask)
    first[0] = opcode // FIN clear
    return [first, clientFrame(0, payload.subarray(half), mask)]
  }
  let received = Buffer.from(rest)
  const frames: { opcode: number; payload: Buffer }[] = []
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`check: ${frames.length} of 2 echoes within 10 s`)), 10_000)
    socket.on('error', reject)
    reader.onData = (chunk: Uint8Array) => {
      received = Buffer.concat([received, chunk])
      for (;;) {
        if (received.length < 2) return
        const l7 = received[1]! & 0x7f
        const head = l7 < 126 ? 2 : l7 === 126 ? 4 : 10
        if (received.length < head) return
        const length = l7 < 126 ? l7 : l7 === 126 ? received.readUInt16BE(2) : Number(received.readBigUInt64BE(2))
        if (received.length < head + length) return
        if ((received[0]! & 0x80) === 0) return reject(new Error('check: the server fragmented an echo'))
        frames.push({ opcode: received[0]! & 0x0f, payload: received.subarray(head, head + length) })
        received = received.subarray(head + length)
        if (frames.length === 2) {
          clearTimeout(timer)
          resolve()
        }
      }
    }
  })
  for (const part of [...fragments(OP_TEXT, text), ...fragments(OP_BINARY, binary)]) socket.write(part)
  await done
  socket.destroy()
  const ok = frames[0]!.opcode === OP_TEXT && Buffer.from(text).equals(frames[0]!.payload) &&
    frames[1]!.opcode === OP_BINARY && Buffer.from(binary).equals(frames[1]!.payload)
  if (!ok) throw new Error(`check: wrong echoes (opcodes ${frames.map((f) => f.opcode)}, lengths ${frames.map((f) => f.payload.length)})`)
  console.log('WSLOAD_CHECK ok')
}

const options = parseArgs(process.argv.slice(2))
// Bounded whatever happens: connecting, the run and the exit.
setTimeout(() => {
  console.error('ws-load: hard timeout')
  process.exit(2)
}, (options.seconds + 30) * 1000).unref()
try {
  await (options.check ? check(options) : load(options))
  process.exit(0)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
