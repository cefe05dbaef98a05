/**
 * Close handling (RFC 6455 §5.5.1, §7): Autobahn|Testsuite section 7. The harness echoes
 * a Close as Autobahn's echo server does, so `sent` holds the echo.
 * @module
 */
import { clientClose, clientFrame as f, clientFrames, concat, hex, toHex, utf8, type WsVector } from './ws-client.ts'

const echo = (code: number): string => toHex(new Uint8Array([0x88, 0x02, code >>> 8, code & 0xff]))
const closedCleanly = [{ type: 'closed', clean: true }] as const

export const closing: WsVector[] = [
  {
    name: 'case 7.1.1: text, then Close 1000', why: 'RFC 6455 §5.5.1: the Close is answered with a Close',
    input: concat(f({ opcode: 1, payload: 'Hello World!' }), clientClose(1000)),
    events: [{ type: 'message', text: 'Hello World!' }, { type: 'close', code: 1000, reason: '' }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.1.2: Close, then a second Close', why: 'RFC 6455 §5.5.1: nothing after the Close is processed',
    input: concat(clientClose(1000), f({ opcode: 8 })), events: [{ type: 'close', code: 1000 }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.1.3: Close, then Ping', why: 'RFC 6455 §5.5.1: no Pong after the Close',
    input: concat(clientClose(1000), f({ opcode: 9 })), events: [{ type: 'close', code: 1000 }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.1.4: Close, then text', why: 'RFC 6455 §5.5.1: data after the Close is ignored',
    input: concat(clientClose(1000), f({ opcode: 1, payload: 'Hello World!' })), events: [{ type: 'close', code: 1000 }, ...closedCleanly],
    sent: [echo(1000)],
  },
  {
    name: 'case 7.1.5: first fragment, Close, last fragment', why: 'RFC 6455 §5.5.1: the unfinished message is dropped',
    input: clientFrames({ opcode: 1, fin: false, payload: 'fragment1' }, { opcode: 8, payload: hex('03e8') }, { opcode: 0, payload: 'fragment2' }),
    events: [{ type: 'close', code: 1000 }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.1.6: large text, text, Close, Ping (4 KiB instead of 256 KiB)', why: 'RFC 6455 §5.5.1: messages before the Close are delivered',
    input: clientFrames({ opcode: 1, payload: 'BAsd7&jh23'.repeat(410).slice(0, 4096) }, { opcode: 1, payload: 'Hello World!' }, { opcode: 8, payload: hex('03e8') }, { opcode: 9 }),
    events: [{ type: 'message', text: 'BAsd7&jh23'.repeat(410).slice(0, 4096) }, { type: 'message', text: 'Hello World!' }, { type: 'close', code: 1000 }, ...closedCleanly],
    sent: [echo(1000)],
  },
  {
    name: 'case 7.3.1: Close without payload', why: 'RFC 6455 §7.1.5: no status code → 1005, echoed as an empty Close',
    input: clientClose(), events: [{ type: 'close', code: 1005, reason: '' }, ...closedCleanly], sent: ['8800'],
  },
  {
    name: 'case 7.3.2: Close with a 1-byte payload', why: 'RFC 6455 §5.5.1: a body starts with a 2-byte status code',
    input: f({ opcode: 8, payload: 'a' }), error: 'invalid-close-payload', events: [],
  },
  {
    name: 'case 7.3.3: Close 1000', why: 'RFC 6455 §5.5.1', input: clientClose(1000),
    events: [{ type: 'close', code: 1000, reason: '' }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.3.4: Close 1000 with a reason', why: 'RFC 6455 §5.5.1: the reason follows the code', input: clientClose(1000, 'Hello World!'),
    events: [{ type: 'close', code: 1000, reason: 'Hello World!' }, ...closedCleanly], sent: [echo(1000)],
  },
  {
    name: 'case 7.3.5: Close 1000 with a 123-byte reason', why: 'RFC 6455 §5.5: 2 + 123 = 125, the largest control payload',
    input: clientClose(1000, '*'.repeat(123)), events: [{ type: 'close', code: 1000, reason: '*'.repeat(123) }, ...closedCleanly],
  },
  {
    name: 'case 7.3.6: Close 1000 with a 124-byte reason', why: 'RFC 6455 §5.5: 126 bytes is too long for a control frame',
    input: clientClose(1000, '*'.repeat(124)), error: 'control-frame-too-large', events: [],
  },
  {
    name: 'case 7.5.1: Close reason that is not UTF-8', why: 'RFC 6455 §5.5.1 (the reason is UTF-8), §8.1 → 1007',
    input: clientClose(1000, hex('ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64')), error: 'invalid-utf8', events: [],
  },
  ...[1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].map((code, i): WsVector => ({
    name: `case 7.7.${i + 1}: Close with valid code ${code}`, why: 'RFC 6455 §7.4.1, §7.4.2: a code that may be on the wire',
    input: clientClose(code), events: [{ type: 'close', code }, ...closedCleanly], sent: [echo(code)],
  })),
  ...[1012, 1013, 1014].map((code): WsVector => ({
    name: `Close with IANA-registered code ${code}`, why: 'RFC 6455 §11.7: registered after the RFC (service restart, try again later, bad gateway)',
    input: clientClose(code), events: [{ type: 'close', code }, ...closedCleanly], sent: [echo(code)],
  })),
  ...[0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].map((code, i): WsVector => ({
    name: `case 7.9.${i + 1}: Close with invalid code ${code}`, why: 'RFC 6455 §7.4.1: reserved, or never sent on the wire → 1002',
    input: clientClose(code), error: 'invalid-close-code', events: [],
  })),
  {
    name: 'Close with code 1015', why: 'RFC 6455 §7.4.1: 1015 (TLS failure) MUST NOT be set in a Close frame',
    input: clientClose(1015), error: 'invalid-close-code', events: [],
  },
  {
    name: 'case 7.13.1: Close with code 5000', why: 'RFC 6455 §7.4.2 defines nothing past 4999 (Autobahn: informational; we fail)',
    input: clientClose(5000), error: 'invalid-close-code', events: [],
  },
  {
    name: 'case 7.13.2: Close with code 65535', why: 'RFC 6455 §7.4.2 (Autobahn: informational; we fail)',
    input: clientClose(65535), error: 'invalid-close-code', events: [],
  },
  {
    name: 'Close reason with a multi-byte character', why: 'RFC 6455 §5.5.1: the reason is UTF-8 text',
    input: clientClose(1001, 'au revoir ✓'), events: [{ type: 'close', code: 1001, reason: 'au revoir ✓' }, ...closedCleanly], sent: [echo(1001)],
  },
  {
    name: 'Close reason ending inside a code point', why: 'RFC 6455 §8.1: an incomplete sequence is invalid → 1007',
    input: clientClose(1000, utf8('✓').subarray(0, 2)), error: 'invalid-utf8', events: [],
  },
  {
    name: 'Close then EOF', why: 'RFC 6455 §7.1.1: the server closes TCP after the handshake; EOF changes nothing',
    input: clientClose(1000), eof: true, events: [{ type: 'close', code: 1000 }, ...closedCleanly],
  },
]
