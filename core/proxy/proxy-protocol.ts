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
import { asciiDecode, latin1Decode } from '../http1/ascii.ts'
import { ParseError } from '../http1/errors.ts'
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address.ts'

/** One TLV of a v2 header (spec §2.2), in wire order; also the SSL TLV's sub-TLVs. */
export interface ProxyTlv {
  type: number
  value: Uint8Array
}

/** An address the proxy reports: IP text (RFC 5952 for IPv6) and port, or a unix path. */
export interface ProxyEndpoint {
  address: string
  /** Undefined for unix sockets. */
  port: number | undefined
}

/** PP2_TYPE_SSL (spec §2.2.6): how the client reached the proxy over TLS. */
export interface ProxySsl {
  /** The raw `client` bit field (PP2_CLIENT_*). */
  client: number
  /** The raw `verify` field: 0 when a client certificate was presented and verified. */
  verify: number
  /** PP2_CLIENT_SSL: the client connected over SSL/TLS. */
  tls: boolean
  /** PP2_CLIENT_CERT_CONN or _SESS was set and `verify` is 0. */
  clientCertificateVerified: boolean
  /** PP2_SUBTYPE_SSL_VERSION, e.g. `TLSv1.3`. */
  version?: string
  /** PP2_SUBTYPE_SSL_CN: the client certificate's Common Name. */
  commonName?: string
  /** PP2_SUBTYPE_SSL_CIPHER, e.g. `ECDHE-RSA-AES128-GCM-SHA256`. */
  cipher?: string
  /** PP2_SUBTYPE_SSL_SIG_ALG, e.g. `SHA256`. */
  signatureAlgorithm?: string
  /** PP2_SUBTYPE_SSL_KEY_ALG, e.g. `RSA2048`. */
  keyAlgorithm?: string
  /** Every sub-TLV, recognised or not. */
  tlvs: ProxyTlv[]
}

/** What both kinds of header carry besides addresses (v2 TLVs; empty for v1). */
export interface ProxyDetails {
  version: 1 | 2
  /** Every TLV in wire order, recognised or not (NOOP and custom types included). */
  tlvs: ProxyTlv[]
  /** PP2_TYPE_ALPN, e.g. `h2`. */
  alpn?: string
  /** PP2_TYPE_AUTHORITY: the host name the client asked for (TLS SNI). */
  authority?: string
  /** PP2_TYPE_SSL. */
  ssl?: ProxySsl
  /** PP2_TYPE_NETNS: the network namespace's name. */
  netns?: string
  /** PP2_TYPE_UNIQUE_ID: up to 128 opaque bytes naming the connection. */
  uniqueId?: Uint8Array
}

/** The header relays a client connection: use `source` as the peer. */
export interface ProxiedConnection extends ProxyDetails {
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
export interface LocalConnection extends ProxyDetails {
  proxied: false
  reason: 'local' | 'unknown'
}

/** A parsed header. */
export type ProxyInfo = ProxiedConnection | LocalConnection

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

/** Spec §2.2: registered TLV types. */
export const PP2_TYPE = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  NETNS: 0x30,
} as const

/** Spec §2.2.6: sub-TLV types inside PP2_TYPE_SSL. */
export const PP2_SUBTYPE_SSL = {
  VERSION: 0x21,
  CN: 0x22,
  CIPHER: 0x23,
  SIG_ALG: 0x24,
  KEY_ALG: 0x25,
} as const

/** Spec §2.2.6: bits of the SSL TLV's `client` field. */
export const PP2_CLIENT = { SSL: 0x01, CERT_CONN: 0x02, CERT_SESS: 0x04 } as const

const NOT_DONE: { done: false } = { done: false }
const V1_PREFIX = 'PROXY '
const CR = 0x0d
const LF = 0x0a
const utf8 = new TextDecoder('utf-8', { fatal: true })

function invalid(message: string): ParseError {
  return new ParseError('invalid-proxy-header', message)
}

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
  const info: ProxiedConnection = {
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

/**
 * Spec §2.2: TLVs fill the rest of the header exactly, each `type, length_hi, length_lo,
 * value[length]`. Recognised types are decoded and checked; the rest are kept opaque.
 */
function parseTlvs(header: Uint8Array, start: number): ProxyDetails {
  const details: ProxyDetails = { version: 2, tlvs: [] }
  const tlvs = splitTlvs(header, start, header.length, 'TLV')
  details.tlvs = tlvs
  const seen = new Set<number>()
  for (const { type, value } of tlvs) {
    if (type === PP2_TYPE.NOOP || !isRecognised(type)) continue
    // One value per connection: two AUTHORITY or two CRC32C TLVs would be ambiguous.
    if (seen.has(type)) throw invalid(`v2 TLV type 0x${type.toString(16)} appears twice`)
    seen.add(type)
    if (type === PP2_TYPE.ALPN) {
      if (value.length === 0) throw invalid('v2 ALPN TLV is empty')
      details.alpn = latin1Decode(value, 0, value.length)
    } else if (type === PP2_TYPE.AUTHORITY) {
      details.authority = decodeUtf8(value, 'AUTHORITY')
    } else if (type === PP2_TYPE.CRC32C) {
      checkCrc32c(header, value)
    } else if (type === PP2_TYPE.UNIQUE_ID) {
      // §2.2.5: "an opaque byte sequence of up to 128 bytes".
      if (value.length > 128) throw invalid('v2 UNIQUE_ID TLV is longer than 128 bytes')
      details.uniqueId = value
    } else if (type === PP2_TYPE.SSL) {
      details.ssl = parseSsl(value)
    } else {
      details.netns = decodeAscii(value, 'NETNS')
    }
  }
  return details
}

function isRecognised(type: number): boolean {
  return type === PP2_TYPE.ALPN || type === PP2_TYPE.AUTHORITY || type === PP2_TYPE.CRC32C
    || type === PP2_TYPE.UNIQUE_ID || type === PP2_TYPE.SSL || type === PP2_TYPE.NETNS
}

function splitTlvs(bytes: Uint8Array, start: number, end: number, what: string): ProxyTlv[] {
  const tlvs: ProxyTlv[] = []
  let i = start
  while (i < end) {
    if (end - i < 3) throw invalid(`v2 ${what} header truncated`)
    const length = (bytes[i + 1]! << 8) | bytes[i + 2]!
    if (i + 3 + length > end) throw invalid(`v2 ${what} value runs past the header`)
    tlvs.push({ type: bytes[i]!, value: bytes.subarray(i + 3, i + 3 + length) })
    i += 3 + length
  }
  return tlvs
}

/**
 * Spec §2.2.6:  struct pp2_tlv_ssl { uint8_t client; uint32_t verify; struct pp2_tlv sub_tlv[0]; }
 */
function parseSsl(value: Uint8Array): ProxySsl {
  if (value.length < 5) throw invalid('v2 SSL TLV is shorter than 5 bytes')
  const client = value[0]!
  const verify = new DataView(value.buffer, value.byteOffset + 1, 4).getUint32(0)
  const tlvs = splitTlvs(value, 5, value.length, 'SSL sub-TLV')
  const ssl: ProxySsl = {
    client,
    verify,
    tls: (client & PP2_CLIENT.SSL) !== 0,
    clientCertificateVerified: (client & (PP2_CLIENT.CERT_CONN | PP2_CLIENT.CERT_SESS)) !== 0 && verify === 0,
    tlvs,
  }
  const seen = new Set<number>()
  for (const { type, value: sub } of tlvs) {
    if (type < PP2_SUBTYPE_SSL.VERSION || type > PP2_SUBTYPE_SSL.KEY_ALG) continue
    if (seen.has(type)) throw invalid(`v2 SSL sub-TLV type 0x${type.toString(16)} appears twice`)
    seen.add(type)
    if (type === PP2_SUBTYPE_SSL.VERSION) ssl.version = decodeAscii(sub, 'SSL_VERSION')
    else if (type === PP2_SUBTYPE_SSL.CN) ssl.commonName = decodeUtf8(sub, 'SSL_CN')
    else if (type === PP2_SUBTYPE_SSL.CIPHER) ssl.cipher = decodeAscii(sub, 'SSL_CIPHER')
    else if (type === PP2_SUBTYPE_SSL.SIG_ALG) ssl.signatureAlgorithm = decodeAscii(sub, 'SSL_SIG_ALG')
    else ssl.keyAlgorithm = decodeAscii(sub, 'SSL_KEY_ALG')
  }
  return ssl
}

function decodeUtf8(value: Uint8Array, what: string): string {
  try {
    return utf8.decode(value)
  } catch {
    throw invalid(`v2 ${what} TLV is not UTF-8`)
  }
}

/** The spec calls these "US-ASCII string"s. */
function decodeAscii(value: Uint8Array, what: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value[i]! < 0x20 || value[i]! > 0x7e) throw invalid(`v2 ${what} TLV is not printable US-ASCII`)
  }
  return asciiDecode(value, 0, value.length)
}

/**
 * Spec §2.2.3: the checksum is CRC32c (RFC 4960 App. B) of the whole header with the
 * checksum field zeroed; a mismatch means "the receiver MUST treat the TCP connection …
 * as invalid". The value is sent in network byte order.
 */
function checkCrc32c(header: Uint8Array, field: Uint8Array): void {
  if (field.length !== 4) throw invalid('v2 CRC32C TLV is not 4 bytes')
  const expected = ((field[0]! << 24) | (field[1]! << 16) | (field[2]! << 8) | field[3]!) >>> 0
  const copy = header.slice()
  copy.fill(0, field.byteOffset - header.byteOffset, field.byteOffset - header.byteOffset + 4)
  if (crc32c(copy) !== expected) throw invalid('v2 CRC32C checksum mismatch')
}

let crcTable: Uint32Array | null = null

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as in RFC 4960 Appendix B. */
export function crc32c(bytes: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable())
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
}
