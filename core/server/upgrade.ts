/**
 * From an HTTP/1.1 request to a WebSocket session: `prepareUpgrade` checks the handshake
 * (RFC 6455 §4.2.1) when the app calls `info.upgrade()`, and builds the 101's headers
 * (accept key, subprotocol, permessage-deflate, the app's own headers); `startSession`
 * starts the session once the 101 is on its way.
 * @module
 */
import type { UpgradeOptions } from '../fetch/websocket-api.ts'
import { headerList, getHeader, splitList } from '../http/field-list.ts'
import type { RequestEvent } from '../http1/events.ts'
import { acceptHandshake, isWebSocketUpgrade, validateHandshake } from '../ws/handshake.ts'
import type { DeflateParams } from '../ws/permessage-deflate.ts'
import type { ServerSettings } from './settings.ts'
import type { Transport } from './transport.ts'
import { WebSocketSession } from './websocket-session.ts'
import { resolveWebSocketSettings, type WebSocketSettings } from './websocket-settings.ts'

/** An accepted upgrade, waiting for the app to return. */
export interface PreparedUpgrade {
  settings: WebSocketSettings
  /** The 101's header list. */
  headers: string[]
  data: unknown
  protocol: string
  extensions: string
  deflate: DeflateParams | null
}

/**
 * Checks that `event` is a WebSocket opening handshake the server can take; null when it is
 * not (no `websocket` handlers, not an upgrade, a body, an invalid key or version…), and
 * the app answers the request itself.
 */
export function prepareUpgrade(
  event: RequestEvent,
  options: UpgradeOptions<unknown> | undefined,
  server: ServerSettings,
): PreparedUpgrade | null {
  const settings = options?.handler !== undefined
    ? resolveWebSocketSettings(options.handler, server.runtime.deflate ?? null)
    : server.websocket
  if (settings === null || !event.upgrade || event.contentLength !== 0) return null
  if (!isWebSocketUpgrade(event.method, event.headers)) return null
  const handshake = validateHandshake(event)
  if (!handshake.ok) return null
  const extra = options?.headers === undefined ? [] : headerList(new Headers(options.headers))
  // The app picks a subprotocol by setting Sec-WebSocket-Protocol in the upgrade headers, and
  // without one the client's first is confirmed; upgradeWebSocket (a per-socket handler)
  // confirms only the one it is given.
  const chosen = getHeader(extra, 'sec-websocket-protocol')
  const protocol = chosen !== undefined
    ? splitList(chosen)[0] ?? null
    : options?.handler === undefined ? handshake.protocols[0] ?? null : null
  if (protocol !== null && !handshake.protocols.includes(protocol)) return null
  const accepted = acceptHandshake(handshake, { protocol, permessageDeflate: settings.deflate })
  const headers = accepted.headers
  for (let i = 0; i < extra.length; i += 2) {
    const name = extra[i]!.toLowerCase()
    if (name === 'sec-websocket-protocol' || name === 'sec-websocket-accept' || name === 'sec-websocket-extensions') continue
    if (name === 'upgrade' || name === 'connection') continue
    headers.push(extra[i]!, extra[i + 1]!)
  }
  const extensions = accepted.permessageDeflate === null ? '' : getHeader(headers, 'sec-websocket-extensions') ?? ''
  return { settings, headers, data: options?.data, protocol: protocol ?? '', extensions, deflate: accepted.permessageDeflate }
}

/** What the connection loop hands over with the transport. */
export interface HandOver {
  settings: ServerSettings
  transport: Transport
  rest: Uint8Array
  pendingRead: Promise<Uint8Array | null> | null
  remoteAddress: string
  onEnd: () => void
}

/** Starts the WebSocket session for an upgrade whose 101 has been written. */
export function startSession(prepared: PreparedUpgrade, handOver: HandOver): WebSocketSession {
  const ws = prepared.settings
  const codec = prepared.deflate !== null && ws.codecs !== null ? ws.codecs(prepared.deflate) : null
  const session = new WebSocketSession(ws, handOver.settings.runtime, handOver.settings.topics, {
    transport: handOver.transport,
    rest: handOver.rest,
    pendingRead: handOver.pendingRead,
    engineOptions: {
      maxPayloadLength: ws.maxPayloadLength,
      permessageDeflate: prepared.deflate,
      ownsInput: true, // a driver never reuses the memory of a chunk it handed out (Transport.read)
    },
    codec,
    data: prepared.data,
    remoteAddress: handOver.remoteAddress,
    protocol: prepared.protocol,
    extensions: prepared.extensions,
    onEnd: handOver.onEnd,
  })
  void session.run()
  return session
}
