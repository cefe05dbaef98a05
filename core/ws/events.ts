/**
 * The vocabulary of the WebSocket engine: what `next()` hands out (`WebSocketEvent`), what
 * `send()` takes (`WebSocketSendEvent`) and the connection states. Events are plain
 * objects with a lowercase `type` tag; their bytes are owned by the event (never views of
 * the caller's input), so they stay valid after the next `receive()`.
 * @module
 */

/** `next()` has nothing more to report until more bytes (or EOF) are received. */
export const NEED_DATA: unique symbol = Symbol('ws.NEED_DATA')

/** The kind of a data message. */
export type MessageOpcode = 'text' | 'binary'

/**
 * A complete data message (RFC 6455 §5.6), its fragments joined. Uncompressed text has
 * been validated as UTF-8 while it arrived. A compressed message (RSV1 on its first frame,
 * RFC 7692 §6.1) is handed over as received: inflate and validate it with `finishMessage()`.
 */
export interface WebSocketMessage {
  type: 'message'
  opcode: MessageOpcode
  data: Uint8Array
  compressed: boolean
  /** The text of an uncompressed text message, when the engine decoded it while checking it. */
  text?: string
}

/** A Ping (RFC 6455 §5.5.2). Answering with a Pong of the same data is the caller's choice. */
export interface WebSocketPing {
  type: 'ping'
  data: Uint8Array
}

/** A Pong (RFC 6455 §5.5.3), solicited or not. */
export interface WebSocketPong {
  type: 'pong'
  data: Uint8Array
}

/**
 * The peer's Close frame (RFC 6455 §5.5.1). `code` is 1005 when the frame had no status
 * code (§7.1.5). If we had not sent a Close yet, the state is now `'remote-closing'`:
 * send `{ type: 'close' }` to echo it, then close the socket.
 */
export interface WebSocketClose {
  type: 'close'
  code: number
  reason: string
}

/**
 * The connection is over. `clean` is true when both Close frames were exchanged
 * (RFC 6455 §7.1.4); false after EOF without them (the app sees 1006, §7.1.5).
 */
export interface WebSocketClosed {
  type: 'closed'
  clean: boolean
}

/** Everything `WebSocketConnection.next()` returns besides `NEED_DATA`. */
export type WebSocketEvent = WebSocketMessage | WebSocketPing | WebSocketPong | WebSocketClose | WebSocketClosed

/** What `WebSocketConnection.send()` takes. Strings are encoded as UTF-8. */
export type WebSocketSendEvent =
  | {
    type: 'message'
    opcode: MessageOpcode
    data: Uint8Array | string
    /** `data` is already deflated by the codec (RFC 7692 §7.2.1): set RSV1. */
    compressed?: boolean
    /** Split into frames of at most this many payload bytes (RFC 6455 §5.4). */
    fragmentSize?: number
    /** Text bytes known to be UTF-8 (encoded from a string by the caller): not checked again. */
    validUtf8?: boolean
  }
  | { type: 'ping'; data?: Uint8Array | string }
  | { type: 'pong'; data?: Uint8Array | string }
  /** Without `code` the Close has no body, or, in `'remote-closing'`, echoes the peer's code. */
  | { type: 'close'; code?: number; reason?: string }

/**
 * Where the closing handshake stands (RFC 6455 §7):
 * - `open`: both sides may send.
 * - `closing`: we sent a Close and wait for the peer's; we send nothing more.
 * - `remote-closing`: the peer sent a Close; we owe one (`send({ type: 'close' })`).
 * - `closed`: both Closes exchanged, or EOF: the caller closes the socket (§7.1.1: the
 *   server closes TCP first).
 * - `failed`: a protocol error; the caller writes the error's Close frame and closes.
 */
export type WebSocketState = 'open' | 'closing' | 'remote-closing' | 'closed' | 'failed'
