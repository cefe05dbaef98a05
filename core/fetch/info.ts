/**
 * The `info` argument the app gets with each request (the peer and local addresses), as
 * Deno's serve() shapes it.
 * @module
 */
import type { ServeInfo } from './app.ts'

/** Addresses of a connection, as a Transport reports them. */
export interface PeerAddresses {
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
}

/**
 * The `info` argument read from the transport on first use: on Node each address costs a
 * syscall (getpeername, getsockname), which most apps never need.
 */
export function peerInfo(transport: PeerAddresses, unix: boolean): ServeInfo {
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
