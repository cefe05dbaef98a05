/**
 * IP addresses and prefixes, parsed and matched by hand: the trusted-proxy list behind
 * `trustProxy`, and the address checks of the PROXY protocol and `Forwarded` parsers.
 *
 * Every address is held as 16 bytes; IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`, RFC 4291
 * §2.5.5.2), so that `127.0.0.1` in the list matches a dual-stack socket's
 * `::ffff:127.0.0.1` peer and an IPv4 CIDR `/n` is simply the mapped `/96+n`.
 * Parsers return null on bad input; only `compileTrustedProxies` throws (on bad config).
 * @module
 */

/** An address as 16 bytes (IPv4 mapped), and the family it was written in. */
export interface IpAddress {
  bytes: Uint8Array
  version: 4 | 6
}

/** A CIDR prefix over the 16-byte form. */
export interface IpPrefix {
  bytes: Uint8Array
  /** Prefix length in bits of the 16-byte form (an IPv4 /8 is 104). */
  bits: number
}

/** A compiled `trustProxy` list. */
export interface TrustedProxies {
  readonly prefixes: readonly IpPrefix[]
  /** Trust peers with no IP address (unix socket connections): the `'unix'` keyword. */
  readonly unix: boolean
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

/**
 * RFC 3986 §3.2.2 (and the PROXY v1 spec, which forbids leading zeros to avoid octal):
 *   IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
 *   dec-octet   = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
 * Returns the 4 bytes, or null.
 */
export function parseIPv4(s: string): Uint8Array | null {
  const out = new Uint8Array(4)
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return null
      out[part++] = value
      value = 0
      digits = 0
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null // leading zero
      value = value * 10 + (c - 0x30)
      if (value > 255) return null
      digits++
    } else {
      return null
    }
  }
  return part === 4 ? out : null
}

/**
 * RFC 4291 §2.2: eight groups of 1–4 hex digits, at most one `::` standing for one or more
 * zero groups, and optionally a dotted IPv4 address in place of the last two groups.
 * Returns the 16 bytes, or null.
 */
export function parseIPv6(s: string): Uint8Array | null {
  if (s.length < 2 || s.length > 45) return null
  const groups: number[] = []
  let gap = -1
  let i = 0
  if (s.startsWith('::')) {
    gap = 0
    i = 2
    if (i === s.length) return new Uint8Array(16)
  } else if (s.charCodeAt(0) === 0x3a) {
    return null
  }
  for (;;) {
    // One group, or a trailing dotted IPv4 address.
    let end = i
    while (end < s.length && s.charCodeAt(end) !== 0x3a) end++
    const piece = s.slice(i, end)
    if (end === s.length && piece.includes('.')) {
      const v4 = parseIPv4(piece)
      if (v4 === null) return null
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      break
    }
    if (piece.length === 0 || piece.length > 4) return null
    let value = 0
    for (let k = 0; k < piece.length; k++) {
      const h = hexValue(piece.charCodeAt(k))
      if (h < 0) return null
      value = (value << 4) | h
    }
    groups.push(value)
    if (end === s.length) break
    i = end + 1
    if (s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return null // a second "::"
      gap = groups.length
      i++
      if (i === s.length) break
    } else if (i === s.length) {
      return null // a trailing single ":"
    }
    if (groups.length > 8) return null
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null
  const out = new Uint8Array(16)
  const tail = groups.length - (gap < 0 ? groups.length : gap)
  for (let g = 0; g < groups.length; g++) {
    const slot = gap < 0 || g < gap ? g : 8 - tail + (g - gap)
    out[slot * 2] = groups[g]! >> 8
    out[slot * 2 + 1] = groups[g]! & 0xff
  }
  return out
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const lower = c | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/**
 * An IPv4 or IPv6 address in the 16-byte form, or null. A `%zone` suffix (link-local peers
 * as some runtimes report them) is dropped: zones do not take part in matching.
 */
export function parseIp(s: string): IpAddress | null {
  if (s.includes(':')) {
    const zone = s.indexOf('%')
    const bytes = parseIPv6(zone < 0 ? s : zone === 0 || zone === s.length - 1 ? '' : s.slice(0, zone))
    return bytes === null ? null : { bytes, version: 6 }
  }
  const v4 = parseIPv4(s)
  return v4 === null ? null : { bytes: mapIPv4(v4), version: 4 }
}

/** `a.b.c.d` → `::ffff:a.b.c.d` as 16 bytes. */
export function mapIPv4(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16)
  out.set(MAPPED_PREFIX)
  out.set(v4, 12)
  return out
}

/** True for `::ffff:0:0/96`, the IPv4-mapped range. */
export function isIPv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (bytes[i] !== MAPPED_PREFIX[i]) return false
  return true
}

/** Dotted-quad text of 4 bytes. */
export function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`
}

/**
 * RFC 5952 text of 16 bytes: lowercase, no leading zeros, the longest run (leftmost on a
 * tie) of two or more zero groups as `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`
 * (§5), the form runtimes report for IPv4 peers on dual-stack sockets.
 */
export function formatIPv6(bytes: Uint8Array): string {
  if (isIPv4Mapped(bytes)) return `::ffff:${formatIPv4(bytes.subarray(12))}`
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!)
  let bestStart = -1
  let bestLength = 1 // §4.2.2: a single zero group is not compressed
  for (let g = 0; g < 8; ) {
    if (groups[g] !== 0) {
      g++
      continue
    }
    let end = g
    while (end < 8 && groups[end] === 0) end++
    if (end - g > bestLength) {
      bestStart = g
      bestLength = end - g
    }
    g = end
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((n) => n.toString(16)).join(':')
  if (bestStart < 0) return hex(0, 8)
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`
}

/**
 * `address` or `address/bits` (IPv4 bits 0–32, IPv6 0–128), or null. Host bits beyond the
 * prefix must be zero (`10.0.0.1/8` is refused): a typo there usually means a wrong list.
 */
export function parseCidr(s: string): IpPrefix | null {
  const slash = s.indexOf('/')
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash))
  if (ip === null || s.includes('%')) return null
  const max = ip.version === 4 ? 32 : 128
  let bits = max
  if (slash >= 0) {
    const text = s.slice(slash + 1)
    if (!/^(0|[1-9][0-9]{0,2})$/.test(text)) return null
    bits = Number(text)
    if (bits > max) return null
  }
  if (ip.version === 4) bits += 96
  for (let bit = bits; bit < 128; bit++) {
    if ((ip.bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return null
  }
  return { bytes: ip.bytes, bits }
}

/** True when `address` (16-byte form) lies inside `prefix`. */
export function prefixContains(prefix: IpPrefix, address: Uint8Array): boolean {
  const whole = prefix.bits >> 3
  for (let i = 0; i < whole; i++) if (prefix.bytes[i] !== address[i]) return false
  const rest = prefix.bits & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (prefix.bytes[whole]! & mask) === (address[whole]! & mask)
}

/** Keyword ranges a `trustProxy` list may name instead of spelling out the CIDRs. */
const KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  // RFC 1122 §3.2.1.3, RFC 4291 §2.5.3
  loopback: ['127.0.0.0/8', '::1/128'],
  // RFC 1918 §3, RFC 4193 §8 (unique local)
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  // RFC 3927, RFC 4291 §2.5.6
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
}

/**
 * Compiles a `trustProxy` list: addresses, CIDRs, and the keywords `loopback`, `private`,
 * `linklocal` and `unix` (peers without an IP address, i.e. unix socket connections).
 * Throws a TypeError naming the first bad entry: a misspelt list must fail at startup,
 * not silently trust nobody (or everybody).
 */
export function compileTrustedProxies(list: readonly string[]): TrustedProxies {
  const prefixes: IpPrefix[] = []
  let unix = false
  for (const entry of list) {
    const key = entry.trim().toLowerCase()
    if (key === 'unix') {
      unix = true
      continue
    }
    for (const cidr of KEYWORDS[key] ?? [key]) {
      const prefix = parseCidr(cidr)
      if (prefix === null) throw new TypeError(`trustProxy: not an address, CIDR or keyword: ${JSON.stringify(entry)}`)
      prefixes.push(prefix)
    }
  }
  return { prefixes, unix }
}

/**
 * True when the peer is a trusted proxy. `undefined` (no IP address: a unix socket) is
 * trusted only with the `unix` keyword; text that is not an address is never trusted.
 */
export function isTrustedProxy(trusted: TrustedProxies, address: string | undefined): boolean {
  if (address === undefined || address === '') return trusted.unix
  const ip = parseIp(address)
  return ip !== null && isTrustedIp(trusted, ip.bytes)
}

/** `isTrustedProxy` for an address already in the 16-byte form. */
export function isTrustedIp(trusted: TrustedProxies, bytes: Uint8Array): boolean {
  for (const prefix of trusted.prefixes) if (prefixContains(prefix, bytes)) return true
  return false
}
