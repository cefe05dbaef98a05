/**
 * A raw WebSocket client over TCP for the tests that must control the bytes: the opening
 * handshake is written by hand (so it can offer permessage-deflate without a client that
 * inflates), frames are built with tests/vectors/ws-client.ts (masked, any RSV bits), and
 * the server's frames are parsed here without any check of our own, so that what the server
 * sent is what the test sees. Reading can be paused (`socket.pause()`) to play a slow
 * consumer, and frames can be counted without being kept (`onFrame`).
 * @module
 */
import { connect, type Socket } from 'node:net'

/** One frame from the server. */
export interface ServerFrame {
  fin: boolean
  /** RSV1: the frame's message is compressed (permessage-deflate). */
  rsv1: boolean
  opcode: number
  /** A view into the received bytes. */
  payload: Buffer
}

/** Options of `RawWebSocket.open`. */
export interface RawOpenOptions {
  port: number
  /** Request target, e.g. `/echo?id=x`. */
  path: string
  /** Extra header lines, e.g. `Sec-WebSocket-Extensions: permessage-deflate`. */
  headers?: string[]
  timeoutMs?: number
}

/** The close code of a Close frame's payload (1005 when it has none). */
export function closeCode(frame: ServerFrame): number {
  return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005
}

/** See the module comment. */
export class RawWebSocket {
  readonly socket: Socket
  /** The response head, up to its blank line. */
  head = ''
  /** Called for every frame instead of queueing it, when set. */
  onFrame: ((frame: ServerFrame) => void) | null = null
  /** Set once the server's side has ended (FIN or error). */
  ended = false
  private buffer: Buffer = Buffer.alloc(0)
  private readonly queue: ServerFrame[] = []
  private wake: (() => void) | null = null
  private readonly endedPromise: Promise<void>

  private constructor(socket: Socket) {
    this.socket = socket
    this.endedPromise = new Promise<void>((resolve) => {
      const done = (): void => {
        this.ended = true
        this.wake?.()
        resolve()
      }
      socket.once('close', done)
      socket.once('end', done)
    })
    socket.on('error', () => {})
  }

  /** Connects, sends the opening handshake, and resolves once the whole response head is read. */
  static open(options: RawOpenOptions): Promise<RawWebSocket> {
    const socket = connect({ port: options.port, host: '127.0.0.1' })
    const client = new RawWebSocket(socket)
    const lines = [
      `GET ${options.path} HTTP/1.1`,
      `Host: 127.0.0.1:${options.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      ...(options.headers ?? []),
    ]
    return new Promise<RawWebSocket>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('no response head')), options.timeoutMs ?? 10_000)
      const fail = (error: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      }
      let received = Buffer.alloc(0)
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk])
        const end = received.indexOf('\r\n\r\n')
        if (end === -1) return
        clearTimeout(timer)
        socket.off('data', onData).off('error', fail)
        client.head = received.subarray(0, end).toString('latin1')
        socket.on('data', (data: Buffer) => client.receive(data))
        client.receive(received.subarray(end + 4))
        resolve(client)
      }
      socket.on('data', onData).once('error', fail)
      socket.once('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n'))
    })
  }

  /** The response's status code. */
  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.head)?.[1] ?? 0)
  }

  /** Every value of a response header (names case-insensitive). */
  header(name: string): string[] {
    const prefix = `${name.toLowerCase()}:`
    return this.head.split('\r\n').slice(1)
      .filter((line) => line.toLowerCase().startsWith(prefix))
      .map((line) => line.slice(prefix.length).trim())
  }

  /** Writes bytes (a whole frame, several, or part of one). */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())))
  }

  /** The next frame; rejects after `ms`, or when the server ended before sending one. */
  async next(ms = 10_000): Promise<ServerFrame> {
    const deadline = Date.now() + ms
    for (;;) {
      const frame = this.queue.shift()
      if (frame !== undefined) return frame
      if (this.ended) throw new Error('the server closed the connection')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no frame within ${ms} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          this.wake = null
          resolve()
        }
      })
    }
  }

  /** Frames until a Close (included) or the end of the connection. */
  async untilClose(ms = 10_000): Promise<ServerFrame[]> {
    const frames: ServerFrame[] = []
    for (;;) {
      let frame: ServerFrame
      try {
        frame = await this.next(ms)
      } catch (error) {
        if (this.ended) return frames
        throw error
      }
      frames.push(frame)
      if (frame.opcode === 8) return frames
    }
  }

  /** Resolves once the server has ended the connection, or rejects after `ms`. */
  waitEnded(ms = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    return Promise.race([
      this.endedPromise,
      new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms))),
    ]).finally(() => clearTimeout(timer))
  }

  destroy(): void {
    this.socket.destroy()
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (;;) {
      const buffer = this.buffer
      if (buffer.length < 2) return
      let length = buffer[1]! & 0x7f
      let at = 2
      if (length === 126) {
        if (buffer.length < 4) return
        length = buffer.readUInt16BE(2)
        at = 4
      } else if (length === 127) {
        if (buffer.length < 10) return
        length = Number(buffer.readBigUInt64BE(2))
        at = 10
      }
      if ((buffer[1]! & 0x80) !== 0) at += 4 // a masked server frame: kept as is, the test will see it
      if (buffer.length < at + length) return
      const frame: ServerFrame = {
        fin: (buffer[0]! & 0x80) !== 0,
        rsv1: (buffer[0]! & 0x40) !== 0,
        opcode: buffer[0]! & 0x0f,
        payload: buffer.subarray(at, at + length),
      }
      this.buffer = buffer.subarray(at + length)
      if (this.onFrame !== null) this.onFrame(frame)
      else {
        this.queue.push(frame)
        this.wake?.()
      }
    }
  }
}
