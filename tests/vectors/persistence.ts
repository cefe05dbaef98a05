/**
 * Persistence and protocol switching: keep-alive, Connection tokens, Expect, Upgrade,
 * CONNECT, clean and unclean close (RFC 9112 §9, RFC 9110 §7.6.1, §7.8, §10.1.1).
 * @module
 */
import type { ExpectedEvent, Vector } from './types.ts'

const req = (fields: string, version = '1.1'): string => `GET / HTTP/${version}\r\nHost: a\r\n${fields}\r\n`
const NEXT = 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n'
type RequestFields = Omit<Extract<ExpectedEvent, { type: 'request' }>, 'type'>
const one = (fields: RequestFields): Vector['events'] => [{ type: 'request', ...fields }, { type: 'end' }]

export const persistence: Vector[] = [
  // keepAlive
  { name: '1.1 is persistent by default', why: 'RFC 9112 §9.3', input: req(''), events: one({ keepAlive: true }) },
  { name: '1.1 Connection: close', why: 'RFC 9112 §9.6', input: req('Connection: close\r\n'), events: one({ keepAlive: false }) },
  { name: 'close token case-insensitive', why: 'RFC 9110 §7.6.1: connection options are case-insensitive', input: req('Connection: CLOSE\r\n'), events: one({ keepAlive: false }) },
  { name: 'close among other tokens', why: 'RFC 9110 §7.6.1: Connection = #connection-option', input: req('Connection: keep-alive, close\r\n'), events: one({ keepAlive: false }) },
  { name: 'close in second Connection field', why: 'RFC 9110 §5.3: fields combine', input: req('Connection: foo\r\nConnection: close\r\n'), events: one({ keepAlive: false }) },
  { name: 'close with OWS in list', why: 'RFC 9110 §5.6.1: OWS around commas', input: req('Connection: foo ,\tclose \r\n'), events: one({ keepAlive: false }) },
  { name: '"closed" is not close', why: 'RFC 9110 §7.6.1: whole-token match, not substring', input: req('Connection: closed\r\n'), events: one({ keepAlive: true }) },
  { name: '1.1 keep-alive token', why: 'RFC 9112 §9.3', input: req('Connection: keep-alive\r\n'), events: one({ keepAlive: true }) },
  { name: '1.0 closes by default', why: 'RFC 9112 §9.3', input: req('', '1.0'), events: one({ keepAlive: false }) },
  { name: '1.0 keep-alive', why: 'RFC 9112 §9.3 / Appendix C.2.2', input: req('Connection: keep-alive\r\n', '1.0'), events: one({ keepAlive: true }) },
  { name: '1.0 Keep-Alive mixed case', why: 'RFC 9110 §7.6.1', input: req('Connection: Keep-Alive\r\n', '1.0'), events: one({ keepAlive: true }) },
  { name: '1.0 keep-alive and close', why: 'RFC 9112 §9.6: close wins', input: req('Connection: keep-alive, close\r\n', '1.0'), events: one({ keepAlive: false }) },
  {
    name: 'request after Connection: close is not read', why: 'RFC 9112 §9.6: server MUST NOT process further requests',
    input: req('Connection: close\r\n') + NEXT, events: one({ keepAlive: false }),
  },
  {
    name: 'request after 1.0 without keep-alive is not read', why: 'RFC 9112 §9.3',
    input: req('', '1.0') + NEXT, events: one({ version: '1.0' }),
  },
  {
    name: 'request after 1.0 keep-alive is read', why: 'RFC 9112 §9.3',
    input: req('Connection: keep-alive\r\n', '1.0') + NEXT,
    events: [{ type: 'request', version: '1.0' }, { type: 'end' }, { type: 'request', target: '/next', version: '1.1' }, { type: 'end' }],
  },
  // Expect
  { name: 'Expect: 100-continue', why: 'RFC 9110 §10.1.1', input: req('Expect: 100-continue\r\nContent-Length: 0\r\n'), events: one({ expectContinue: true }) },
  { name: 'Expect value case-insensitive', why: 'RFC 9110 §10.1.1: case-insensitive', input: req('Expect: 100-Continue\r\n'), events: one({ expectContinue: true }) },
  { name: 'no Expect', why: 'RFC 9110 §10.1.1', input: req(''), events: one({ expectContinue: false }) },
  { name: 'Expect on 1.0 ignored', why: 'RFC 9110 §10.1.1: MUST ignore 100-continue in HTTP/1.0', input: req('Expect: 100-continue\r\n', '1.0'), events: one({ expectContinue: false }) },
  { name: 'unknown expectation', why: 'RFC 9110 §10.1.1: only 100-continue is defined', input: req('Expect: 200-ok\r\n'), events: one({ expectContinue: false }) },
  // Upgrade / CONNECT
  {
    name: 'Upgrade with Connection: upgrade', why: 'RFC 9110 §7.8',
    input: req('Upgrade: websocket\r\nConnection: Upgrade\r\n'), events: one({ upgrade: true }),
  },
  {
    name: 'Upgrade token in a Connection list', why: 'RFC 9110 §7.6.1',
    input: req('Connection: keep-alive, upgrade\r\nUpgrade: h2c\r\n'), events: one({ upgrade: true }),
  },
  { name: 'Upgrade without Connection: upgrade', why: 'RFC 9110 §7.8: sender MUST list upgrade in Connection', input: req('Upgrade: websocket\r\n'), events: one({ upgrade: false }) },
  { name: 'Connection: upgrade without Upgrade', why: 'RFC 9110 §7.8', input: req('Connection: upgrade\r\n'), events: one({ upgrade: false }) },
  {
    name: 'Upgrade on 1.0 ignored', why: 'RFC 9110 §7.8: MUST ignore Upgrade in an HTTP/1.0 request',
    input: req('Upgrade: websocket\r\nConnection: upgrade\r\n', '1.0'), events: one({ upgrade: false }),
  },
  {
    name: 'bytes after an upgrade request are not HTTP', why: 'RFC 9110 §7.8: after 101 the connection speaks the new protocol',
    input: req('Upgrade: websocket\r\nConnection: upgrade\r\n') + '\x81\x05hello', events: one({ upgrade: true }),
  },
  {
    name: 'bytes after CONNECT are not HTTP', why: 'RFC 9110 §9.3.6: after 2xx the connection is a tunnel',
    input: 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n\x16\x03\x01', events: one({ method: 'CONNECT', upgrade: true }),
  },
  // Close
  { name: 'EOF before any byte', why: 'RFC 9112 §9.6: clean close when idle', input: '', eof: true, events: [{ type: 'closed' }] },
  {
    name: 'EOF after a complete request', why: 'RFC 9112 §9.6: client closes between requests',
    input: req(''), eof: true, events: [{ type: 'request' }, { type: 'end' }, { type: 'closed' }],
  },
  { name: 'EOF inside request line', why: 'RFC 9112 §8: incomplete message', input: 'GET / HT', eof: true, error: 'unexpected-eof', events: [] },
  { name: 'EOF inside head', why: 'RFC 9112 §8', input: 'GET / HTTP/1.1\r\nHost: a\r\n', eof: true, error: 'unexpected-eof', events: [] },
]
