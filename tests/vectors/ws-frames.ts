/**
 * Framing (RFC 6455 §5): Autobahn|Testsuite sections 1 (framing), 2 (ping/pong),
 * 3 (reserved bits), 4 (opcodes) and 5 (fragmentation), the RFC's own examples (§5.7),
 * and the length encodings of §5.2. Autobahn's "sync" and "chopsize" variants differ only
 * in how the bytes are cut, which the harness covers by cutting every vector every way.
 * @module
 */
import { clientClose, clientFrame as f, clientFrames, concat, hex, latin1, toHex, type WsVector } from './ws-client.ts'

const HELLO = 'Hello, world!'
const hello = { type: 'message', opcode: 'text', text: HELLO } as const
/** The Pong the harness sends back for a Ping with this (latin1) payload, as hex. */
const pong = (payload: string): string => toHex(concat(new Uint8Array([0x8a, payload.length]), latin1(payload)))

const echo1000 = '880203e8'

function sizes(section: string, opcode: 1 | 2, fill: string, first: number): WsVector[] {
  return [0, 125, 126, 127, 128, 65535, 65536].map((length, i) => ({
    name: `case ${section}.${first + i}: ${opcode === 1 ? 'text' : 'binary'} message of ${length} bytes`,
    why: 'RFC 6455 §5.2: 7-bit lengths up to 125, 16-bit from 126, 64-bit from 65536',
    input: f({ opcode, payload: latin1(fill.repeat(length)) }),
    events: [{ type: 'message', opcode: opcode === 1 ? 'text' : 'binary', bytes: fill.repeat(length), compressed: false }],
  }))
}

export const framing: WsVector[] = [
  ...sizes('1.1', 1, '*', 1),
  ...sizes('1.2', 2, '\xfe', 1),
  {
    name: 'case 1.1.8 / 1.2.8: 65536 bytes in chops of 997', why: 'TCP segmentation is invisible (every run is also cut in two)',
    input: f({ opcode: 2, payload: latin1('\xfe'.repeat(65536)) }),
    events: [{ type: 'message', opcode: 'binary', bytes: '\xfe'.repeat(65536) }],
  },
  // RFC 6455 §5.7 examples, masked with the RFC's key where the client must mask.
  {
    name: 'RFC 6455 §5.7: single-frame masked text', why: 'the RFC example bytes',
    input: hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), events: [{ type: 'message', opcode: 'text', text: 'Hello' }],
  },
  {
    name: 'RFC 6455 §5.7: masked Pong', why: 'the RFC example bytes', input: hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'),
    events: [{ type: 'pong', bytes: 'Hello' }],
  },
  {
    name: 'RFC 6455 §5.7: single-frame unmasked text', why: 'RFC 6455 §5.1: a server MUST fail on an unmasked client frame',
    input: hex('81 05 48 65 6c 6c 6f'), error: 'unmasked-frame', events: [],
  },
  {
    name: 'RFC 6455 §5.7: fragmented unmasked text', why: 'RFC 6455 §5.1', input: hex('01 03 48 65 6c 80 02 6c 6f'),
    error: 'unmasked-frame',
  },
  {
    name: 'RFC 6455 §5.7: 256 bytes with a 16-bit length', why: 'RFC 6455 §5.2: 126 then a 16-bit length',
    input: f({ opcode: 2, payload: new Uint8Array(256) }), events: [{ type: 'message', opcode: 'binary', bytes: '\0'.repeat(256) }],
  },
  {
    name: 'masked with a zero key', why: 'RFC 6455 §5.3: any key, even 0, is a key',
    input: f({ opcode: 1, payload: 'abc', mask: [0, 0, 0, 0] }), events: [{ type: 'message', text: 'abc' }],
  },
]

export const pingPong: WsVector[] = [
  { name: 'case 2.1: Ping without payload', why: 'RFC 6455 §5.5.2', input: f({ opcode: 9 }), events: [{ type: 'ping', bytes: '' }], sent: ['8a00'] },
  {
    name: 'case 2.2: Ping with a small text payload', why: 'RFC 6455 §5.5.3: the Pong echoes the Ping data',
    input: f({ opcode: 9, payload: HELLO }), events: [{ type: 'ping', bytes: HELLO }], sent: [pong(HELLO)],
  },
  {
    name: 'case 2.3: Ping with a binary payload', why: 'RFC 6455 §5.5.2: control payloads are not text',
    input: f({ opcode: 9, payload: latin1('\x00\xff\xfe\xfd\xfc\xfb\x00\xff') }),
    events: [{ type: 'ping', bytes: '\x00\xff\xfe\xfd\xfc\xfb\x00\xff' }], sent: [pong('\x00\xff\xfe\xfd\xfc\xfb\x00\xff')],
  },
  {
    name: 'case 2.4 / 2.6: Ping with 125 bytes', why: 'RFC 6455 §5.5: 125 is the largest control payload',
    input: f({ opcode: 9, payload: latin1('\xfe'.repeat(125)) }), events: [{ type: 'ping', bytes: '\xfe'.repeat(125) }],
    sent: [pong('\xfe'.repeat(125))],
  },
  {
    name: 'case 2.5: Ping with 126 bytes', why: 'RFC 6455 §5.5: control frames MUST have a payload of 125 bytes or less',
    input: f({ opcode: 9, payload: latin1('\xfe'.repeat(126)) }), error: 'control-frame-too-large', events: [],
  },
  {
    name: 'case 2.7: unsolicited Pong without payload, then Close', why: 'RFC 6455 §5.5.3: an unsolicited Pong needs no answer',
    input: clientFrames({ opcode: 10 }, { opcode: 8, payload: hex('03e8') }),
    events: [{ type: 'pong', bytes: '' }, { type: 'close', code: 1000 }, { type: 'closed', clean: true }], sent: [echo1000],
  },
  {
    name: 'case 2.8: unsolicited Pong with payload, then Close', why: 'RFC 6455 §5.5.3',
    input: clientFrames({ opcode: 10, payload: 'unsolicited pong payload' }, { opcode: 8, payload: hex('03e8') }),
    events: [{ type: 'pong', bytes: 'unsolicited pong payload' }, { type: 'close', code: 1000 }, { type: 'closed', clean: true }],
    sent: [echo1000],
  },
  {
    name: 'case 2.9: unsolicited Pong, then Ping', why: 'RFC 6455 §5.5.3: only the Ping is answered',
    input: clientFrames({ opcode: 10, payload: 'unsolicited pong payload' }, { opcode: 9, payload: 'ping payload' }),
    events: [{ type: 'pong', bytes: 'unsolicited pong payload' }, { type: 'ping', bytes: 'ping payload' }], sent: [pong('ping payload')],
  },
  {
    name: 'case 2.10 / 2.11: ten Pings with payloads', why: 'RFC 6455 §5.5.3: each Ping is reported',
    input: clientFrames(...Array.from({ length: 10 }, (_, i) => ({ opcode: 9, payload: `payload-${i}` }))),
    events: Array.from({ length: 10 }, (_, i) => ({ type: 'ping', bytes: `payload-${i}` }) as const),
    sent: Array.from({ length: 10 }, (_, i) => pong(`payload-${i}`)),
  },
]

const thenBad = (bad: Parameters<typeof f>[0]): Uint8Array => clientFrames({ opcode: 1, payload: HELLO }, bad, { opcode: 9 })

export const reservedBits: WsVector[] = [
  {
    name: 'case 3.1: text with RSV = 1', why: 'RFC 6455 §5.2: RSV bits MUST be 0 unless an extension defines them',
    input: f({ opcode: 1, payload: HELLO, rsv: 1 }), error: 'reserved-bits', events: [],
  },
  { name: 'case 3.2: text, text with RSV = 2, Ping', why: 'RFC 6455 §5.2', input: thenBad({ opcode: 1, payload: HELLO, rsv: 2 }), error: 'reserved-bits', events: [hello] },
  { name: 'case 3.3: text, text with RSV = 3, Ping', why: 'RFC 6455 §5.2', input: thenBad({ opcode: 1, payload: HELLO, rsv: 3 }), error: 'reserved-bits', events: [hello] },
  {
    name: 'case 3.4: text, text with RSV = 4 (RSV1), Ping', why: 'RFC 7692 §6: RSV1 means compressed only when permessage-deflate is negotiated',
    input: thenBad({ opcode: 1, payload: HELLO, rsv: 4 }), error: 'reserved-bits', events: [hello],
  },
  {
    name: 'case 3.5: binary with RSV = 5', why: 'RFC 6455 §5.2',
    input: f({ opcode: 2, payload: latin1('\x00\xff\xfe\xfd\xfc\xfb\x00\xff'), rsv: 5 }), error: 'reserved-bits', events: [],
  },
  { name: 'case 3.6: Ping with RSV = 6', why: 'RFC 6455 §5.2: control frames too', input: f({ opcode: 9, payload: HELLO, rsv: 6 }), error: 'reserved-bits', events: [] },
  { name: 'case 3.7: Close with RSV = 7', why: 'RFC 6455 §5.2', input: f({ opcode: 8, rsv: 7 }), error: 'reserved-bits', events: [] },
]

export const opcodes: WsVector[] = [
  ...[3, 4, 5, 6, 7].map((opcode, i): WsVector => ({
    name: `case 4.1.${i + 1}: reserved data opcode ${opcode}`,
    why: 'RFC 6455 §5.2: an unknown opcode fails the connection',
    input: i < 2 ? f({ opcode, payload: i === 1 ? 'reserved opcode payload' : '' }) : thenBad({ opcode, payload: i === 2 ? '' : HELLO }),
    error: 'reserved-opcode',
    events: i < 2 ? [] : [hello],
  })),
  ...[11, 12, 13, 14, 15].map((opcode, i): WsVector => ({
    name: `case 4.2.${i + 1}: reserved control opcode ${opcode}`,
    why: 'RFC 6455 §5.2: an unknown opcode fails the connection',
    input: i < 2 ? f({ opcode, payload: i === 1 ? 'reserved opcode payload' : '' }) : thenBad({ opcode, payload: i === 2 ? '' : HELLO }),
    error: 'reserved-opcode',
    events: i < 2 ? [] : [hello],
  })),
]

const fragments = (...parts: (readonly [opcode: number, fin: boolean, payload: string])[]): Uint8Array =>
  clientFrames(...parts.map(([opcode, fin, payload]) => ({ opcode, fin, payload })))

export const fragmentation: WsVector[] = [
  {
    name: 'case 5.1: Ping in two fragments', why: 'RFC 6455 §5.5: control frames MUST NOT be fragmented',
    input: fragments([9, false, 'fragment1'], [0, true, 'fragment2']), error: 'fragmented-control-frame', events: [],
  },
  {
    name: 'case 5.2: Pong in two fragments', why: 'RFC 6455 §5.5',
    input: fragments([10, false, 'fragment1'], [0, true, 'fragment2']), error: 'fragmented-control-frame', events: [],
  },
  {
    name: 'case 5.3 / 5.4 / 5.5: text in two fragments', why: 'RFC 6455 §5.4: fragments are joined',
    input: fragments([1, false, 'fragment1'], [0, true, 'fragment2']),
    events: [{ type: 'message', opcode: 'text', text: 'fragment1fragment2', compressed: false }],
  },
  {
    name: 'case 5.6 / 5.7 / 5.8: text in two fragments, Ping in between', why: 'RFC 6455 §5.4: control frames MAY be injected between fragments',
    input: fragments([1, false, 'fragment1'], [9, true, 'ping payload'], [0, true, 'fragment2']),
    events: [{ type: 'ping', bytes: 'ping payload' }, { type: 'message', text: 'fragment1fragment2' }], sent: [pong('ping payload')],
  },
  ...['5.9', '5.10', '5.11'].map((n): WsVector => ({
    name: `case ${n}: continuation (FIN) with no message, then text`, why: 'RFC 6455 §5.4: no message to continue',
    input: fragments([0, true, 'non-continuation payload'], [1, true, HELLO]), error: 'unexpected-continuation', events: [],
  })),
  ...['5.12', '5.13', '5.14'].map((n): WsVector => ({
    name: `case ${n}: continuation (no FIN) with no message, then text`, why: 'RFC 6455 §5.4',
    input: fragments([0, false, 'non-continuation payload'], [1, true, HELLO]), error: 'unexpected-continuation', events: [],
  })),
  {
    name: 'case 5.15: continuation after the final fragment', why: 'RFC 6455 §5.4: the message ended with FIN',
    input: fragments([1, false, 'fragment1'], [0, true, 'fragment2'], [0, false, 'fragment3'], [1, true, 'fragment4']),
    error: 'unexpected-continuation', events: [{ type: 'message', text: 'fragment1fragment2' }],
  },
  {
    name: 'case 5.16: continuation, text, continuation (twice)', why: 'RFC 6455 §5.4',
    input: fragments(...Array.from({ length: 2 }, () => [[0, false, 'fragment1'], [1, false, 'fragment2'], [0, true, 'fragment3']] as const).flat()),
    error: 'unexpected-continuation', events: [],
  },
  {
    name: 'case 5.17: final continuation, text, continuation (twice)', why: 'RFC 6455 §5.4',
    input: fragments(...Array.from({ length: 2 }, () => [[0, true, 'fragment1'], [1, false, 'fragment2'], [0, true, 'fragment3']] as const).flat()),
    error: 'unexpected-continuation', events: [],
  },
  {
    name: 'case 5.18: text fragment followed by text instead of continuation', why: 'RFC 6455 §5.4: fragments after the first have opcode 0',
    input: fragments([1, false, 'fragment1'], [1, true, 'fragment2']), error: 'expected-continuation', events: [],
  },
  {
    name: 'case 5.19 / 5.20: five fragments with two Pings in between', why: 'RFC 6455 §5.4: Pings are answered before the message completes',
    input: fragments(
      [1, false, 'fragment1'], [0, false, 'fragment2'], [9, true, 'pongme 1!'],
      [0, false, 'fragment3'], [0, false, 'fragment4'], [9, true, 'pongme 2!'], [0, true, 'fragment5'],
    ),
    events: [{ type: 'ping', bytes: 'pongme 1!' }, { type: 'ping', bytes: 'pongme 2!' }, { type: 'message', text: 'fragment1fragment2fragment3fragment4fragment5' }],
    sent: [pong('pongme 1!'), pong('pongme 2!')],
  },
  {
    name: 'binary in three fragments with a Pong and a Ping in between', why: 'RFC 6455 §5.4',
    input: clientFrames({ opcode: 2, fin: false, payload: latin1('\xff') }, { opcode: 10 }, { opcode: 0, fin: false, payload: latin1('\xfe') }, { opcode: 9 }, { opcode: 0, payload: latin1('\xfd') }),
    events: [{ type: 'pong' }, { type: 'ping' }, { type: 'message', opcode: 'binary', bytes: '\xff\xfe\xfd' }], sent: ['8a00'],
  },
  {
    name: 'Close between fragments ends the connection', why: 'RFC 6455 §5.4 allows control frames there; §5.5.1 the Close is the last frame',
    input: concat(fragments([1, false, 'frag']), clientClose(1000), fragments([0, true, 'ment'])),
    events: [{ type: 'close', code: 1000 }, { type: 'closed', clean: true }], sent: ['880203e8'],
  },
]

export const lengths: WsVector[] = [
  {
    name: '125 bytes with a 16-bit length', why: 'RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length',
    input: f({ opcode: 2, payload: new Uint8Array(125), lengthBits: 16 }), error: 'non-minimal-length', events: [],
  },
  {
    name: '0 bytes with a 16-bit length', why: 'RFC 6455 §5.2: minimal length encoding',
    input: f({ opcode: 1, lengthBits: 16 }), error: 'non-minimal-length', events: [],
  },
  {
    name: '65535 bytes with a 64-bit length', why: 'RFC 6455 §5.2: minimal length encoding',
    input: f({ opcode: 2, payload: new Uint8Array(65535), lengthBits: 64 }), error: 'non-minimal-length', events: [],
  },
  {
    name: '64-bit length with the most significant bit set', why: 'RFC 6455 §5.2: the most significant bit MUST be 0',
    input: hex('82 ff 80 00 00 00 00 00 00 00'), error: 'invalid-length', events: [],
  },
  {
    name: '64-bit length of 2^63 - 1', why: 'RFC 6455 §10.4: over any limit → 1009, decided from the header',
    input: hex('82 ff 7f ff ff ff ff ff ff ff'), error: 'message-too-big', events: [],
  },
  {
    name: 'Ping announcing 126 bytes with a 16-bit length', why: 'RFC 6455 §5.5: control payloads ≤ 125, checked from the length byte',
    input: hex('89 fe 00 7e'), error: 'control-frame-too-large', events: [],
  },
  {
    name: 'Ping with a 16-bit length of 5', why: 'RFC 6455 §5.5: 126 in the 7-bit field already means more than 125',
    input: f({ opcode: 9, payload: 'Hello', lengthBits: 16 }), error: 'control-frame-too-large', events: [],
  },
  {
    name: 'truncated frame then EOF', why: 'RFC 6455 §7.1.5: no Close received → abnormal closure (1006), not an error',
    input: f({ opcode: 1, payload: 'Hello' }).subarray(0, 8), eof: true, events: [{ type: 'closed', clean: false }],
  },
  {
    name: 'message then EOF', why: 'RFC 6455 §7.1.5: EOF without a Close is unclean',
    input: f({ opcode: 1, payload: 'Hello' }), eof: true, events: [{ type: 'message', text: 'Hello' }, { type: 'closed', clean: false }],
  },
  {
    name: 'bytes after a failure are not parsed', why: 'RFC 6455 §7.1.7: a failed connection processes nothing more',
    input: concat(f({ opcode: 3 }), f({ opcode: 9 })), error: 'reserved-opcode', events: [],
  },
]
