/**
 * One WebSocket connection after its 101: read → ws engine → the app's handlers, and the
 * socket's sends → engine → write. It owns the transport from the hand-off to the end.
 *
 * Invariants:
 * - Messages reach `message` one at a time, in wire order: a compressed one is inflated
 *   (injected codec, async) before the next event is read, as context takeover requires.
 *   Handlers are not awaited; a handler that throws or rejects closes
 *   the socket with 1011.
 * - Writes leave in the order they were made. While a compressed send is being deflated,
 *   later writes queue behind it.
 * - The frames written while the events of one read are handled (the echoes of a batch of
 *   pipelined messages, say) leave as one write, as uWebSockets corks them: one syscall per
 *   read instead of one per message. The cork (write-cork.ts) is never held across an await,
 *   holds at most `CORK_BYTES` and one more frame, and is flushed before anything that writes
 *   around it (a deflate, a failure, the end), so the order above holds. Small frames are
 *   built in the cork; large ones in the shared frame buffer when the transport takes writes
 *   at once (shared-frame-buffer.ts), else in an array of their own. Either way the payload is
 *   copied: the app may change its array once `send()` returns (uWebSockets copies too).
 * - Memory is bounded: inbound by `maxPayloadLength` (1009), outbound by
 *   `backpressureLimit` (sends beyond it are dropped and return 0, or close with 1008).
 * - `close` runs exactly once, with the code of the closing handshake, or 1006.
 * @module
 */
import type { ServerWebSocket, WebSocketHandler } from '../fetch/websocket-api.ts'
import { utf8Encode } from '../http/ascii.ts'
import { CloseCode } from '../ws/close.ts'
import { WebSocketConnection, type WebSocketOptions } from '../ws/connection.ts'
import { RemoteWebSocketError } from '../ws/errors.ts'
import { NEED_DATA, type MessageOpcode, type WebSocketSendEvent } from '../ws/events.ts'
import { finishMessage } from '../ws/finish-message.ts'
import { textFrameRoom } from '../ws/frame-serializer.ts'
import type { DeflateCodec } from '../ws/permessage-deflate.ts'
import { lingeringClose } from './linger.ts'
import { allocateSharedFrame, isSharedFrame, releaseFrameBuffer } from './shared-frame-buffer.ts'
import type { Runtime } from './runtime.ts'
import { PorticoWebSocket, type SocketSession } from './server-websocket.ts'
import type { Topics } from './topics.ts'
import type { Transport } from './transport.ts'
import type { WebSocketSettings } from './websocket-settings.ts'
import { CORK_BYTES, WriteCork } from './write-cork.ts'

/** Everything a session starts with, from the connection loop's hand-off. */
export interface SessionStart {
  transport: Transport
  /** Bytes that followed the upgrade request, and a read already in flight (or null). */
  rest: Uint8Array
  pendingRead: Promise<Uint8Array | null> | null
  /** The engine's options from the handshake; the session adds where frames are built. */
  engineOptions: WebSocketOptions
  codec: DeflateCodec | null
  data: unknown
  remoteAddress: string
  protocol: string
  extensions: string
  /** Called once, when the connection has ended. */
  onEnd: () => void
}

const EMPTY = new Uint8Array(0)
/** How long a close we started waits for the peer's Close before the TCP connection goes. */
const CLOSE_TIMEOUT_MS = 5000

/** See the module comment. */
export class WebSocketSession implements SocketSession {
  readonly socket: PorticoWebSocket
  readonly remoteAddress: string
  readonly protocol: string
  readonly extensions: string
  /** ms on the server clock when the session next needs attention (idle, close wait); 0: none. */
  deadline = 0
  private readonly handler: WebSocketHandler<unknown>
  private readonly start: SessionStart
  private readonly engine: WebSocketConnection
  private readonly transport: Transport
  private ended = false
  private awaitingPong = false
  /** Bytes handed to the transport whose write has not completed, plus those queued behind a deflate. */
  private pending = 0
  /** Frames held by a cork (`cork()`, or while dispatching a read's events). */
  private readonly corked: WriteCork
  /** The read in flight, if any: a close that starts meanwhile must reuse it. */
  private reading: Promise<Uint8Array | null> | null = null
  /** Writes wait here while a compressed message is being deflated. */
  private chain: Promise<void> | null = null
  private chained = 0

  private readonly settings: WebSocketSettings
  private readonly runtime: Runtime
  private readonly topics: Topics

  constructor(settings: WebSocketSettings, runtime: Runtime, topics: Topics, start: SessionStart) {
    this.settings = settings
    this.runtime = runtime
    this.topics = topics
    this.handler = settings.handler
    this.start = start
    this.transport = start.transport
    this.corked = new WriteCork(start.transport.writesAtOnce === true)
    this.engine = new WebSocketConnection({ ...start.engineOptions, allocateFrame: (size) => this.allocateFrame(size) })
    this.remoteAddress = start.remoteAddress
    this.protocol = start.protocol
    this.extensions = start.extensions
    this.socket = new PorticoWebSocket(this, start.data, runtime.nodeBuffer !== undefined)
  }

  get readyState(): 0 | 1 | 2 | 3 {
    if (this.ended) return 3
    return this.engine.state === 'open' ? 1 : 2
  }

  /** Opens the socket for the app, then reads until the connection ends. */
  async run(): Promise<void> {
    this.touch()
    this.call(this.handler.open)
    if (this.start.rest.length > 0) this.engine.receive(this.start.rest)
    let read = this.start.pendingRead
    try {
      while (!this.ended) {
        if (!(await this.dispatchEvents())) return
        let chunk: Uint8Array | null
        this.reading = read ?? this.transport.read()
        read = null
        try {
          chunk = await this.reading
        } catch {
          chunk = null
        }
        this.reading = null
        if (this.ended) return
        this.touch()
        this.engine.receive(chunk ?? EMPTY)
      }
    } catch (error) {
      this.runtime.log('websocket connection failed', error)
      this.end(CloseCode.abnormal, '', true)
    }
  }

  /**
   * Handles every event the engine has; false once the connection is over. The cork is on
   * meanwhile, except across an await.
   */
  private async dispatchEvents(): Promise<boolean> {
    this.corked.on = true
    try {
      for (;;) {
        let event
        try {
          event = this.engine.next()
        } catch (error) {
          if (!(error instanceof RemoteWebSocketError)) throw error
          this.flushCorked()
          this.writeNow(error.closeFrame)
          this.end(error.closeCode, error.message, false)
          return false
        }
        if (event === NEED_DATA) return true
        switch (event.type) {
          case 'message': {
            // Uncompressed text arrives decoded and checked (the usual case): no result object.
            if (event.text !== undefined && !event.compressed) {
              if (this.ended) return false
              this.call(this.handler.message, event.text)
              break
            }
            let done = finishMessage(event, this.start.codec, this.settings.maxPayloadLength)
            if (done instanceof Promise) {
              this.uncork()
              done = await done
              if (!this.ended) this.corked.on = true
            }
            if (this.ended) return false
            if (done.type === 'invalid') {
              this.flushCorked()
              this.writeNow(this.engine.fail(done.closeCode))
              this.end(done.closeCode, done.code, false)
              return false
            }
            this.call(this.handler.message, done.type === 'binary' ? this.binary(done.data) : done.data)
            break
          }
          case 'ping':
            // RFC 6455 §5.5.2: answer with a Pong carrying the same data.
            if (this.engine.state === 'open') this.write(this.engine.send({ type: 'pong', data: event.data }))
            this.call(this.handler.ping, event.data)
            break
          case 'pong':
            this.awaitingPong = false
            this.call(this.handler.pong, event.data)
            break
          case 'close':
            // §5.5.1: echo the peer's Close (unless it answers ours), then the server closes TCP.
            if (this.engine.state === 'remote-closing') this.write(this.engine.send({ type: 'close' }))
            this.end(event.code === CloseCode.noStatus ? CloseCode.noStatus : event.code, event.reason, false)
            return false
          case 'closed':
            this.end(event.clean ? CloseCode.normal : CloseCode.abnormal, '', false)
            return false
        }
      }
    } finally {
      this.uncork()
    }
  }

  /** Called by the server's sweep: an idle socket is pinged once, then closed. */
  checkDeadline(now: number): void {
    if (this.ended || this.deadline === 0 || now < this.deadline) return
    if (this.engine.state !== 'open') return this.end(CloseCode.abnormal, 'close timeout', true)
    if (this.settings.sendPings && !this.awaitingPong) {
      this.awaitingPong = true
      this.sendControl('ping', EMPTY)
      this.deadline = now + this.settings.idleTimeoutMs
      return
    }
    this.end(CloseCode.abnormal, 'idle timeout', true)
  }

  /** Graceful server stop: 1001 Going Away, then wait for the peer's Close. */
  goingAway(): void {
    this.close(CloseCode.goingAway, 'server shutting down')
  }

  private touch(): void {
    const idle = this.settings.idleTimeoutMs
    if (this.engine.state === 'open') this.deadline = idle > 0 ? this.runtime.now() + idle : 0
  }

  // SocketSession: what the app's socket does.

  sendMessage(opcode: MessageOpcode, data: Uint8Array, compress: boolean): number {
    if (this.refusesData()) return 0
    const codec = this.codecFor(compress)
    if (codec !== null) return this.sendCompressed(opcode, data, codec)
    // Text reaches here encoded from a string (the socket's send/sendText): valid UTF-8 already.
    return this.write(this.engine.send({ type: 'message', opcode, data, validUtf8: opcode === 'text' }))
  }

  sendText(text: string, compress: boolean): number {
    const cork = this.corked
    // Corked, uncompressed, nothing queued ahead: the frame is encoded straight into the cork
    // (an echo from the `message` handler), with no array for the UTF-8 bytes and no copy.
    const out = this.chain === null && this.codecFor(compress) === null ? cork.space(textFrameRoom(text.length)) : null
    if (out === null) return this.sendMessage('text', utf8Encode(text), compress)
    if (this.refusesData()) return 0
    const size = this.engine.sendTextInto(text, out, cork.free)
    if (size === 0) return this.sendMessage('text', utf8Encode(text), compress) // cannot happen: space() left the room
    cork.built(size)
    if (cork.full) this.flushCorked()
    return size
  }

  sendControl(type: 'ping' | 'pong', data: Uint8Array): number {
    if (this.ended || this.engine.state !== 'open') return 0
    return this.write(this.engine.send({ type, data } as WebSocketSendEvent))
  }

  /** Starts the closing handshake; the peer's Close (or a timeout) ends the connection. */
  close(code: number = CloseCode.normal, reason = ''): void {
    if (this.ended) return
    if (this.engine.state === 'open' || this.engine.state === 'remote-closing') {
      this.write(this.engine.send({ type: 'close', code, reason }))
    }
    if (this.engine.state === 'closed') return this.end(code, reason, false)
    this.deadline = this.runtime.now() + CLOSE_TIMEOUT_MS
  }

  terminate(): void {
    this.end(CloseCode.abnormal, '', true)
  }

  publish(topic: string, opcode: MessageOpcode, data: Uint8Array): number {
    return this.topics.publish(topic, opcode, data, this.settings.publishToSelf ? null : this)
  }

  /** Topics: a published frame, already encoded. */
  sendFrame(frame: Uint8Array): number {
    if (this.refusesData()) return 0
    return this.write(frame)
  }

  subscribe(topic: string): void {
    if (!this.ended) this.topics.subscribe(topic, this)
  }

  unsubscribe(topic: string): void {
    this.topics.unsubscribe(topic, this)
  }

  isSubscribed(topic: string): boolean {
    return this.topics.isSubscribed(topic, this)
  }

  subscriptions(): string[] {
    return this.topics.of(this)
  }

  cork<T>(callback: () => T): T {
    if (this.corked.on) return callback()
    this.corked.on = true
    try {
      return callback()
    } finally {
      this.uncork()
    }
  }

  bufferedAmount(): number {
    return this.pending
  }

  // Output

  /** A data message is not sent: the socket is closing or closed, or over its backpressure limit. */
  private refusesData(): boolean {
    return this.ended || this.engine.state !== 'open' || this.overLimit()
  }

  /** The codec that compresses this send, if the app asked for it and it is on; else null. */
  private codecFor(compress: boolean): DeflateCodec | null {
    return compress && this.settings.compress ? this.start.codec : null
  }

  /** Over `backpressureLimit`: the send is dropped, or the socket closed (1008). */
  private overLimit(): boolean {
    if (this.pending <= this.settings.backpressureLimit) return false
    if (this.settings.closeOnBackpressureLimit) this.close(CloseCode.policyViolation, 'backpressure limit')
    return true
  }

  private sendCompressed(opcode: MessageOpcode, data: Uint8Array, codec: DeflateCodec): number {
    // What was corked before this message goes before it, not behind the deflate.
    this.flushCorked()
    const size = data.length
    this.pending += size
    // One deflate at a time: with context takeover each depends on the previous one.
    this.enqueue(() => codec.compress(data).then((payload) => {
      this.pending -= size
      if (!this.ended) this.writeNow(this.engine.send({ type: 'message', opcode, data: payload, compressed: true }))
    }))
    return -1
  }

  /**
   * Where the engine builds a data frame: in the cork while it is on (and no deflate is
   * pending, which would hold the frame back), a large one in the shared frame buffer when
   * the transport takes writes at once, else a new array.
   */
  private allocateFrame(size: number): Uint8Array {
    if (this.chain === null && !this.ended) {
      const inCork = this.corked.allocate(size)
      if (inCork !== null) return inCork
      if (size >= CORK_BYTES && this.transport.writesAtOnce === true) return allocateSharedFrame(size)
    }
    return new Uint8Array(size)
  }

  /** Writes in order: into the cork if it is on, else behind a pending deflate if any. */
  private write(bytes: Uint8Array): number {
    const cork = this.corked
    if (!cork.on) return this.writeInOrder(bytes)
    if (!cork.add(bytes)) {
      // Big: what waits goes first, then this one uncopied.
      this.flushCorked()
      return this.writeInOrder(bytes)
    }
    if (cork.full) this.flushCorked()
    return bytes.length
  }

  /** Writes what the cork holds as one write; the cork stays on. */
  private flushCorked(): void {
    const cork = this.corked
    if (cork.empty) return
    const bytes = cork.take()
    cork.written(this.ended ? true : this.writeInOrder(bytes) > 0)
  }

  /** Writes what the cork holds and takes the cork off. */
  private uncork(): void {
    this.flushCorked()
    this.corked.on = false
  }

  /** Behind a pending deflate if there is one, else at once. */
  private writeInOrder(bytes: Uint8Array): number {
    if (this.chain === null) return this.writeNow(bytes)
    if (isSharedFrame(bytes)) releaseFrameBuffer() // held until the deflate ahead of it is written
    this.pending += bytes.length
    this.enqueue(() => {
      this.pending -= bytes.length
      this.writeNow(bytes)
    })
    return -1
  }

  /** Runs `step` after every write queued before it. */
  private enqueue(step: () => void | Promise<void>): void {
    this.chained++
    const previous = this.chain ?? Promise.resolve()
    this.chain = previous.then(step).catch((error: unknown) => {
      this.runtime.log('websocket compression failed', error)
      this.end(CloseCode.internalError, '', true)
    }).finally(() => {
      if (--this.chained === 0) this.chain = null
    })
  }

  /** Hands bytes to the transport; -1 while the peer is slow (backpressure), then `drain`. */
  private writeNow(bytes: Uint8Array): number {
    if (bytes.length === 0) return 0
    if (this.ended) return 0
    let pending: Promise<void> | void
    try {
      pending = this.transport.write(bytes)
    } catch {
      if (isSharedFrame(bytes)) releaseFrameBuffer()
      this.end(CloseCode.abnormal, '', true)
      return 0
    }
    if (pending === undefined) return bytes.length
    if (isSharedFrame(bytes)) releaseFrameBuffer() // the transport kept part of it
    this.pending += bytes.length
    pending.then(() => {
      this.pending -= bytes.length
      if (this.pending === 0 && !this.ended) this.call(this.handler.drain)
    }, () => this.end(CloseCode.abnormal, '', true))
    return -1
  }

  /** Calls a handler; one that throws or rejects closes the socket with 1011. */
  /** A binary message as the socket's `binaryType` asks. */
  private binary(bytes: Uint8Array): Uint8Array {
    const type = this.socket.binaryType
    if (type === 'arraybuffer') return new Uint8Array(bytes).buffer as unknown as Uint8Array
    if (type === 'nodebuffer' && this.runtime.nodeBuffer !== undefined) return this.runtime.nodeBuffer(bytes)
    return bytes
  }

  // Two fixed arguments rather than a rest parameter: this runs per message, and a rest
  // array (then spread again) was a measurable part of a small echo on one engine.
  private call<A, B>(
    fn: ((ws: ServerWebSocket<unknown>, a: A, b: B) => void | Promise<void>) | undefined,
    a?: A,
    b?: B,
  ): void {
    if (fn === undefined) return
    try {
      const result = fn.call(this.handler, this.socket, a as A, b as B)
      if (result instanceof Promise) result.catch((error: unknown) => this.appFailed(error))
    } catch (error) {
      this.appFailed(error)
    }
  }

  private appFailed(error: unknown): void {
    this.runtime.log('websocket handler failed', error)
    this.close(CloseCode.internalError, 'internal error')
  }

  /** The connection is over: tell the app once, leave the topics, free the transport. */
  private end(code: number, reason: string, abort: boolean): void {
    if (this.ended) return
    // Frames corked before the end (an echoed Close, say) still go, unless the socket is aborted.
    if (!abort) this.flushCorked()
    this.corked.clear()
    this.ended = true
    this.deadline = 0
    this.topics.leaveAll(this)
    this.start.codec?.close()
    if (abort) this.transport.abort()
    else lingeringClose(this.transport, this.runtime.timers, this.reading)
    this.call(this.handler.close, code, reason)
    this.start.onEnd()
  }
}
