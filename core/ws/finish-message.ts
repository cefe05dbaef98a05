/**
 * The last step of receiving a message, for the async layer above the engine: inflate a
 * compressed message with the injected codec (RFC 7692 §7.2.2), check text is UTF-8
 * (RFC 6455 §8.1) and decode it. Written once here so every server loop does it alike.
 *
 * ```ts
 * const ev = conn.next()                      // { type: 'message', … }
 * let done = finishMessage(ev, codec, conn.maxPayloadLength)
 * if (done instanceof Promise) done = await done   // only compressed messages wait
 * if (done.type === 'invalid') { await write(conn.fail(done.closeCode)); transport.close() }
 * else app.message(done.data)                 // string for text, bytes for binary
 * ```
 * Messages must be finished one at a time, in order: with context takeover each inflation
 * depends on the previous one.
 * @module
 */
import { CloseCode } from './close.ts'
import { LocalWebSocketError } from './errors.ts'
import type { MessageOpcode, WebSocketMessage } from './events.ts'
import type { DeflateCodec } from './permessage-deflate.ts'
import { decodeUtf8, decodeValidUtf8 } from './utf8.ts'

/** A message ready for the app, or why the connection must be failed. */
export type FinishedMessage =
  | { type: 'text'; data: string }
  | { type: 'binary'; data: Uint8Array }
  | {
    type: 'invalid'
    code: 'invalid-utf8' | 'invalid-compressed-data' | 'message-too-big'
    /** Fail the connection with this (1007 or 1009): `conn.fail(closeCode)`. */
    closeCode: number
    /** The codec's error, if it rejected. */
    cause?: unknown
  }

/**
 * Turns an inflated (or never compressed) payload into the app's value. `validated` says
 * the bytes were already checked as UTF-8 (the engine does it for uncompressed text).
 */
export function decodeMessage(opcode: MessageOpcode, data: Uint8Array, validated = false): FinishedMessage {
  if (opcode === 'binary') return { type: 'binary', data }
  const text = validated ? decodeValidUtf8(data) : decodeUtf8(data)
  if (text === null) return { type: 'invalid', code: 'invalid-utf8', closeCode: CloseCode.invalidPayload }
  return { type: 'text', data: text }
}

/** Whether a codec rejection means the output limit was hit (duck-typed: hosts build their own errors). */
function isTooBig(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'message-too-big'
}

/**
 * Finishes a received message: synchronously when it was not compressed, through
 * `codec.decompress()` (at most `maxBytes` of output) when it was. A rejected inflation
 * becomes `'message-too-big'` (1009) or `'invalid-compressed-data'` (1007).
 */
export function finishMessage(
  message: WebSocketMessage,
  codec: DeflateCodec | null,
  maxBytes: number,
): FinishedMessage | Promise<FinishedMessage> {
  if (!message.compressed) {
    if (message.text !== undefined) return { type: 'text', data: message.text }
    return decodeMessage(message.opcode, message.data, true)
  }
  if (codec === null) throw new LocalWebSocketError('invalid-state', 'compressed message but no codec')
  return codec.decompress(message.data, maxBytes).then(
    (data) => decodeMessage(message.opcode, data),
    (cause: unknown): FinishedMessage =>
      isTooBig(cause)
        ? { type: 'invalid', code: 'message-too-big', closeCode: CloseCode.messageTooBig, cause }
        : { type: 'invalid', code: 'invalid-compressed-data', closeCode: CloseCode.invalidPayload, cause },
  )
}
