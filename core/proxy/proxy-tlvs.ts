/**
 * The TLVs of a PROXY v2 header (haproxy's doc/proxy-protocol.txt §2.2): ALPN, authority,
 * CRC32C, unique id, SSL with its sub-TLVs, netns. Recognised types are decoded and checked;
 * the rest are kept opaque, in wire order.
 * @module
 */
import { asciiDecode, latin1Decode } from '../http/ascii.ts'
import { ParseError } from '../http1/errors.ts'

/** One TLV of a v2 header (spec §2.2), in wire order; also the SSL TLV's sub-TLVs. */
export interface ProxyTlv {
  type: number
  value: Uint8Array
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

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The error for anything the spec does not allow in a header. */
export function invalid(message: string): ParseError {
  return new ParseError('invalid-proxy-header', message)
}

/**
 * Spec §2.2: TLVs fill the rest of the header exactly, each `type, length_hi, length_lo,
 * value[length]`. Recognised types are decoded and checked; the rest are kept opaque.
 */
export function parseTlvs(header: Uint8Array, start: number): ProxyDetails {
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
  const copy = new Uint8Array(header) // a copy to zero the field in, whatever array type came in
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
