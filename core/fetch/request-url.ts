/**
 * The request's URL as Fetch needs it (absolute), built from the request-target, Host and
 * the listener, and the methods Fetch cannot represent. The same for every protocol: an
 * HTTP/2 request arrives with `:path` and `:authority` standing for target and Host.
 * @module
 */
import { getHeader, type HeaderList } from '../http/field-list.ts'

/**
 * The request URL (Fetch needs an absolute one): scheme from the listener, authority from
 * the absolute-form target (RFC 9112 §3.2.2: it overrides Host) or from Host, else from
 * the local address (HTTP/1.0 without Host). Returns null if no valid URL results.
 */
export function requestUrl(target: string, headers: HeaderList, scheme: string, local: LocalAddress): string | null {
  if (target.charCodeAt(0) === 0x2f) {
    const host = getHeader(headers, 'host') || localAuthority(local)
    return `${scheme}://${host}${target}`
  }
  if (target === '*') {
    const host = getHeader(headers, 'host') || localAuthority(local)
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
