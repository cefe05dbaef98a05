/**
 * PROXY protocol v1 and v2 headers (haproxy doc/proxy-protocol.txt, "spec" below).
 * `tests/core/proxy-protocol.test.ts` runs each one whole, at every prefix length and at an
 * unaligned offset. The `haproxy …` vectors are bytes captured from haproxy 2.6 `send-proxy`,
 * `send-proxy-v2` and `send-proxy-v2-ssl-cn` (their CRC32C values are haproxy's own).
 * @module
 */
import { crc32c } from '../../core/proxy/proxy-protocol.ts'

/** One header. Valid vectors have `info`; invalid ones have `error`. */
export interface ProxyVector {
  name: string
  /** The spec section or the attack this vector covers. */
  why: string
  /** Latin1 text or bytes. */
  input: string | Uint8Array
  /** Expected header length; default the whole input. */
  consumed?: number
  /** Partial match against the parsed `ProxyInfo`. */
  info?: Record<string, unknown>
  /** The parser must throw this code. */
  error?: 'invalid-proxy-header'
  /** With `error`: the shortest prefix that must already throw (early refusal). */
  failsBy?: number
  /** `parseProxyHeader` options. */
  maxV2Bytes?: number
}

export const hex = (h: string): Uint8Array => new Uint8Array(h.replace(/\s+/g, '').match(/../g)!.map((x) => parseInt(x, 16)))
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0))
const u16 = (n: number): number[] => [n >> 8, n & 0xff]

export const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

/** A TLV: type, 16-bit length, value. */
export function tlv(type: number, value: number[] | string): number[] {
  const bytes = typeof value === 'string' ? ascii(value) : value
  return [type, ...u16(bytes.length), ...bytes]
}

/** A v2 header: ver_cmd, fam, then `body` (addresses and TLVs); the length is computed. */
export function v2(verCmd: number, fam: number, body: number[]): Uint8Array {
  return new Uint8Array([...SIGNATURE, verCmd, fam, ...u16(body.length), ...body])
}

/** Like `v2`, plus a CRC32C TLV at the end carrying the right (or a wrong) checksum. */
export function v2WithCrc(verCmd: number, fam: number, body: number[], corrupt = false): Uint8Array {
  const header = v2(verCmd, fam, [...body, ...tlv(0x03, [0, 0, 0, 0])])
  const crc = crc32c(header) ^ (corrupt ? 1 : 0)
  header.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], header.length - 4)
  return header
}

const IPV4_BLOCK = [192, 0, 2, 1, 198, 51, 100, 7, ...u16(56324), ...u16(443)]
const IPV6_BLOCK = [
  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 9,
  ...u16(1), ...u16(8080),
]
function unixBlock(src: string, dst: string, abstractSrc = false): number[] {
  const block = new Array<number>(216).fill(0)
  ascii(src).forEach((c, i) => (block[i + (abstractSrc ? 1 : 0)] = c))
  ascii(dst).forEach((c, i) => (block[108 + i] = c))
  return block
}
const SSL_EMPTY = [0x01, 0, 0, 0, 0]
const repeat = (n: number, byte = 0x61): number[] => new Array<number>(n).fill(byte)

const h4 = (line: string): string => `PROXY TCP4 ${line}\r\n`
const h6 = (line: string): string => `PROXY TCP6 ${line}\r\n`

export const proxyV1: ProxyVector[] = [
  {
    name: 'haproxy send-proxy', why: 'spec §2.1, real sender',
    input: hex('50524f58592054435034203132372e302e302e31203132372e302e302e312033393931322031393038320d0a'),
    info: {
      version: 1, proxied: true, family: 'ipv4', transport: 'stream',
      source: { address: '127.0.0.1', port: 39912 }, destination: { address: '127.0.0.1', port: 19082 },
    },
  },
  {
    name: 'spec example', why: 'spec §2.1 example line', input: h4('192.168.0.1 192.168.0.11 56324 443'),
    info: { source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 } },
  },
  {
    name: 'longest TCP4 line', why: 'spec §2.1: 56 chars', input: h4('255.255.255.255 255.255.255.255 65535 65535'),
    info: { source: { address: '255.255.255.255', port: 65535 } },
  },
  { name: 'port 0', why: 'spec §2.1: range [0..65535]', input: h4('10.0.0.1 10.0.0.2 0 0'), info: { source: { address: '10.0.0.1', port: 0 } } },
  {
    name: 'TCP6 compressed', why: 'spec §2.1: one "::" allowed', input: h6('2001:db8::1 ::1 1 8080'),
    info: { family: 'ipv6', source: { address: '2001:db8::1', port: 1 }, destination: { address: '::1', port: 8080 } },
  },
  {
    name: 'TCP6 full form, uppercase', why: 'spec §2.1: 4 hex digits, upper or lower case; normalized to RFC 5952',
    input: h6('2001:0DB8:0000:0000:0000:0000:0000:0001 FE80:0000:0000:0000:0000:0000:0000:00FF 443 443'),
    info: { source: { address: '2001:db8::1', port: 443 }, destination: { address: 'fe80::ff', port: 443 } },
  },
  {
    name: 'TCP6 IPv4-mapped', why: 'inet_ntop writes mapped peers as ::ffff:a.b.c.d', input: h6('::ffff:192.0.2.1 ::ffff:10.0.0.1 5 6'),
    info: { family: 'ipv6', source: { address: '::ffff:192.0.2.1', port: 5 } },
  },
  {
    name: 'longest TCP6 line', why: 'spec §2.1: 104 chars',
    input: h6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535'),
    info: { source: { address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535 } },
  },
  { name: 'UNKNOWN short form', why: 'spec §2.1: rest of the line may be omitted', input: 'PROXY UNKNOWN\r\n', info: { version: 1, proxied: false, reason: 'unknown' } },
  {
    name: 'UNKNOWN worst case, 107 bytes', why: 'spec §2.1: 107 chars must be supported; the rest is ignored',
    input: 'PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n',
    consumed: 107, info: { proxied: false, reason: 'unknown' },
  },
  { name: 'UNKNOWN with garbage', why: 'spec §2.1: "the receiver must ignore anything presented before the CRLF"', input: 'PROXY UNKNOWN what ever\r\n', info: { proxied: false } },

  { name: 'HTTP request instead', why: 'spec §2: no guessing; refuse on the first byte', input: 'GET / HTTP/1.1\r\n\r\n', error: 'invalid-proxy-header', failsBy: 1 },
  { name: 'lowercase proxy', why: 'spec §2.1: exactly "PROXY"', input: 'proxy TCP4 1.2.3.4 1.2.3.4 1 1\r\n', error: 'invalid-proxy-header', failsBy: 1 },
  { name: 'PROXY without space', why: 'spec §2.1: exactly one space', input: 'PROXYTCP4 1.2.3.4 1.2.3.4 1 1\r\n', error: 'invalid-proxy-header', failsBy: 6 },
  { name: 'unknown protocol', why: 'spec §2.1: TCP4, TCP6 or UNKNOWN only', input: 'PROXY UDP4 1.2.3.4 1.2.3.4 1 1\r\n', error: 'invalid-proxy-header' },
  { name: 'UNKNOWN with a suffix', why: 'spec §2.1: the word is UNKNOWN', input: 'PROXY UNKNOWNX\r\n', error: 'invalid-proxy-header' },
  { name: 'empty protocol', why: 'spec §2.1', input: 'PROXY \r\n', error: 'invalid-proxy-header' },
  { name: 'two spaces', why: 'spec §2.1: exactly one space', input: h4('1.2.3.4  1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'trailing space', why: 'spec §2.1: CRLF right after the port', input: h4('1.2.3.4 1.2.3.4 1 1 '), error: 'invalid-proxy-header' },
  { name: 'missing port', why: 'spec §2.1: six fields', input: h4('1.2.3.4 1.2.3.4 1'), error: 'invalid-proxy-header' },
  { name: 'extra field', why: 'spec §2.1: six fields', input: h4('1.2.3.4 1.2.3.4 1 1 1'), error: 'invalid-proxy-header' },
  { name: 'leading zero in address', why: 'spec §2.1: no heading zeroes (octal confusion)', input: h4('192.168.0.01 1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'octet 256', why: 'spec §2.1: [0..255]', input: h4('1.2.3.256 1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'three octets', why: 'spec §2.1: exactly 4 integers', input: h4('1.2.3 1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'host name', why: 'spec §2.1: addresses only', input: h4('localhost 1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'leading zero in port', why: 'spec §2.1: no heading zeroes', input: h4('1.2.3.4 1.2.3.4 0443 1'), error: 'invalid-proxy-header' },
  { name: 'port 65536', why: 'spec §2.1: [0..65535]', input: h4('1.2.3.4 1.2.3.4 65536 1'), error: 'invalid-proxy-header' },
  { name: 'signed port', why: 'spec §2.1: a decimal integer', input: h4('1.2.3.4 1.2.3.4 +1 1'), error: 'invalid-proxy-header' },
  { name: 'TCP4 with IPv6', why: 'spec §2.1: "the advertised protocol family dictates what format to use"', input: h4('::1 ::1 1 1'), error: 'invalid-proxy-header' },
  { name: 'TCP6 with IPv4', why: 'spec §2.1: family dictates format', input: h6('1.2.3.4 1.2.3.4 1 1'), error: 'invalid-proxy-header' },
  { name: 'IPv6 two double colons', why: 'spec §2.1: one double colon', input: h6('1::2::3 ::1 1 1'), error: 'invalid-proxy-header' },
  { name: 'IPv6 too many groups', why: 'spec §2.1: exactly 128 bits', input: h6('1:2:3:4:5:6:7:8:9 ::1 1 1'), error: 'invalid-proxy-header' },
  { name: 'IPv6 with zone', why: 'spec §2.1: address only', input: h6('fe80::1%eth0 ::1 1 1'), error: 'invalid-proxy-header' },
  { name: 'bare LF', why: 'spec §2.1: "must not tolerate a single CR or LF"', input: 'PROXY TCP4 1.2.3.4 1.2.3.4 1 1\n', error: 'invalid-proxy-header', failsBy: 31 },
  { name: 'bare CR', why: 'spec §2.1: "must not tolerate a single CR or LF"', input: 'PROXY TCP4 1.2.3.4 1.2.3.4 1 1\rX', error: 'invalid-proxy-header', failsBy: 32 },
  { name: 'NUL byte', why: 'US-ASCII text line', input: 'PROXY UNKNOWN \x00\r\n', error: 'invalid-proxy-header', failsBy: 15 },
  { name: 'tab separator', why: 'spec §2.1: exactly one space', input: 'PROXY\tTCP4', error: 'invalid-proxy-header', failsBy: 6 },
  { name: 'non-ASCII byte', why: 'US-ASCII text line', input: 'PROXY UNKNOWN \xe9\r\n', error: 'invalid-proxy-header', failsBy: 15 },
  {
    name: 'no CRLF in 107 bytes', why: 'spec §2.1: "If the CRLF sequence is not found in the first 107 characters … invalid"',
    input: `PROXY UNKNOWN ${'a'.repeat(120)}\r\n`, error: 'invalid-proxy-header', failsBy: 107,
  },
  {
    name: '108-byte line', why: 'spec §2.1: CRLF must end within 107 bytes',
    input: `PROXY UNKNOWN ${'a'.repeat(92)}\r\n`, error: 'invalid-proxy-header', failsBy: 107,
  },
]

export const proxyV2: ProxyVector[] = [
  {
    name: 'haproxy send-proxy-v2, IPv4, CRC32C', why: 'spec §2.2, §2.2.3: real sender, checksum verified',
    input: hex('0d0a0d0a000d0a515549540a2111001e7f0000017f000001b3304a89030004a381bdf10500002000050000000000'),
    info: {
      version: 2, proxied: true, family: 'ipv4', transport: 'stream',
      source: { address: '127.0.0.1', port: 45872 }, destination: { address: '127.0.0.1', port: 19081 },
      uniqueId: new Uint8Array(0), ssl: { client: 0, verify: 0, tls: false, tlvs: [] },
    },
  },
  {
    name: 'haproxy send-proxy-v2, IPv6, UNIQUE_ID', why: 'spec §2.2, §2.2.5: real sender',
    input: hex('0d0a0d0a000d0a515549540a2121003c0000000000000000000000000000000100000000000000000000000000000001e74e4a8b03000419b069f80500066162633132332000050000000000'),
    info: {
      family: 'ipv6', source: { address: '::1', port: 59214 }, destination: { address: '::1', port: 19083 },
      uniqueId: new Uint8Array(ascii('abc123')),
    },
  },
  {
    name: 'haproxy send-proxy-v2-ssl-cn over TLS', why: 'spec §2.2.1, §2.2.2, §2.2.6: ALPN, AUTHORITY, SSL sub-TLVs, CRC32C',
    input: hex(`0d0a0d0a000d0a515549540a2111006c7f0000017f000001ca1c4a8c030004e0211b9f010008687474702f312e3102
      00096c6f63616c686f737420003f0100000000210007544c5376312e332500075253413230343824000a5253412d53
      4841323536230016544c535f4145535f3235365f47434d5f534841333834`),
    info: {
      source: { address: '127.0.0.1', port: 51740 }, alpn: 'http/1.1', authority: 'localhost',
      ssl: {
        client: 1, verify: 0, tls: true, clientCertificateVerified: false, version: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384', signatureAlgorithm: 'RSA-SHA256', keyAlgorithm: 'RSA2048',
      },
    },
  },
  {
    name: 'no TLVs', why: 'spec §2.2: TCP over IPv4, 12-byte block',
    input: hex('0d0a0d0a000d0a515549540a2111000cac130001ac130003a6520050'),
    info: { source: { address: '172.19.0.1', port: 42578 }, destination: { address: '172.19.0.3', port: 80 }, tlvs: [] },
  },
  {
    name: 'IPv6 with mapped destination', why: 'spec §2.2: 36-byte block; RFC 5952 output', input: v2(0x21, 0x21, IPV6_BLOCK),
    info: { family: 'ipv6', source: { address: '2001:db8::1', port: 1 }, destination: { address: '::ffff:192.0.2.9', port: 8080 } },
  },
  { name: 'UDP over IPv4', why: 'spec §2.2: \\x12', input: v2(0x21, 0x12, IPV4_BLOCK), info: { transport: 'dgram', source: { address: '192.0.2.1', port: 56324 } } },
  { name: 'UDP over IPv6', why: 'spec §2.2: \\x22', input: v2(0x21, 0x22, IPV6_BLOCK), info: { family: 'ipv6', transport: 'dgram' } },
  {
    name: 'UNIX stream', why: 'spec §2.2: \\x31, 2 × 108 bytes', input: v2(0x21, 0x31, unixBlock('/run/client.sock', '/run/portico.sock')),
    info: { family: 'unix', source: { address: '/run/client.sock', port: undefined }, destination: { address: '/run/portico.sock', port: undefined } },
  },
  {
    name: 'UNIX abstract socket', why: 'Linux abstract names start with NUL', input: v2(0x21, 0x32, unixBlock('hidden', '/p', true)),
    info: { transport: 'dgram', source: { address: '@hidden' } },
  },
  { name: 'LOCAL, UNSPEC', why: 'spec §2.2: health check; use the real endpoints', input: v2(0x20, 0x00, []), info: { proxied: false, reason: 'local' } },
  {
    name: 'LOCAL with addresses', why: 'spec §2.2: LOCAL "must use the real connection endpoints"', input: v2(0x20, 0x11, IPV4_BLOCK),
    info: { proxied: false, reason: 'local' },
  },
  {
    name: 'LOCAL with a short block', why: 'spec §2.2: LOCAL discards the block "including the family which is ignored"', input: v2(0x20, 0x11, [1, 2, 3]),
    info: { proxied: false, reason: 'local', tlvs: [] },
  },
  {
    name: 'LOCAL with TLVs', why: 'spec §2.2: receivers "must not assume zero is presented for LOCAL"', input: v2WithCrc(0x20, 0x00, tlv(0x05, 'id')),
    info: { proxied: false, uniqueId: new Uint8Array(ascii('id')) },
  },
  { name: 'PROXY, UNSPEC', why: 'spec §2.2: AF_UNSPEC: "use the real endpoint addresses"', input: v2(0x21, 0x00, []), info: { proxied: false, reason: 'unknown' } },
  {
    name: 'PROXY, UNSPEC with AUTHORITY', why: 'spec §2.2: TLVs follow an empty block', input: v2(0x21, 0x00, tlv(0x02, 'example.com')),
    info: { proxied: false, authority: 'example.com' },
  },
  {
    name: 'NOOP, custom and experimental TLVs', why: 'spec §2.2.4, §2.2.8: kept opaque, in order',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x04, []), ...tlv(0xe0, [1, 2]), ...tlv(0xf5, 'x')]),
    info: { tlvs: [{ type: 0x04, value: new Uint8Array(0) }, { type: 0xe0, value: new Uint8Array([1, 2]) }, { type: 0xf5, value: new Uint8Array([0x78]) }] },
  },
  { name: 'NOOP twice', why: 'spec §2.2.4: padding may repeat', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x04, [0]), ...tlv(0x04, [0, 0])]), info: { proxied: true } },
  { name: 'NETNS', why: 'spec §2.2.7', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x30, 'blue')]), info: { netns: 'blue' } },
  { name: 'UNIQUE_ID of 128 bytes', why: 'spec §2.2.5: up to 128 bytes', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x05, repeat(128))]), info: { proxied: true } },
  {
    name: 'SSL with client certificate', why: 'spec §2.2.6: CERT_CONN + verify 0, UTF-8 CN',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x20, [0x03, 0, 0, 0, 0, 0x22, 0, 6, 0x63, 0x61, 0x66, 0xc3, 0xa9, 0x2e])]),
    info: { ssl: { client: 3, tls: true, clientCertificateVerified: true, commonName: 'café.' } },
  },
  {
    name: 'SSL certificate not verified', why: 'spec §2.2.6: non-zero verify',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x20, [0x05, 0, 0, 0, 9])]),
    info: { ssl: { client: 5, verify: 9, clientCertificateVerified: false } },
  },
  {
    name: 'CRC32C at the front', why: 'spec §2.2.3: the field may sit anywhere; zeroed in place',
    input: (() => {
      const h = v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x03, [0, 0, 0, 0]), ...tlv(0x02, 'a.example')])
      const crc = crc32c(h)
      h.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], 16 + 12 + 3)
      return h
    })(),
    info: { authority: 'a.example' },
  },
  {
    name: 'header of exactly maxV2Bytes', why: 'limits: N is accepted', maxV2Bytes: 64,
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0xe1, repeat(64 - 16 - 12 - 3))]), info: { proxied: true },
  },

  { name: 'signature byte 5 wrong', why: 'spec §2.2: exact signature; refused as soon as seen', input: v2(0x21, 0x11, IPV4_BLOCK).map((b, i) => (i === 4 ? 1 : b)), error: 'invalid-proxy-header', failsBy: 5 },
  { name: 'signature last byte wrong', why: 'spec §2.2: exact signature', input: v2(0x21, 0x11, IPV4_BLOCK).map((b, i) => (i === 11 ? 0x0d : b)), error: 'invalid-proxy-header', failsBy: 12 },
  { name: 'HTTP CRLF preamble', why: 'a bare CRLF before HTTP is not a v2 signature', input: '\r\nGET / HTTP/1.1\r\n\r\n', error: 'invalid-proxy-header', failsBy: 3 },
  { name: 'version 1 nibble', why: 'spec §2.2: "the receiver must only accept" version 2', input: v2(0x11, 0x11, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 13 },
  { name: 'version 3 nibble', why: 'spec §2.2: only version 2', input: v2(0x31, 0x11, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 13 },
  { name: 'command 2', why: 'spec §2.2: "Receivers must drop connections presenting unexpected values"', input: v2(0x22, 0x11, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 13 },
  { name: 'family 4', why: 'spec §2.2: other families "must be rejected as invalid"', input: v2(0x21, 0x41, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 14 },
  { name: 'protocol 3', why: 'spec §2.2: other protocols "must be rejected as invalid"', input: v2(0x21, 0x13, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 14 },
  { name: 'INET with UNSPEC protocol', why: 'spec §2.2: not one of the listed combinations', input: v2(0x21, 0x10, IPV4_BLOCK), error: 'invalid-proxy-header', failsBy: 14 },
  { name: 'UNSPEC with STREAM protocol', why: 'spec §2.2: not one of the listed combinations', input: v2(0x21, 0x01, []), error: 'invalid-proxy-header', failsBy: 14 },
  { name: 'IPv4 block too short', why: 'spec §2.2: PROXY needs the whole 12-byte block', input: v2(0x21, 0x11, IPV4_BLOCK.slice(0, 8)), error: 'invalid-proxy-header' },
  { name: 'IPv6 block too short', why: 'spec §2.2: 36 bytes', input: v2(0x21, 0x21, IPV4_BLOCK), error: 'invalid-proxy-header' },
  { name: 'UNIX block too short', why: 'spec §2.2: 216 bytes', input: v2(0x21, 0x31, IPV6_BLOCK), error: 'invalid-proxy-header' },
  {
    name: 'length over maxV2Bytes', why: 'limits: N + 1 is refused as soon as the length is read', maxV2Bytes: 63,
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0xe1, repeat(64 - 16 - 12 - 3))]), error: 'invalid-proxy-header', failsBy: 16,
  },
  { name: 'length 65535', why: 'bounded: the default limit refuses it before buffering', input: new Uint8Array([...SIGNATURE, 0x21, 0x11, 0xff, 0xff]), error: 'invalid-proxy-header', failsBy: 16 },
  { name: 'TLV header truncated', why: 'spec §2.2: TLVs fill the header exactly', input: v2(0x21, 0x11, [...IPV4_BLOCK, 0x04, 0]), error: 'invalid-proxy-header' },
  { name: 'TLV value past the end', why: 'spec §2.2: the length bounds the TLVs', input: v2(0x21, 0x11, [...IPV4_BLOCK, 0x04, 0, 5, 1, 2]), error: 'invalid-proxy-header' },
  { name: 'CRC32C mismatch', why: 'spec §2.2.3: "MUST treat the TCP connection … as invalid"', input: v2WithCrc(0x21, 0x11, IPV4_BLOCK, true), error: 'invalid-proxy-header' },
  {
    name: 'CRC32C of a tampered capture', why: 'spec §2.2.3: the source port changed in transit',
    input: hex('0d0a0d0a000d0a515549540a2111001e7f0000017f000001b3314a89030004a381bdf10500002000050000000000'), error: 'invalid-proxy-header',
  },
  { name: 'CRC32C of 3 bytes', why: 'spec §2.2.3: a 32-bit number', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x03, [1, 2, 3])]), error: 'invalid-proxy-header' },
  {
    name: 'two CRC32C TLVs', why: 'ambiguous checksum',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x03, [0, 0, 0, 0]), ...tlv(0x03, [0, 0, 0, 0])]), error: 'invalid-proxy-header',
  },
  {
    name: 'two AUTHORITY TLVs', why: 'spoofing: two parsers could pick different hosts',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x02, 'a.example'), ...tlv(0x02, 'b.example')]), error: 'invalid-proxy-header',
  },
  { name: 'AUTHORITY not UTF-8', why: 'spec §2.2.2: a UTF8-encoded string', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x02, [0xff, 0x61])]), error: 'invalid-proxy-header' },
  { name: 'empty ALPN', why: 'spec §2.2.1: a protocol name', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x01, [])]), error: 'invalid-proxy-header' },
  { name: 'UNIQUE_ID of 129 bytes', why: 'spec §2.2.5: up to 128 bytes', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x05, repeat(129))]), error: 'invalid-proxy-header' },
  { name: 'SSL TLV of 4 bytes', why: 'spec §2.2.6: client (1) + verify (4)', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x20, [1, 0, 0, 0])]), error: 'invalid-proxy-header' },
  {
    name: 'SSL sub-TLV truncated', why: 'spec §2.2.6: sub-TLVs fill the SSL TLV exactly',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x20, [...SSL_EMPTY, 0x21, 0, 9, 0x54])]), error: 'invalid-proxy-header',
  },
  {
    name: 'SSL_VERSION not ASCII', why: 'spec §2.2.6: US-ASCII string',
    input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x20, [...SSL_EMPTY, ...tlv(0x21, [0x54, 0x00])])]), error: 'invalid-proxy-header',
  },
  { name: 'NETNS not ASCII', why: 'spec §2.2.7: US-ASCII string', input: v2(0x21, 0x11, [...IPV4_BLOCK, ...tlv(0x30, [0xe9])]), error: 'invalid-proxy-header' },
]
