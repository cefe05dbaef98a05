/**
 * The opening handshake (RFC 6455 §4.2.1) and permessage-deflate negotiation (RFC 7692
 * §5, §7.1), as data.
 * @module
 */
import type { HandshakeErrorCode } from '../../core/ws/handshake.ts'
import type { DeflateOptions, DeflateParams } from '../../core/ws/permessage-deflate.ts'

/** One handshake request and what `validateHandshake()` must say. */
export interface HandshakeVector {
  name: string
  why: string
  method?: string
  version?: '1.0' | '1.1'
  headers: string[]
  expect:
    | { ok: true; accept?: string; protocols?: string[]; extensions?: { name: string; params: { name: string; value: string | null }[] }[] }
    | { ok: false; status: 400 | 426; code: HandshakeErrorCode }
}

/** RFC 6455 §1.3 / §4.2.2: the example key and its accept value. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
export const SAMPLE_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='

const BASE = ['Host', 'server.example.com', 'Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Key', SAMPLE_KEY, 'Sec-WebSocket-Version', '13']

/** The base request with some fields replaced (`null` removes a field) and others appended. */
export function fields(changes: Record<string, string | null> = {}, extra: string[] = []): string[] {
  const out: string[] = []
  for (let i = 0; i < BASE.length; i += 2) {
    const name = BASE[i]!
    const change = changes[name]
    if (change === null) continue
    out.push(name, change ?? BASE[i + 1]!)
  }
  return [...out, ...extra]
}

const bad = (code: HandshakeErrorCode): HandshakeVector['expect'] => ({ ok: false, status: 400, code })
const version426: HandshakeVector['expect'] = { ok: false, status: 426, code: 'unsupported-websocket-version' }

export const handshakes: HandshakeVector[] = [
  {
    name: 'RFC 6455 §1.3 example', why: 'RFC 6455 §1.3: the sample key gives the sample accept value',
    headers: ['Host', 'server.example.com', 'Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Key', SAMPLE_KEY,
      'Origin', 'http://example.com', 'Sec-WebSocket-Protocol', 'chat, superchat', 'Sec-WebSocket-Version', '13'],
    expect: { ok: true, accept: SAMPLE_ACCEPT, protocols: ['chat', 'superchat'], extensions: [] },
  },
  {
    name: 'lowercase names, mixed-case tokens', why: 'RFC 9110 §5.1 names and RFC 6455 §4.2.1 tokens are case-insensitive',
    headers: ['host', 'a', 'upgrade', 'WebSocket', 'connection', 'keep-alive, UPGRADE', 'sec-websocket-key', SAMPLE_KEY, 'sec-websocket-version', '13'],
    expect: { ok: true, accept: SAMPLE_ACCEPT },
  },
  { name: 'Upgrade lists several protocols', why: 'RFC 9110 §7.8: Upgrade is a list', headers: fields({ Upgrade: 'h2c, websocket' }), expect: { ok: true } },
  {
    name: 'Connection split over two lines', why: 'RFC 9110 §5.3: repeated list fields combine',
    headers: fields({ Connection: 'keep-alive' }, ['Connection', 'Upgrade']), expect: { ok: true },
  },
  { name: 'key with surrounding whitespace', why: 'RFC 9110 §5.5: OWS around a value is not part of it', headers: fields({ 'Sec-WebSocket-Key': ` ${SAMPLE_KEY} ` }), expect: { ok: true, accept: SAMPLE_ACCEPT } },
  { name: 'POST', why: 'RFC 6455 §4.2.1 item 1: the method MUST be GET', method: 'POST', headers: fields(), expect: bad('invalid-method') },
  { name: 'lowercase get', why: 'RFC 9110 §9.1: methods are case-sensitive', method: 'get', headers: fields(), expect: bad('invalid-method') },
  { name: 'HTTP/1.0', why: 'RFC 6455 §4.2.1 item 1: HTTP/1.1 or higher', version: '1.0', headers: fields(), expect: bad('invalid-http-version') },
  { name: 'no Host', why: 'RFC 6455 §4.2.1 item 2', headers: fields({ Host: null }), expect: bad('missing-host') },
  { name: 'no Upgrade', why: 'RFC 6455 §4.2.1 item 3', headers: fields({ Upgrade: null }), expect: bad('missing-upgrade') },
  { name: 'Upgrade: h2c only', why: 'RFC 6455 §4.2.1 item 3: the list must contain websocket', headers: fields({ Upgrade: 'h2c' }), expect: bad('missing-upgrade') },
  { name: 'Connection without upgrade', why: 'RFC 6455 §4.2.1 item 4', headers: fields({ Connection: 'keep-alive' }), expect: bad('missing-connection-upgrade') },
  { name: 'Connection: upgraded', why: 'RFC 6455 §4.2.1 item 4: a token, not a substring', headers: fields({ Connection: 'upgraded' }), expect: bad('missing-connection-upgrade') },
  { name: 'no Sec-WebSocket-Key', why: 'RFC 6455 §4.2.1 item 5', headers: fields({ 'Sec-WebSocket-Key': null }), expect: bad('invalid-key') },
  { name: 'key of 15 bytes', why: 'RFC 6455 §4.2.1 item 5: 16 bytes once decoded', headers: fields({ 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAA' }), expect: bad('invalid-key') },
  { name: 'key of 17 bytes', why: 'RFC 6455 §4.2.1 item 5', headers: fields({ 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAAAAA=' }), expect: bad('invalid-key') },
  { name: 'key without padding', why: 'RFC 4648 §4: padded base64', headers: fields({ 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ' }), expect: bad('invalid-key') },
  { name: 'key outside the base64 alphabet', why: 'RFC 4648 §4', headers: fields({ 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZ-==' }), expect: bad('invalid-key') },
  { name: 'key with a space inside', why: 'RFC 4648 §3.3: no whitespace in base64', headers: fields({ 'Sec-WebSocket-Key': 'dGhlIHNhbXBs ZSBub25jZQ==' }), expect: bad('invalid-key') },
  { name: 'two keys', why: 'RFC 6455 §11.3.1: Sec-WebSocket-Key MUST NOT appear more than once', headers: fields({}, ['Sec-WebSocket-Key', SAMPLE_KEY]), expect: bad('invalid-key') },
  { name: 'version 8', why: 'RFC 6455 §4.4: 426 with the versions we speak', headers: fields({ 'Sec-WebSocket-Version': '8' }), expect: version426 },
  { name: 'no version', why: 'RFC 6455 §4.2.1 item 6', headers: fields({ 'Sec-WebSocket-Version': null }), expect: version426 },
  { name: 'version list 13, 8', why: 'RFC 6455 §4.2.1 item 6: the value is 13', headers: fields({ 'Sec-WebSocket-Version': '13, 8' }), expect: version426 },
  { name: 'two version fields', why: 'RFC 6455 §11.3.5 allows several only in responses', headers: fields({}, ['Sec-WebSocket-Version', '13']), expect: version426 },
  {
    name: 'subprotocols over two lines, empty elements', why: 'RFC 9110 §5.6.1: empty list elements are ignored',
    headers: fields({}, ['Sec-WebSocket-Protocol', 'chat, , superchat', 'Sec-WebSocket-Protocol', 'v2.json']),
    expect: { ok: true, protocols: ['chat', 'superchat', 'v2.json'] },
  },
  { name: 'duplicate subprotocols', why: 'RFC 6455 §4.1: the elements MUST all be unique', headers: fields({}, ['Sec-WebSocket-Protocol', 'chat, chat']), expect: bad('invalid-subprotocols') },
  { name: 'subprotocol that is not a token', why: 'RFC 6455 §4.1: no separators', headers: fields({}, ['Sec-WebSocket-Protocol', 'chat room']), expect: bad('invalid-subprotocols') },
  {
    name: 'extension offers', why: 'RFC 6455 §9.1: a list of offers, each with parameters',
    headers: fields({}, ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits, x-webkit-deflate-frame']),
    expect: { ok: true, extensions: [{ name: 'permessage-deflate', params: [{ name: 'client_max_window_bits', value: null }] }, { name: 'x-webkit-deflate-frame', params: [] }] },
  },
  {
    name: 'quoted parameter value', why: 'RFC 6455 §9.1: quoted-string allowed if it unescapes to a token',
    headers: fields({}, ['Sec-WebSocket-Extensions', 'Permessage-Deflate ;Server_Max_Window_Bits = "10"']),
    expect: { ok: true, extensions: [{ name: 'permessage-deflate', params: [{ name: 'server_max_window_bits', value: '10' }] }] },
  },
  { name: 'quoted value that is not a token', why: 'RFC 6455 §9.1', headers: fields({}, ['Sec-WebSocket-Extensions', 'permessage-deflate; a="1 0"']), expect: bad('invalid-extensions') },
  { name: 'unterminated quote', why: 'RFC 9110 §5.6.4', headers: fields({}, ['Sec-WebSocket-Extensions', 'permessage-deflate; a="10']), expect: bad('invalid-extensions') },
  { name: 'empty parameter', why: 'RFC 6455 §9.1: extension-param = token …', headers: fields({}, ['Sec-WebSocket-Extensions', 'permessage-deflate;']), expect: bad('invalid-extensions') },
  { name: 'parameter without an extension', why: 'RFC 6455 §9.1', headers: fields({}, ['Sec-WebSocket-Extensions', '; a']), expect: bad('invalid-extensions') },
  { name: 'two extensions without a comma', why: 'RFC 6455 §9.1', headers: fields({}, ['Sec-WebSocket-Extensions', 'a b']), expect: bad('invalid-extensions') },
]

/** One permessage-deflate negotiation: the offers, the server options, the answer. */
export interface NegotiationVector {
  name: string
  why: string
  offers: string
  options?: DeflateOptions
  /** The response extension value, or null when every offer is declined. */
  response: string | null
  params?: DeflateParams
}

const PMD = 'permessage-deflate'
const defaults: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 }

export const negotiations: NegotiationVector[] = [
  { name: 'plain offer', why: 'RFC 7692 §7: no parameters → defaults', offers: PMD, response: PMD, params: defaults },
  {
    name: 'case 12.x / 13.1: default Autobahn offer', why: 'RFC 7692 §7.1.2.2: client_max_window_bits without a value only says the client supports it',
    offers: `${PMD}; client_max_window_bits`, response: PMD, params: defaults,
  },
  {
    name: 'case 13.2: client offers server_no_context_takeover', why: 'RFC 7692 §7.1.1.1: an accepted server_no_context_takeover MUST be echoed',
    offers: `${PMD}; client_no_context_takeover; client_max_window_bits; server_no_context_takeover`,
    response: `${PMD}; server_no_context_takeover; client_no_context_takeover`,
    params: { ...defaults, serverNoContextTakeover: true, clientNoContextTakeover: true },
  },
  {
    name: 'case 13.3: server_max_window_bits=9', why: 'RFC 7692 §7.1.2.1: the server answers with the same or a smaller value',
    offers: `${PMD}; client_max_window_bits; server_max_window_bits=9`, response: `${PMD}; server_max_window_bits=9`,
    params: { ...defaults, serverMaxWindowBits: 9 },
  },
  {
    name: 'case 13.3 (server side): server limits the client window to 9', why: 'RFC 7692 §7.1.2.2: allowed when the client offered the parameter',
    offers: `${PMD}; client_max_window_bits`, options: { clientMaxWindowBits: 9 }, response: `${PMD}; client_max_window_bits=9`,
    params: { ...defaults, clientMaxWindowBits: 9 },
  },
  {
    name: 'case 13.6: both no-context-takeover and window bits 15', why: 'RFC 7692 §7.1.2.1: 15 is echoed as 15',
    offers: `${PMD}; client_max_window_bits; client_no_context_takeover; server_max_window_bits=15; server_no_context_takeover`,
    response: `${PMD}; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15`,
    params: { ...defaults, serverNoContextTakeover: true, clientNoContextTakeover: true },
  },
  {
    name: 'server_max_window_bits=8 is declined', why: 'zlib cannot make a 256-byte window (smallestServerWindowBits 9); RFC 7692 §5: decline what we cannot do',
    offers: `${PMD}; server_max_window_bits=8`, response: null,
  },
  {
    name: 'server_max_window_bits=8 accepted when the codec can', why: 'RFC 7692 §7.1.2.1: 8 is a valid value',
    offers: `${PMD}; server_max_window_bits=8`, options: { smallestServerWindowBits: 8 }, response: `${PMD}; server_max_window_bits=8`,
    params: { ...defaults, serverMaxWindowBits: 8 },
  },
  {
    name: 'client_max_window_bits with a value is honoured', why: 'RFC 7692 §7.1.2.2: the server may echo it (equal or smaller)',
    offers: `${PMD}; client_max_window_bits=10`, response: `${PMD}; client_max_window_bits=10`, params: { ...defaults, clientMaxWindowBits: 10 },
  },
  {
    name: 'client window preference without client_max_window_bits offered', why: 'RFC 7692 §7.1.2.2: the response MUST NOT include it then',
    offers: PMD, options: { clientMaxWindowBits: 10 }, response: PMD, params: defaults,
  },
  {
    name: 'server asks for no context takeover unasked', why: 'RFC 7692 §7.1.1.1, §7.1.1.2: the server MAY include both',
    offers: PMD, options: { serverNoContextTakeover: true, clientNoContextTakeover: true },
    response: `${PMD}; server_no_context_takeover; client_no_context_takeover`,
    params: { ...defaults, serverNoContextTakeover: true, clientNoContextTakeover: true },
  },
  {
    name: 'server limits its own window unasked', why: 'RFC 7692 §7.1.2.1: the server MAY include server_max_window_bits',
    offers: PMD, options: { serverMaxWindowBits: 12 }, response: `${PMD}; server_max_window_bits=12`, params: { ...defaults, serverMaxWindowBits: 12 },
  },
  { name: 'unknown parameter', why: 'RFC 7692 §5: decline an offer with a parameter not defined for offers', offers: `${PMD}; foo`, response: null },
  { name: 'duplicate parameter', why: 'RFC 7692 §5: decline multiple parameters with the same name', offers: `${PMD}; server_no_context_takeover; server_no_context_takeover`, response: null },
  { name: 'value on server_no_context_takeover', why: 'RFC 7692 §7.1.1.1: the parameter has no value', offers: `${PMD}; server_no_context_takeover=1`, response: null },
  { name: 'server_max_window_bits without a value', why: 'RFC 7692 §7.1.2.1: a value is required', offers: `${PMD}; server_max_window_bits`, response: null },
  { name: 'server_max_window_bits=16', why: 'RFC 7692 §7.1.2.1: 8 to 15', offers: `${PMD}; server_max_window_bits=16`, response: null },
  { name: 'server_max_window_bits=7', why: 'RFC 7692 §7.1.2.1: 8 to 15', offers: `${PMD}; server_max_window_bits=7`, response: null },
  { name: 'server_max_window_bits=09', why: 'RFC 7692 §7.1.2.1: without leading zeroes', offers: `${PMD}; server_max_window_bits=09`, response: null },
  { name: 'client_max_window_bits=0', why: 'RFC 7692 §7.1.2.2: 8 to 15', offers: `${PMD}; client_max_window_bits=0`, response: null },
  {
    name: 'quoted window bits', why: 'RFC 6455 §9.1 quoted-string, RFC 7692 §7.1.2.1 value',
    offers: `${PMD}; server_max_window_bits="10"`, response: `${PMD}; server_max_window_bits=10`, params: { ...defaults, serverMaxWindowBits: 10 },
  },
  {
    name: 'case 13.7: first acceptable offer wins', why: 'RFC 7692 §5: offers are in the client\'s order of preference',
    offers: `${PMD}; client_max_window_bits; server_max_window_bits=9; server_no_context_takeover, ${PMD}; server_no_context_takeover, ${PMD}`,
    response: `${PMD}; server_no_context_takeover; server_max_window_bits=9`, params: { ...defaults, serverNoContextTakeover: true, serverMaxWindowBits: 9 },
  },
  {
    name: 'declined offer falls back to the next one', why: 'RFC 7692 §5: a declined offer is skipped',
    offers: `${PMD}; server_max_window_bits=20, ${PMD}; bogus, ${PMD}; client_no_context_takeover`,
    response: `${PMD}; client_no_context_takeover`, params: { ...defaults, clientNoContextTakeover: true },
  },
  { name: 'other extensions are ignored', why: 'RFC 6455 §9.1: the server accepts only what it supports', offers: 'x-webkit-deflate-frame, foo; bar=1', response: null },
]
