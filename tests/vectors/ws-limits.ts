/**
 * `maxPayloadLength` (RFC 6455 §10.4 → 1009) and Autobahn|Testsuite section 9 (limits and
 * performance) at small scale: the same shapes (one big frame, many fragments, many
 * messages) with kilobytes instead of megabytes. Each limit is hit at exactly N and N+1.
 * @module
 */
import { clientFrame as f, clientFrames, clientMessage, concat, latin1, type WsVector } from './ws-client.ts'

const N = 1024
const stars = (n: number): string => '*'.repeat(n)

export const limits: WsVector[] = [
  {
    name: 'message of exactly maxPayloadLength', why: 'RFC 6455 §10.4: the limit is inclusive',
    input: f({ opcode: 1, payload: stars(N) }), maxPayloadLength: N, events: [{ type: 'message', text: stars(N) }],
  },
  {
    name: 'message of maxPayloadLength + 1', why: 'RFC 6455 §7.4.1: 1009 for a message too big to process',
    input: f({ opcode: 1, payload: stars(N + 1) }), maxPayloadLength: N, error: 'message-too-big', events: [],
  },
  {
    name: 'header alone announcing maxPayloadLength + 1', why: 'fail from the header, before buffering any payload',
    input: f({ opcode: 2, announce: N + 1 }), maxPayloadLength: N, error: 'message-too-big', events: [],
  },
  {
    name: 'fragments adding up to exactly maxPayloadLength', why: 'RFC 6455 §10.4: the limit is on the message',
    input: clientFrames({ opcode: 1, fin: false, payload: stars(N / 2) }, { opcode: 0, payload: stars(N / 2) }), maxPayloadLength: N,
    events: [{ type: 'message', text: stars(N) }],
  },
  {
    name: 'fragments adding up to maxPayloadLength + 1', why: 'RFC 6455 §10.4: the limit is on the message, not the frame',
    input: clientFrames({ opcode: 1, fin: false, payload: stars(N / 2) }, { opcode: 0, payload: stars(N / 2 + 1) }), maxPayloadLength: N,
    error: 'message-too-big', events: [],
  },
  {
    name: 'the limit starts over for each message', why: 'RFC 6455 §10.4',
    input: concat(clientMessage(2, latin1(stars(N)), 300), clientMessage(2, latin1(stars(N)), 300)), maxPayloadLength: N,
    events: [{ type: 'message', bytes: stars(N) }, { type: 'message', bytes: stars(N) }],
  },
  {
    name: 'control frames do not count towards the message', why: 'RFC 6455 §5.5: control frames are bounded by 125 on their own',
    input: clientFrames({ opcode: 1, fin: false, payload: 'ab' }, { opcode: 9, payload: stars(100) }, { opcode: 0, payload: 'cd' }), maxPayloadLength: 4,
    events: [{ type: 'ping' }, { type: 'message', text: 'abcd' }],
  },
  {
    name: 'maxPayloadLength 0 allows empty messages only', why: 'RFC 6455 §10.4',
    input: concat(f({ opcode: 1 }), f({ opcode: 2, payload: 'x' })), maxPayloadLength: 0, error: 'message-too-big',
    events: [{ type: 'message', bytes: '' }],
  },
  {
    name: 'case 9.1.x (scaled): text message of 4 KiB', why: 'Autobahn 9.1: 64 KiB to 16 MiB in one frame',
    input: f({ opcode: 1, payload: stars(4096) }), maxPayloadLength: 4096, events: [{ type: 'message', text: stars(4096) }],
  },
  {
    name: 'case 9.2.x (scaled): binary message of 4 KiB', why: 'Autobahn 9.2',
    input: f({ opcode: 2, payload: latin1('\xfe'.repeat(4096)) }), maxPayloadLength: 4096, events: [{ type: 'message', bytes: '\xfe'.repeat(4096) }],
  },
  ...[64, 256, 1024, 4096].map((size, i): WsVector => ({
    name: `case 9.3.${i + 1} / 9.4.${i + 1} (scaled): 4 KiB message in fragments of ${size}`, why: 'Autobahn 9.3/9.4: 4 MiB in fragments of 64 B to 4 MiB',
    input: clientMessage(1, stars(4096), size), maxPayloadLength: 4096, events: [{ type: 'message', text: stars(4096) }],
  })),
  {
    name: 'case 9.7.x / 9.8.x (scaled): 200 messages of 16 bytes back to back', why: 'Autobahn 9.7/9.8: many small messages',
    input: concat(...Array.from({ length: 200 }, (_, i) => clientMessage((i % 2 + 1) as 1 | 2, stars(16)))),
    events: Array.from({ length: 200 }, (_, i) => ({ type: 'message', opcode: i % 2 ? 'binary' : 'text', bytes: stars(16) }) as const),
  },
  {
    name: 'case 9.9.1 (scaled): one message of 64 frames of 64 bytes', why: 'Autobahn 9.9: a long stream of continuation frames',
    input: clientMessage(1, stars(64 * 64), 64), maxPayloadLength: 64 * 64, events: [{ type: 'message', text: stars(64 * 64) }],
  },
]
