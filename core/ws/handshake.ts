/**
 * The server side of the opening handshake (RFC 6455 §4.2): is a request an upgrade
 * attempt, is it a valid one, and the 101 response headers that accept it. Requests come
 * as the HTTP/1.1 engine reports them: method, version and a flat header list
 * `[name, value, …]` with names in any case.
 *
 * A rejected handshake is a plain result, not an exception: the server answers it with
 * an ordinary HTTP response (400, or 426 naming the version we speak, §4.4).
 * @module
 */
import { base64Decode } from './base64.ts'
import { LocalWebSocketError } from './errors.ts'
import { isToken, parseExtensions, type ExtensionOffer } from './extensions.ts'
import { negotiateDeflate, type DeflateOptions, type DeflateParams } from './permessage-deflate.ts'
import { acceptKey } from './sha1.ts'

/** The parts of a request the handshake reads (an HTTP/1.1 `RequestEvent` fits). */
export interface HandshakeRequest {
  method: string
  version: '1.0' | '1.1'
  /** `[name, value, …]`, names in any case. */
  headers: readonly string[]
}

/** Why a handshake was refused. */
export type HandshakeErrorCode =
  | 'invalid-method'
  | 'invalid-http-version'
  | 'missing-host'
  | 'missing-upgrade'
  | 'missing-connection-upgrade'
  | 'unsupported-websocket-version'
  | 'invalid-key'
  | 'invalid-subprotocols'
  | 'invalid-extensions'

/** A valid opening handshake. */
export interface HandshakeAccepted {
  ok: true
  /** `Sec-WebSocket-Key` as sent. */
  key: string
  /** The `Sec-WebSocket-Accept` value for the 101 (§4.2.2 step 5.4). */
  accept: string
  /** `Sec-WebSocket-Protocol` tokens, in the client's order of preference. */
  protocols: string[]
  /** `Sec-WebSocket-Extensions` offers, in order. */
  extensions: ExtensionOffer[]
}

/** A refused handshake: answer with `status` and `headers` and do not upgrade. */
export interface HandshakeRejected {
  ok: false
  status: 400 | 426
  code: HandshakeErrorCode
  /** Human-readable, for logs and the response body. */
  reason: string
  /** Headers to send with the status: `sec-websocket-version: 13` for a 426 (§4.4). */
  headers: string[]
}

/** The result of `validateHandshake()`. */
export type HandshakeResult = HandshakeAccepted | HandshakeRejected

/** The values of every field named `name` (lowercase), in order. */
function fieldValues(headers: readonly string[], name: string): string[] {
  const values: string[] = []
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === name) values.push(headers[i + 1]!.trim())
  }
  return values
}

/** The comma-separated elements of all `values`, trimmed, empty ones skipped (RFC 9110 §5.6.1). */
function listElements(values: readonly string[]): string[] {
  const out: string[] = []
  for (const value of values) {
    for (const element of value.split(',')) {
      const trimmed = element.trim()
      if (trimmed !== '') out.push(trimmed)
    }
  }
  return out
}

/** Whether the list fields `name` contain `token`, case-insensitively. */
function hasToken(headers: readonly string[], name: string, token: string): boolean {
  return listElements(fieldValues(headers, name)).some((element) => element.toLowerCase() === token)
}

/**
 * A cheap test for routing: is this request an attempt to open a WebSocket (a GET with
 * `Upgrade: websocket`)? Whether the attempt is valid is `validateHandshake()`'s job.
 */
export function isWebSocketUpgrade(method: string, headers: readonly string[]): boolean {
  return method === 'GET' && hasToken(headers, 'upgrade', 'websocket')
}

function reject(code: HandshakeErrorCode, reason: string): HandshakeRejected {
  return { ok: false, status: 400, code, reason, headers: [] }
}

/** Checks a client's opening handshake (RFC 6455 §4.2.1). */
export function validateHandshake(request: HandshakeRequest): HandshakeResult {
  const headers = request.headers
  // §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (request.method !== 'GET') return reject('invalid-method', 'a WebSocket handshake is a GET')
  if (request.version !== '1.1') return reject('invalid-http-version', 'a WebSocket handshake needs HTTP/1.1')
  // Item 2: a Host header field (the HTTP/1.1 engine checks its syntax).
  if (fieldValues(headers, 'host').length === 0) return reject('missing-host', 'no Host header')
  // Items 3 and 4: Upgrade contains "websocket", Connection contains "Upgrade", case-insensitively.
  if (!hasToken(headers, 'upgrade', 'websocket')) return reject('missing-upgrade', 'Upgrade does not list websocket')
  if (!hasToken(headers, 'connection', 'upgrade')) return reject('missing-connection-upgrade', 'Connection does not list upgrade')
  // Item 6 and §4.4: any version but 13 gets a 426 listing the versions we speak.
  const versions = fieldValues(headers, 'sec-websocket-version')
  if (versions.length !== 1 || versions[0] !== '13') {
    return {
      ok: false,
      status: 426,
      code: 'unsupported-websocket-version',
      reason: versions.length === 0 ? 'no Sec-WebSocket-Version' : `Sec-WebSocket-Version ${versions.join(', ')} is not 13`,
      headers: ['sec-websocket-version', '13'],
    }
  }
  // Item 5: exactly one Sec-WebSocket-Key, "a base64-encoded value that, when decoded, is 16 bytes".
  const keys = fieldValues(headers, 'sec-websocket-key')
  if (keys.length !== 1) return reject('invalid-key', keys.length === 0 ? 'no Sec-WebSocket-Key' : 'more than one Sec-WebSocket-Key')
  const key = keys[0]!
  if (base64Decode(key)?.length !== 16) return reject('invalid-key', 'Sec-WebSocket-Key is not 16 bytes of base64')
  // Item 8 and §4.1: subprotocols are tokens, "MUST all be unique strings".
  const protocols = listElements(fieldValues(headers, 'sec-websocket-protocol'))
  if (!protocols.every(isToken) || new Set(protocols).size !== protocols.length) {
    return reject('invalid-subprotocols', 'Sec-WebSocket-Protocol is not a list of distinct tokens')
  }
  // Item 9: extension offers, §9.1 syntax; their parameters are judged at negotiation.
  const extensions = parseExtensions(fieldValues(headers, 'sec-websocket-extensions'))
  if (extensions === null) return reject('invalid-extensions', 'malformed Sec-WebSocket-Extensions')
  return { ok: true, key, accept: acceptKey(key), protocols, extensions }
}

/**
 * The first of the server's `supported` subprotocols that the client offered (server
 * order of preference), or null: then the 101 names none (§4.2.2 step 5.5, /subprotocol/).
 */
export function chooseSubprotocol(offered: readonly string[], supported: readonly string[]): string | null {
  return supported.find((protocol) => offered.includes(protocol)) ?? null
}

/** What goes into a 101 beyond the fixed fields. */
export interface AcceptHeaderOptions {
  /** `Sec-WebSocket-Accept` from `validateHandshake()`. */
  accept: string
  /** The chosen subprotocol, one the client offered. */
  protocol?: string | null
  /** The `Sec-WebSocket-Extensions` value, e.g. `negotiateDeflate(…).header`. */
  extensions?: string | null
}

/** The header list of the 101 Switching Protocols response (RFC 6455 §4.2.2 step 5). */
export function acceptHeaders(options: AcceptHeaderOptions): string[] {
  const headers = ['upgrade', 'websocket', 'connection', 'Upgrade', 'sec-websocket-accept', options.accept]
  if (options.protocol != null) headers.push('sec-websocket-protocol', options.protocol)
  if (options.extensions != null && options.extensions !== '') headers.push('sec-websocket-extensions', options.extensions)
  return headers
}

/** The server's side of the negotiation. */
export interface AcceptOptions {
  /** The subprotocol to confirm; it must be one the client offered. */
  protocol?: string | null
  /** Enable permessage-deflate with these wishes, or not at all (`false`, the default). */
  permessageDeflate?: DeflateOptions | false
}

/** An accepted handshake: the 101's headers and what the connection runs with. */
export interface AcceptedHandshake {
  headers: string[]
  protocol: string | null
  /** For `new WebSocketConnection({ permessageDeflate })` and the codec factory. */
  permessageDeflate: DeflateParams | null
}

/**
 * Answers a valid handshake: confirms the subprotocol, negotiates permessage-deflate and
 * builds the 101 headers. Throws `LocalWebSocketError` for a subprotocol the client did
 * not offer (§4.2.2: the server's choice MUST be one of the client's values).
 */
export function acceptHandshake(handshake: HandshakeAccepted, options: AcceptOptions = {}): AcceptedHandshake {
  const protocol = options.protocol ?? null
  if (protocol !== null && !handshake.protocols.includes(protocol)) {
    throw new LocalWebSocketError('invalid-subprotocol', `subprotocol ${protocol} was not offered`)
  }
  const deflate = options.permessageDeflate ? negotiateDeflate(handshake.extensions, options.permessageDeflate) : null
  return {
    headers: acceptHeaders({ accept: handshake.accept, protocol, extensions: deflate?.header ?? null }),
    protocol,
    permessageDeflate: deflate?.params ?? null,
  }
}
