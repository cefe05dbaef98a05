/**
 * The PROXY protocol header, read before any HTTP and only from a trusted peer. The spec
 * forbids guessing, so an untrusted peer, a missing or a malformed header gets the
 * connection closed unanswered. The header's source replaces the peer address; the bytes
 * after it belong to the HTTP engine.
 * @module
 */
import { concatBytes } from '../http/ascii.ts'
import { parseProxyHeader } from '../proxy/proxy-protocol.ts'
import type { PeerAddresses } from './connection-info.ts'
import type { Transport } from './transport.ts'

/** What followed a valid PROXY header. */
export interface ProxyPreamble {
  /** The real client's addresses, or null for a LOCAL header (the proxy's own health check). */
  peer: PeerAddresses | null
  /** The client came over a unix socket. */
  unix: boolean
  /** Bytes after the header: the start of the HTTP stream. */
  rest: Uint8Array
}

/** Reads the header; null when the connection must close (EOF, reset, malformed header). */
export async function readProxyPreamble(transport: Transport, isClosed: () => boolean): Promise<ProxyPreamble | null> {
  let buffered: Uint8Array = new Uint8Array(0)
  try {
    for (;;) {
      const chunk = await transport.read()
      if (isClosed() || chunk === null) return null
      buffered = buffered.length === 0 ? chunk : concatBytes([buffered, chunk])
      const result = parseProxyHeader(buffered)
      if (!result.done) continue
      const header = result.info
      const rest = buffered.subarray(result.consumed)
      if (!header.proxied) return { peer: null, unix: false, rest }
      const { source, destination } = header
      const peer = { remoteAddress: source.address, remotePort: source.port, localAddress: destination.address, localPort: destination.port }
      return { peer, unix: header.family === 'unix', rest }
    }
  } catch {
    // ParseError('invalid-proxy-header') or a reset: nothing to answer.
    return null
  }
}
