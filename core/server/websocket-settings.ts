/**
 * `websocket` handlers and limits resolved once per server, with the defaults of the API shape Portico follows.
 * @module
 */
import type { WebSocketHandler } from '../fetch/websocket-api.ts'
import { DEFAULT_MAX_PAYLOAD_LENGTH } from '../ws/connection.ts'
import type { DeflateCodecFactory, DeflateOptions } from '../ws/permessage-deflate.ts'

/** The defaults of that API shape. */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 120
const DEFAULT_BACKPRESSURE_LIMIT = 16 * 1024 * 1024

/** The handlers and every limit, defaults filled in. */
export interface WebSocketSettings {
  handler: WebSocketHandler<unknown>
  maxPayloadLength: number
  /** 0: no idle timeout. */
  idleTimeoutMs: number
  backpressureLimit: number
  closeOnBackpressureLimit: boolean
  sendPings: boolean
  publishToSelf: boolean
  /** permessage-deflate to negotiate, or false; false too when the runtime has no codec. */
  deflate: DeflateOptions | false
  /** Outgoing messages may be compressed (`send(data, true)`). */
  compress: boolean
  codecs: DeflateCodecFactory | null
}

/** Resolves `handler`; `codecs` is the runtime's deflate, if it has one. */
export function resolveWebSocketSettings(handler: WebSocketHandler<unknown>, codecs: DeflateCodecFactory | null): WebSocketSettings {
  if (typeof handler.message !== 'function') throw new TypeError('websocket.message must be a function')
  const deflate = handler.perMessageDeflate
  const enabled = deflate === true || (typeof deflate === 'object' && deflate !== null && deflate.decompress !== false)
  return {
    handler,
    maxPayloadLength: handler.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH,
    idleTimeoutMs: (handler.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_SECONDS) * 1000,
    backpressureLimit: handler.backpressureLimit ?? DEFAULT_BACKPRESSURE_LIMIT,
    closeOnBackpressureLimit: handler.closeOnBackpressureLimit === true,
    sendPings: handler.sendPings !== false,
    publishToSelf: handler.publishToSelf === true,
    deflate: enabled && codecs !== null ? {} : false,
    compress: enabled && !(typeof deflate === 'object' && deflate.compress === false),
    codecs,
  }
}
