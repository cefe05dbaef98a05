/**
 * Portico's sans-I/O WebSocket engine (RFC 6455, RFC 7692 negotiation): the handshake
 * rules, then bytes in, events out; events in, bytes out.
 *
 * ```ts
 * if (isWebSocketUpgrade(req.method, req.headers)) {
 *   const hs = validateHandshake(req)                 // → 400 / 426 when !hs.ok
 *   const { headers, permessageDeflate } = acceptHandshake(hs, { permessageDeflate: {} })
 *   // send the 101 with `headers`, then:
 *   const ws = new WebSocketConnection({ permessageDeflate })
 *   ws.receive(http.takeTrailingData())
 *   for (let ev = ws.next(); ev !== NEED_DATA; ev = ws.next()) handle(ev)
 * }
 * ```
 * @module
 */
export { acceptHeaders, acceptHandshake, chooseSubprotocol, isWebSocketUpgrade, validateHandshake } from './handshake.ts'
export type {
  AcceptedHandshake,
  AcceptHeaderOptions,
  AcceptOptions,
  HandshakeAccepted,
  HandshakeErrorCode,
  HandshakeRejected,
  HandshakeRequest,
  HandshakeResult,
} from './handshake.ts'
export { DEFAULT_MAX_PAYLOAD_LENGTH, WebSocketConnection, type WebSocketOptions } from './connection.ts'
export * from './events.ts'
export * from './errors.ts'
export { CloseCode, MAX_CLOSE_REASON_BYTES, closePayload, isValidCloseCode, parseClosePayload, type ClosePayload } from './close.ts'
export { decodeMessage, finishMessage, type FinishedMessage } from './finish-message.ts'
export {
  MessageTooBigError,
  negotiateDeflate,
  parseDeflateOffer,
  PERMESSAGE_DEFLATE,
  type DeflateAgreement,
  type DeflateCodec,
  type DeflateCodecFactory,
  type DeflateOffer,
  type DeflateOptions,
  type DeflateParams,
} from './permessage-deflate.ts'
export { formatExtension, parseExtensions, type ExtensionOffer, type ExtensionParam } from './extensions.ts'
export { encodeFrame, encodeFrameHeader, encodeMessage, type FrameAllocator, type FrameFlags } from './frame-serializer.ts'
export { Opcode, type OpcodeValue } from './opcode.ts'
export { isValidUtf8, Utf8Validator } from './utf8.ts'
export { acceptKey, sha1, WEBSOCKET_GUID } from './sha1.ts'
export { base64Decode, base64Encode } from './base64.ts'
