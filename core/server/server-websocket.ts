/**
 * The socket object the app's WebSocket handlers get (the `ServerWebSocket` of the API shape Portico follows): a thin
 * public face over the session, which owns the engine and the transport.
 * @module
 */
import type { ServerWebSocket, WebSocketSendData } from '../fetch/websocket-api.ts'
import { utf8Encode } from '../http/ascii.ts'
import type { MessageOpcode } from '../ws/events.ts'

/** What the socket asks of its session. */
export interface SocketSession {
  readonly readyState: 0 | 1 | 2 | 3
  readonly remoteAddress: string
  readonly protocol: string
  readonly extensions: string
  /** `'text'` data is a string's UTF-8 encoding (valid by construction: not checked again). */
  sendMessage(opcode: MessageOpcode, data: Uint8Array, compress: boolean): number
  /** A text message from a string: as `sendMessage('text', its UTF-8, compress)`. */
  sendText(text: string, compress: boolean): number
  sendControl(type: 'ping' | 'pong', data: Uint8Array): number
  close(code: number | undefined, reason: string | undefined): void
  terminate(): void
  publish(topic: string, opcode: MessageOpcode, data: Uint8Array): number
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  isSubscribed(topic: string): boolean
  subscriptions(): string[]
  cork<T>(callback: () => T): T
  bufferedAmount(): number
}

const EMPTY = new Uint8Array(0)

/** Bytes of what a send-like method takes. */
export function toPayload(data: WebSocketSendData | undefined): Uint8Array {
  if (data === undefined) return EMPTY
  if (typeof data === 'string') return utf8Encode(data)
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  throw new TypeError('WebSocket data must be a string, an ArrayBuffer or a view of one')
}

/** See the module comment. */
export class PorticoWebSocket<Data = unknown> implements ServerWebSocket<Data> {
  data: Data
  binaryType: 'nodebuffer' | 'uint8array' | 'arraybuffer'
  readonly #session: SocketSession

  constructor(session: SocketSession, data: Data, hasNodeBuffer: boolean) {
    this.#session = session
    this.data = data
    this.binaryType = hasNodeBuffer ? 'nodebuffer' : 'uint8array'
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.#session.readyState
  }

  get remoteAddress(): string {
    return this.#session.remoteAddress
  }

  get protocol(): string {
    return this.#session.protocol
  }

  get extensions(): string {
    return this.#session.extensions
  }

  send(data: WebSocketSendData, compress = false): number {
    if (typeof data === 'string') return this.#session.sendText(data, compress)
    return this.#session.sendMessage('binary', toPayload(data), compress)
  }

  sendText(data: string, compress = false): number {
    return this.#session.sendText(data, compress)
  }

  sendBinary(data: ArrayBufferView | ArrayBuffer, compress = false): number {
    return this.#session.sendMessage('binary', toPayload(data), compress)
  }

  close(code?: number, reason?: string): void {
    this.#session.close(code, reason)
  }

  terminate(): void {
    this.#session.terminate()
  }

  ping(data?: WebSocketSendData): number {
    return this.#session.sendControl('ping', toPayload(data))
  }

  pong(data?: WebSocketSendData): number {
    return this.#session.sendControl('pong', toPayload(data))
  }

  publish(topic: string, data: WebSocketSendData, _compress?: boolean): number {
    return this.#session.publish(topic, typeof data === 'string' ? 'text' : 'binary', toPayload(data))
  }

  publishText(topic: string, data: string, _compress?: boolean): number {
    return this.#session.publish(topic, 'text', utf8Encode(data))
  }

  publishBinary(topic: string, data: ArrayBufferView | ArrayBuffer, _compress?: boolean): number {
    return this.#session.publish(topic, 'binary', toPayload(data))
  }

  subscribe(topic: string): void {
    this.#session.subscribe(topic)
  }

  unsubscribe(topic: string): void {
    this.#session.unsubscribe(topic)
  }

  isSubscribed(topic: string): boolean {
    return this.#session.isSubscribed(topic)
  }

  get subscriptions(): string[] {
    return this.#session.subscriptions()
  }

  cork<T>(callback: (ws: ServerWebSocket<Data>) => T): T {
    return this.#session.cork(() => callback(this))
  }

  getBufferedAmount(): number {
    return this.#session.bufferedAmount()
  }
}
