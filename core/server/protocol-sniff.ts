/**
 * Which protocol a new connection speaks. Over TLS, ALPN has said so when the client offered
 * it. On cleartext (and TLS without ALPN) the first bytes say it: the HTTP/2 client preface
 * `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` means h2c with prior knowledge (RFC 9113 §3.3), anything
 * else is HTTP/1.1 — an HTTP/1.1 request differs from the preface by its second byte at the
 * latest, so an HTTP/1.1 client is never kept waiting for bytes it will not send.
 * @module
 */
import { concatBytes } from '../http/ascii.ts'
import { CONNECTION_PREFACE } from '../http2/frame-types.ts'

/** What the first bytes said, and the bytes read to know it (for the chosen engine). */
export interface Sniffed {
  protocol: 'h2' | 'http/1.1'
  bytes: Uint8Array
  /** The client closed its side before the protocol showed (HTTP/1.1 then sees EOF). */
  eof: boolean
}

/**
 * Decides between HTTP/2 and HTTP/1.1. `first` holds bytes already read (after a PROXY
 * header); `read` reads more (under the caller's headers deadline), null at EOF.
 */
export async function sniffProtocol(
  alpn: string | null | undefined,
  http2: boolean,
  first: Uint8Array,
  read: () => Promise<Uint8Array | null>,
): Promise<Sniffed> {
  if (!http2 || alpn === 'http/1.1') return { protocol: 'http/1.1', bytes: first, eof: false }
  if (alpn === 'h2') return { protocol: 'h2', bytes: first, eof: false }
  let bytes = first
  while (bytes.length < CONNECTION_PREFACE.length && startsLike(bytes, CONNECTION_PREFACE)) {
    const chunk = await read()
    if (chunk === null) return { protocol: 'http/1.1', bytes, eof: true }
    bytes = bytes.length === 0 ? chunk : concatBytes([bytes, chunk])
  }
  return { protocol: startsLike(bytes, CONNECTION_PREFACE) ? 'h2' : 'http/1.1', bytes, eof: false }
}

/** `bytes` agree with the start of `prefix` as far as both go. */
function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(bytes.length, prefix.length)
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false
  return true
}
