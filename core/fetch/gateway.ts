/**
 * The gateway, Portico's WSGI: turns a parsed request into a real WHATWG `Request` and a
 * returned `Response` into response events. No I/O here: the body comes from a pull
 * callback and goes out through a write callback, both supplied by serve-connection.ts.
 * @module
 */
import { utf8Encode } from '../http1/ascii.ts'
import type { RequestEvent } from '../http1/events.ts'
import { getHeader } from '../http1/fields.ts'
import type { App, FetchHandler, ServeInfo } from '../server/options.ts'
import type { Transport } from '../server/transport.ts'

/** Normalizes an app (function or `{ fetch }`) to a function, keeping `this` for objects. */
export function toHandler(app: App): FetchHandler {
  if (typeof app === 'function') return app
  if (app !== null && typeof app === 'object' && typeof app.fetch === 'function') return app.fetch.bind(app)
  throw new TypeError('the app must be a function or an object with a fetch method')
}

/**
 * The request URL (Fetch needs an absolute one): scheme from the listener, authority from
 * the absolute-form target (RFC 9112 §3.2.2: it overrides Host) or from Host, else from
 * the local address (HTTP/1.0 without Host). Returns null if no valid URL results.
 */
export function requestUrl(event: RequestEvent, scheme: string, local: LocalAddress): string | null {
  const target = event.target
  if (target.charCodeAt(0) === 0x2f) {
    const host = getHeader(event.headers, 'host') || localAuthority(local)
    return `${scheme}://${host}${target}`
  }
  if (target === '*') {
    const host = getHeader(event.headers, 'host') || localAuthority(local)
    return `${scheme}://${host}/*`
  }
  // absolute-form (authority-form is CONNECT's, which Fetch cannot represent).
  return URL.canParse(target) ? target : null
}

/** Where the connection was accepted; read only when a request has no Host. */
export interface LocalAddress {
  readonly localAddress?: string
  readonly localPort?: number
}

/** `host:port` of the local address, IPv6 in brackets; `localhost` when unknown. */
function localAuthority({ localAddress, localPort }: LocalAddress): string {
  if (localAddress === undefined) return 'localhost'
  const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress
  return localPort === undefined ? host : `${host}:${localPort}`
}

/** Fetch's forbidden methods (CONNECT, TRACE, TRACK), matched case-insensitively as Fetch does. */
export function isForbiddenMethod(method: string): boolean {
  if (method.length !== 5 && method.length !== 7) return false
  const upper = method.toUpperCase()
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK'
}

/** Flattens response headers; `Set-Cookie` values stay separate (Fetch's iteration does that). */
export function fromHeaders(headers: Headers): string[] {
  const out: string[] = []
  for (const [name, value] of headers) out.push(name, value)
  return out
}

/**
 * One reader result, spelled so that both the DOM's and Bun's stream typings accept it
 * (Bun's global types, pulled in by some frameworks, redefine the DOM result types).
 */
type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>

/** Microtask turns to wait for a body's second read; a body already complete finishes within a few. */
const SETTLE_TURNS = 8

/**
 * Reads a response body's first chunk and checks whether the body ends right after it, so
 * that string, bytes and Blob bodies get a Content-Length and go out in one write. Streams
 * that are still producing are not delayed: the second read is only awaited for a few
 * microtask turns, then left pending for the streaming path.
 */
export async function probeBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<BodyProbe> {
  const first = await reader.read()
  if (first.done) return { first: null, complete: true, second: null }
  const firstBytes = toBytes(first.value)
  let settled: ReadResult | null = null
  const second = reader.read().then((result) => (settled = result))
  for (let i = 0; i < SETTLE_TURNS && settled === null; i++) await null
  const done = settled as ReadResult | null
  if (done !== null && done.done) return { first: firstBytes, complete: true, second: null }
  return { first: firstBytes, complete: false, second }
}

/** What `probeBody` learned. */
export interface BodyProbe {
  /** The first chunk, or null for an empty body. */
  first: Uint8Array | null
  /** The body has no more chunks. */
  complete: boolean
  /** The pending second read when not complete. */
  second: Promise<ReadResult> | null
}

/** Body chunks must be bytes; a string chunk is UTF-8 encoded as a courtesy. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (typeof value === 'string') return utf8Encode(value)
  throw new TypeError('response body chunks must be Uint8Array')
}

/** Plain-text response for server-generated errors. */
export function plainResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/**
 * The `info` argument read from the transport on first use: on Node each address costs a
 * syscall (getpeername, getsockname), which most apps never need.
 */
export function transportInfo(transport: Transport, unix: boolean): ServeInfo {
  let remoteAddr: ServeInfo['remoteAddr'] | undefined
  return {
    get remoteAddress() {
      return transport.remoteAddress
    },
    get remotePort() {
      return transport.remotePort
    },
    get localAddress() {
      return transport.localAddress
    },
    get localPort() {
      return transport.localPort
    },
    get remoteAddr() {
      return (remoteAddr ??= { hostname: transport.remoteAddress, port: transport.remotePort, transport: unix ? 'unix' : 'tcp' })
    },
  }
}

/** The `info` argument for known addresses (a PROXY header's, a forwarded client's). */
export function serveInfo(
  remoteAddress: string | undefined,
  remotePort: number | undefined,
  localAddress: string | undefined,
  localPort: number | undefined,
  unix: boolean,
): ServeInfo {
  return {
    remoteAddress,
    remotePort,
    localAddress,
    localPort,
    remoteAddr: { hostname: remoteAddress, port: remotePort, transport: unix ? 'unix' : 'tcp' },
  }
}
