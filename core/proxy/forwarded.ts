/**
 * Who the client is behind HTTP proxies: `Forwarded` (RFC 7239) or `X-Forwarded-For`,
 * `-Proto` and `-Host`, believed only as far as a chain of trusted proxies vouches for them.
 *
 * Theory of operation: each proxy appends the address of whoever connected to it, so the
 * list is read right to left, starting from the socket peer. While the hop we know about is
 * a trusted proxy, the entry it appended is believed and becomes the next hop; the first
 * hop that is not a trusted proxy is the client. Everything left of it was written by the
 * client or by proxies we do not know, and is ignored. proto and host come from the same
 * entry as the client address (so, written by a trusted proxy), never from further left.
 *
 * Invariants: nothing here throws on header content. A malformed entry stops the walk and
 * the last hop known for certain (a trusted proxy, or the peer itself) is the answer: a
 * garbled header may cost the client its attribution, never let it choose one. A peer that
 * is not trusted gets its own address and no proto/host, whatever its headers say.
 * @module
 */
import { HTAB, SP, TCHAR } from '../http/abnf.ts'
import { fieldValues, readQuotedString, splitList } from '../http/field-list.ts'
import { checkHost } from '../http1/fields.ts'
import {
  formatIPv4,
  formatIPv6,
  isTrustedIp,
  isTrustedProxy,
  mapIPv4,
  parseIPv4,
  parseIPv6,
  type TrustedProxies,
} from './ip-address.ts'

/** A node (RFC 7239 §6) or an X-Forwarded-For entry. */
export interface ForwardedNode {
  /** `ip`: an address we can match; `unknown` (§6.2) and `obfuscated` (§6.3): we cannot. */
  kind: 'ip' | 'unknown' | 'obfuscated'
  /** IPv4 dotted quad, RFC 5952 IPv6 (no brackets), `unknown`, or the `_identifier`. */
  name: string
  /** The address as 16 bytes (IPv4 mapped) when `kind` is `ip`. */
  ip: Uint8Array | null
  /** A numeric port, if one was given (an obfuscated port is dropped). */
  port: number | undefined
}

/** One `forwarded-element` (RFC 7239 §4); extension parameters are checked, then dropped. */
export interface ForwardedElement {
  for?: ForwardedNode
  by?: ForwardedNode
  /** Lowercased URI scheme (§5.4). */
  proto?: string
  /** The Host value the client sent (§5.3). */
  host?: string
}

/** What the resolver concluded about the client. */
export interface ForwardedClient {
  /**
   * The client's address: IP text, or `unknown` / an `_obfuscated` identifier when the
   * trusted proxy nearest to the client said so. Undefined only for an untrusted unix peer.
   */
  clientAddress: string | undefined
  clientPort?: number
  /** Only `http` or `https` (the schemes a request URL here can have), as the client used. */
  proto?: 'http' | 'https'
  /** The authority the client asked for, as its nearest trusted proxy reported it. */
  host?: string
}

/** The connection's own peer. */
export interface ForwardedPeer {
  /** Undefined for unix sockets. */
  address: string | undefined
  port: number | undefined
}

/**
 * Which header family the trusted proxies write. There is no safe "both": a proxy that
 * maintains one family passes the other through untouched, and that one is the client's.
 */
export type ForwardedHeaders = 'x-forwarded' | 'forwarded'

/**
 * Resolves the client behind `peer`, reading `headers` (a flat `[name, value, …]` list) only
 * if the peer is in `trusted`. Never throws.
 */
export function resolveForwarded(
  peer: ForwardedPeer,
  headers: readonly string[],
  trusted: TrustedProxies,
  which: ForwardedHeaders = 'x-forwarded',
): ForwardedClient {
  const direct: ForwardedClient = peer.port === undefined
    ? { clientAddress: peer.address }
    : { clientAddress: peer.address, clientPort: peer.port }
  if (!isTrustedProxy(trusted, peer.address)) return direct
  const hops = which === 'forwarded' ? forwardedHops(headers) : xForwardedHops(headers)
  // Right to left: hops[i] is believed only if whoever appended it (hops[i + 1], or the peer)
  // is trusted, which the loop guarantees by stopping at the first hop that is not.
  let found: Hop | null = null
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (hop.node === null) break
    found = hop
    if (hop.node.ip === null || !isTrustedIp(trusted, hop.node.ip)) break
  }
  if (found === null) return direct
  const node = found.node!
  const client: ForwardedClient = { clientAddress: node.name }
  if (node.port !== undefined) client.clientPort = node.port
  if (found.proto === 'http' || found.proto === 'https') client.proto = found.proto
  if (found.host !== undefined) client.host = found.host
  return client
}

/** One hop of the chain; `node` null = malformed entry. */
interface Hop {
  node: ForwardedNode | null
  proto: string | undefined
  host: string | undefined
}

function forwardedHops(headers: readonly string[]): Hop[] {
  const hops: Hop[] = []
  for (const value of fieldValues(headers, 'forwarded')) {
    for (const element of parseForwarded(value)) {
      // An element without for= names no hop; it cannot be matched, so it ends the walk.
      hops.push(element?.for === undefined
        ? { node: null, proto: undefined, host: undefined }
        : { node: element.for, proto: element.proto, host: element.host })
    }
  }
  return hops
}

/**
 * X-Forwarded-For has one entry per hop; -Proto and -Host, when proxies append to them too,
 * line up with it from the right. A proxy that overwrites them leaves one value, which lines
 * up with the last hop only, so earlier hops get no proto/host: the safe reading.
 */
function xForwardedHops(headers: readonly string[]): Hop[] {
  const hops: Hop[] = []
  for (const value of fieldValues(headers, 'x-forwarded-for')) {
    for (const entry of splitList(value, true)) hops.push({ node: parseXForwardedFor(entry), proto: undefined, host: undefined })
  }
  const protos = fieldValues(headers, 'x-forwarded-proto').flatMap((v) => splitList(v, true))
  const hosts = fieldValues(headers, 'x-forwarded-host').flatMap((v) => splitList(v, true))
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!
    const proto = protos[protos.length - (hops.length - i)]
    if (proto !== undefined && isScheme(proto)) hop.proto = proto.toLowerCase()
    const host = hosts[hosts.length - (hops.length - i)]
    if (host !== undefined && isHost(host)) hop.host = host
  }
  return hops
}

/**
 * An X-Forwarded-For entry: IPv4, IPv6 (bare or in brackets), either with a port (some
 * proxies add one: `192.0.2.1:4711`, `[2001:db8::1]:4711`), or `unknown`. Null otherwise.
 */
export function parseXForwardedFor(entry: string): ForwardedNode | null {
  if (entry.toLowerCase() === 'unknown') return { kind: 'unknown', name: 'unknown', ip: null, port: undefined }
  if (entry.startsWith('[')) return parseNode(entry)
  const colons = entry.split(':').length - 1
  if (colons > 1) {
    const v6 = parseIPv6(entry)
    return v6 === null ? null : { kind: 'ip', name: formatIPv6(v6), ip: v6, port: undefined }
  }
  return parseNode(entry)
}

/**
 * RFC 7239 §6:
 *   node     = nodename [ ":" node-port ]
 *   nodename = IPv4address / "[" IPv6address "]" / "unknown" / obfnode
 *   obfnode  = "_" 1*( ALPHA / DIGIT / "." / "_" / "-")
 *   node-port = port / obfport     port = 1*5DIGIT     obfport = "_" 1*(ALPHA / DIGIT / "." / "_" / "-")
 */
export function parseNode(s: string): ForwardedNode | null {
  let name: string
  let rest: string
  if (s.startsWith('[')) {
    const close = s.indexOf(']')
    if (close < 0) return null
    name = s.slice(0, close + 1)
    rest = s.slice(close + 1)
  } else {
    const colon = s.indexOf(':')
    name = colon < 0 ? s : s.slice(0, colon)
    rest = colon < 0 ? '' : s.slice(colon)
  }
  let port: number | undefined
  if (rest !== '') {
    if (rest.charCodeAt(0) !== 0x3a) return null
    const text = rest.slice(1)
    if (/^[0-9]{1,5}$/.test(text)) {
      port = Number(text)
      if (port > 65535) return null
    } else if (!isObfuscated(text)) {
      return null
    }
  }
  if (name.startsWith('[')) {
    const v6 = name.endsWith(']') ? parseIPv6(name.slice(1, -1)) : null
    return v6 === null ? null : { kind: 'ip', name: formatIPv6(v6), ip: v6, port }
  }
  if (name.toLowerCase() === 'unknown') return { kind: 'unknown', name: 'unknown', ip: null, port }
  if (isObfuscated(name)) return { kind: 'obfuscated', name, ip: null, port }
  const v4 = parseIPv4(name)
  return v4 === null ? null : { kind: 'ip', name: formatIPv4(v4), ip: mapIPv4(v4), port }
}

function isObfuscated(s: string): boolean {
  return /^_[A-Za-z0-9._-]+$/.test(s)
}

/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
function isScheme(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(s)
}

/** RFC 9110 §7.2 Host, non-empty (an empty authority cannot build a URL). */
function isHost(s: string): boolean {
  if (s === '') return false
  try {
    checkHost(s)
    return true
  } catch {
    return false
  }
}

/**
 * Parses one `Forwarded` field value (RFC 7239 §4):
 *   Forwarded         = 1#forwarded-element
 *   forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
 *   forwarded-pair    = token "=" value
 *   value             = token / quoted-string
 * Returns one entry per element, null for a malformed one (bad syntax, a parameter twice
 * (§4: "MUST NOT occur more than once"), or an invalid for/by/proto/host); after a
 * malformed element parsing resumes at the next comma outside a quoted string. Empty list
 * elements are skipped (RFC 9110 §5.6.1). OWS is tolerated around ";" as well as ",".
 */
export function parseForwarded(value: string): (ForwardedElement | null)[] {
  const out: (ForwardedElement | null)[] = []
  let pos = 0
  const n = value.length
  while (pos < n) {
    pos = skipOws(value, pos)
    if (pos >= n) break
    if (value.charCodeAt(pos) === 0x2c) {
      pos++
      continue
    }
    const parsed = parseElement(value, pos)
    out.push(parsed.element)
    pos = parsed.element === null ? skipToComma(value, parsed.end) : parsed.end
  }
  return out
}

function parseElement(s: string, start: number): { element: ForwardedElement | null; end: number } {
  const element: ForwardedElement = {}
  const seen = new Set<string>()
  let pos = start
  for (;;) {
    pos = skipOws(s, pos)
    if (pos >= s.length || s.charCodeAt(pos) === 0x2c) return { element, end: pos }
    if (s.charCodeAt(pos) === 0x3b) {
      pos++
      continue
    }
    let nameEnd = pos
    while (nameEnd < s.length && TCHAR[s.charCodeAt(nameEnd)] === 1) nameEnd++
    if (nameEnd === pos || s.charCodeAt(nameEnd) !== 0x3d) return { element: null, end: nameEnd }
    const name = s.slice(pos, nameEnd).toLowerCase()
    const read = readValue(s, nameEnd + 1)
    if (read === null || seen.has(name)) return { element: null, end: read?.end ?? nameEnd + 1 }
    seen.add(name)
    pos = skipOws(s, read.end)
    if (pos < s.length && s.charCodeAt(pos) !== 0x3b && s.charCodeAt(pos) !== 0x2c) return { element: null, end: pos }
    const v = read.value
    if (name === 'for' || name === 'by') {
      const node = parseNode(v)
      if (node === null) return { element: null, end: pos }
      element[name] = node
    } else if (name === 'proto') {
      if (!isScheme(v)) return { element: null, end: pos }
      element.proto = v.toLowerCase()
    } else if (name === 'host') {
      if (!isHost(v)) return { element: null, end: pos }
      element.host = v
    }
  }
}

/** token / quoted-string (RFC 9110 §5.6.4). */
function readValue(s: string, start: number): { value: string; end: number } | null {
  if (s.charCodeAt(start) === 0x22) return readQuotedString(s, start)
  let end = start
  while (end < s.length && TCHAR[s.charCodeAt(end)] === 1) end++
  return end === start ? null : { value: s.slice(start, end), end }
}

function skipOws(s: string, pos: number): number {
  while (pos < s.length && (s.charCodeAt(pos) === SP || s.charCodeAt(pos) === HTAB)) pos++
  return pos
}

/** The next comma outside a quoted string (or the end): where parsing can safely resume. */
function skipToComma(s: string, pos: number): number {
  let quoted = false
  for (let i = pos; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (quoted) {
      if (c === 0x5c) i++
      else if (c === 0x22) quoted = false
    } else if (c === 0x22) {
      quoted = true
    } else if (c === 0x2c) {
      return i
    }
  }
  return s.length
}
