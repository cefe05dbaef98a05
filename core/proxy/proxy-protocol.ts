/**
 * The PROXY protocol header, versions 1 (text) and 2 (binary), parsed sans-I/O: a proxy in
 * front of us (haproxy `send-proxy`, AWS NLB, …) prepends it so that we learn the client's
 * addresses. Spec: haproxy's doc/proxy-protocol.txt ("the spec" below).
 *
 * Theory of operation: `parseProxyHeader` is handed every byte received so far, from the
 * first byte of the connection, and is stateless. It answers "need more" until the header is
 * complete, then says how many bytes it took; the rest is HTTP. It throws
 * `ParseError('invalid-proxy-header')` as soon as the bytes so far can no longer become a
 * valid header, so a client that is not a proxy is refused on its first read.
 *
 * It must not know whether a header is expected: spec §2, the receiver "MUST not try to
 * guess", and §5, it must only be accepted from trusted sources. That policy is the
 * caller's (`proxyProtocol` and `trustProxy` in ServeOptions).
 * @module
 */
import { asciiDecode } from '../http/ascii.ts'
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address.ts'
import { invalid, parseTlvs, type ProxyDetails } from './proxy-tlvs.ts'

export { crc32c, PP2_CLIENT, PP2_SUBTYPE_SSL, PP2_TYPE, type ProxyDetails, type ProxySsl, type ProxyTlv } from './proxy-tlvs.ts'

/** An address the proxy reports: IP text (RFC 5952 for IPv6) and port, or a unix path. */
export interface ProxyEndpoint {
  address: string
  /** Undefined for unix sockets. */
  port: number | undefined
}

/** The header relays a client connection: use `source` as the peer. */
export interface ProxiedHeader extends ProxyDetails {
  proxied: true
  family: 'ipv4' | 'ipv6' | 'unix'
  transport: 'stream' | 'dgram'
  source: ProxyEndpoint
  destination: ProxyEndpoint
}

/**
 * The connection's own addresses apply: a v2 LOCAL command (`'local'`, e.g. a health
 * check), or v1 `UNKNOWN` / v2 AF_UNSPEC (`'unknown'`).
 */
export interface LocalHeader extends ProxyDetails {
  proxied: false
  reason: 'local' | 'unknown'
}

/** A parsed header. */
export type ProxyInfo = ProxiedHeader | LocalHeader

/** `parseProxyHeader`'s answer: more bytes needed, or the header and its length. */
export type ProxyHeaderResult = { done: false } | { done: true; consumed: number; info: ProxyInfo }

/** Options for `parseProxyHeader`. */
export interface ProxyHeaderOptions {
  /** Largest v2 header accepted, fixed part and TLVs included. Default `DEFAULT_MAX_PROXY_V2_BYTES`. */
  maxV2Bytes?: number
}

/** Spec §2.1: a v1 line, CRLF included, is at most 107 bytes. */
export const MAX_PROXY_V1_BYTES = 107

/**
 * Default bound on a v2 header. The spec allows 16 + 65 535 bytes; real senders stay far
 * below (a unix address block is 216 bytes, AWS and GCP TLVs are tens of bytes), and a
 * large bound only lets a peer make us buffer before any HTTP.
 */
export const DEFAULT_MAX_PROXY_V2_BYTES = 4096

/** Spec §2.2: the 12-byte v2 signature. */
export const PROXY_V2_SIGNATURE: Uint8Array = new Uint8Array([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
])

const utf8 = new TextDecoder('utf-8', { fatal: true })
const NOT_DONE: { done: false } = { done: false }
const V1_PREFIX = 'PROXY '
const CR = 0x0d
const LF = 0x0a


/**
 * Parses a PROXY v1 or v2 header at the start of `bytes` (everything received so far).
 * Returns `{ done: false }` while the header is incomplete, else the header's length in
 * `consumed` and what it says in `info`. Throws `ParseError('invalid-proxy-header')` for
 * anything the spec does not allow, as early as the bytes show it.
 */
export function parseProxyHeader(bytes: Uint8Array, options?: ProxyHeaderOptions): ProxyHeaderResult {
  if (bytes.length === 0) return NOT_DONE
  // Spec §2.2: the two signatures differ in their first byte.
  if (bytes[0] === 0x50) return parseV1(bytes)
  if (bytes[0] === CR) return parseV2(bytes, options?.maxV2Bytes ?? DEFAULT_MAX_PROXY_V2_BYTES)
  throw invalid('no PROXY protocol signature')
}

/**
 * Spec §2.1:
 *   "PROXY" SP ( "TCP4" / "TCP6" ) SP src SP dst SP sport SP dport CRLF
 *   "PROXY" SP "UNKNOWN" *( anything but CRLF ) CRLF
 * Exactly one space between fields, no leading zeros, at most 107 bytes, and only CRLF
 * ends the line (a lone CR or LF is an error).
 */
function parseV1(bytes: Uint8Array): ProxyHeaderResult {
  const prefixEnd = Math.min(bytes.length, V1_PREFIX.length)
  for (let i = 0; i < prefixEnd; i++) {
    if (bytes[i] !== V1_PREFIX.charCodeAt(i)) throw invalid('v1 header does not start with "PROXY "')
  }
  const limit = Math.min(bytes.length, MAX_PROXY_V1_BYTES)
  let cr = -1
  for (let i = prefixEnd; i < limit; i++) {
    const c = bytes[i]!
    if (c === CR) {
      cr = i
      break
    }
    if (c === LF) throw invalid('v1 line ends with a bare LF')
    if (c < 0x20 || c > 0x7e) throw invalid('v1 line has a byte that is not printable US-ASCII')
  }
  if (cr < 0) {
    if (bytes.length >= MAX_PROXY_V1_BYTES) throw invalid('v1 line longer than 107 bytes')
    return NOT_DONE
  }
  if (cr + 1 >= MAX_PROXY_V1_BYTES) throw invalid('v1 line longer than 107 bytes')
  if (cr + 1 === bytes.length) return NOT_DONE
  if (bytes[cr + 1] !== LF) throw invalid('v1 line has a bare CR')
  const fields = asciiDecode(bytes, 0, cr).split(' ')
  const consumed = cr + 2
  const protocol = fields[1]
  if (protocol === 'UNKNOWN') {
    // Spec §2.1: for UNKNOWN "the receiver must ignore anything presented before the CRLF".
    return { done: true, consumed, info: { version: 1, tlvs: [], proxied: false, reason: 'unknown' } }
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') throw invalid('v1 protocol is not TCP4, TCP6 or UNKNOWN')
  if (fields.length !== 6) throw invalid('v1 line does not have exactly six fields')
  const ipv4 = protocol === 'TCP4'
  const parse = ipv4 ? parseIPv4 : parseIPv6
  const src = parse(fields[2]!)
  const dst = parse(fields[3]!)
  if (src === null || dst === null) throw invalid(`v1 address is not a valid ${ipv4 ? 'IPv4' : 'IPv6'} address`)
  const format = ipv4 ? formatIPv4 : formatIPv6
  const info: ProxiedHeader = {
    version: 1,
    tlvs: [],
    proxied: true,
    family: ipv4 ? 'ipv4' : 'ipv6',
    transport: 'stream',
    source: { address: format(src), port: parseV1Port(fields[4]!) },
    destination: { address: format(dst), port: parseV1Port(fields[5]!) },
  }
  return { done: true, consumed, info }
}

/** Spec §2.1: a decimal in [0..65535], no leading zeros ("to avoid … octal"). */
function parseV1Port(s: string): number {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(s)) throw invalid('v1 port is not a decimal without leading zeros')
  const port = Number(s)
  if (port > 65535) throw invalid('v1 port is above 65535')
  return port
}

/** Spec §2.2: address-block length for each accepted family/protocol byte. */
const V2_ADDRESS_BYTES: Readonly<Record<number, number>> = {
  0x00: 0, // UNSPEC
  0x11: 12, // TCP over IPv4
  0x12: 12, // UDP over IPv4
  0x21: 36, // TCP over IPv6
  0x22: 36, // UDP over IPv6
  0x31: 216, // UNIX stream
  0x32: 216, // UNIX datagram
}

/**
 * Spec §2.2:
 *   sig[12] = 0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A
 *   ver_cmd = version 2 (high nibble) | LOCAL 0 / PROXY 1 (low nibble)
 *   fam     = AF_UNSPEC 0 / INET 1 / INET6 2 / UNIX 3 (high) | UNSPEC 0 / STREAM 1 / DGRAM 2 (low)
 *   len     = uint16, network order: bytes after these 16
 * then the address block, then TLVs up to `len`.
 */
function parseV2(bytes: Uint8Array, maxBytes: number): ProxyHeaderResult {
  const signatureEnd = Math.min(bytes.length, PROXY_V2_SIGNATURE.length)
  for (let i = 0; i < signatureEnd; i++) {
    if (bytes[i] !== PROXY_V2_SIGNATURE[i]) throw invalid('v2 signature mismatch')
  }
  if (bytes.length > 12) {
    // "the receiver must only accept" version 2; "other [command] values are unassigned …
    // Receivers must drop connections presenting unexpected values here."
    const versionCommand = bytes[12]!
    if (versionCommand >> 4 !== 2) throw invalid('v2 version nibble is not 2')
    if ((versionCommand & 0x0f) > 1) throw invalid('v2 command is neither LOCAL nor PROXY')
  }
  // Only the combinations the spec lists; other families and protocols "must be rejected".
  if (bytes.length > 13 && V2_ADDRESS_BYTES[bytes[13]!] === undefined) {
    throw invalid('v2 address family or transport protocol is not one the spec lists')
  }
  if (bytes.length < 16) return NOT_DONE
  const total = 16 + ((bytes[14]! << 8) | bytes[15]!)
  if (total > maxBytes) throw invalid(`v2 header of ${total} bytes exceeds the limit of ${maxBytes}`)
  if (bytes.length < total) return NOT_DONE

  const local = (bytes[12]! & 0x0f) === 0
  const fam = bytes[13]!
  let addressBytes = V2_ADDRESS_BYTES[fam]!
  if (total - 16 < addressBytes) {
    // Spec: LOCAL ignores the family ("discard the protocol block"), so a short block is
    // skipped whole (no TLVs); for PROXY it means the header lies about its addresses.
    if (!local) throw invalid('v2 length is shorter than the address block')
    addressBytes = total - 16
  }
  const header = bytes.subarray(0, total)
  const details = parseTlvs(header, 16 + addressBytes)
  if (local) return { done: true, consumed: total, info: { ...details, proxied: false, reason: 'local' } }
  if (fam === 0x00) return { done: true, consumed: total, info: { ...details, proxied: false, reason: 'unknown' } }

  const family = fam >> 4 === 1 ? 'ipv4' : fam >> 4 === 2 ? 'ipv6' : 'unix'
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
  let source: ProxyEndpoint
  let destination: ProxyEndpoint
  if (family === 'ipv4') {
    source = { address: formatIPv4(header.subarray(16, 20)), port: view.getUint16(24) }
    destination = { address: formatIPv4(header.subarray(20, 24)), port: view.getUint16(26) }
  } else if (family === 'ipv6') {
    source = { address: formatIPv6(header.subarray(16, 32)), port: view.getUint16(48) }
    destination = { address: formatIPv6(header.subarray(32, 48)), port: view.getUint16(50) }
  } else {
    source = { address: unixPath(header.subarray(16, 124)), port: undefined }
    destination = { address: unixPath(header.subarray(124, 232)), port: undefined }
  }
  const transport = (fam & 0x0f) === 1 ? 'stream' : 'dgram'
  return { done: true, consumed: total, info: { ...details, proxied: true, family, transport, source, destination } }
}

/**
 * A `sun_path` of 108 bytes: the path up to its NUL. Linux abstract names (leading NUL)
 * are shown as `@name`, as ss(8) and haproxy's `abns@` do.
 */
function unixPath(raw: Uint8Array): string {
  const abstract = raw[0] === 0
  const start = abstract ? 1 : 0
  let end = start
  while (end < raw.length && raw[end] !== 0) end++
  let path: string
  try {
    path = utf8.decode(raw.subarray(start, end))
  } catch {
    throw invalid('v2 unix address is not UTF-8')
  }
  return abstract ? (end === start ? '' : `@${path}`) : path
}
