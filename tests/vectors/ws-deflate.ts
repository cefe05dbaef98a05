/**
 * Framing with permessage-deflate negotiated (RFC 7692 §6): RSV1 marks the first frame of
 * a compressed message, and only that frame. The engine hands the compressed payload over
 * as received (inflating is `finishMessage()`'s job, tested in deflate.test.ts).
 * @module
 */
import { clientFrame as f, clientFrames, hex, toLatin1, type WsVector } from './ws-client.ts'

/** RFC 7692 §7.2.3.1: "Hello" compressed with a sync flush, trailing 00 00 ff ff removed. */
const HELLO_DEFLATED = hex('f2 48 cd c9 c9 07 00')

export const deflateFrames: WsVector[] = [
  {
    name: 'RFC 7692 §7.2.3.1: compressed "Hello" in one frame', why: 'RFC 7692 §6.1: RSV1 on the first frame = compressed message',
    input: f({ opcode: 1, rsv: 4, payload: HELLO_DEFLATED }), permessageDeflate: true,
    events: [{ type: 'message', opcode: 'text', bytes: toLatin1(HELLO_DEFLATED), compressed: true }],
  },
  {
    name: 'RFC 7692 §7.2.3.2: compressed "Hello" in two fragments', why: 'RFC 7692 §6.1: RSV1 on the first fragment only',
    input: clientFrames({ opcode: 1, rsv: 4, fin: false, payload: HELLO_DEFLATED.subarray(0, 3) }, { opcode: 0, payload: HELLO_DEFLATED.subarray(3) }),
    permessageDeflate: true, events: [{ type: 'message', opcode: 'text', bytes: toLatin1(HELLO_DEFLATED), compressed: true }],
  },
  {
    name: 'uncompressed message with permessage-deflate on', why: 'RFC 7692 §6.1: RSV1 unset → not compressed, and text is UTF-8 checked',
    input: f({ opcode: 1, payload: 'Hello' }), permessageDeflate: true, events: [{ type: 'message', text: 'Hello', compressed: false }],
  },
  {
    name: 'uncompressed invalid UTF-8 with permessage-deflate on', why: 'RFC 6455 §8.1 still applies to uncompressed text',
    input: f({ opcode: 1, payload: hex('ff') }), permessageDeflate: true, error: 'invalid-utf8', events: [],
  },
  {
    name: 'compressed text is not UTF-8 checked by the engine', why: 'the payload is DEFLATE data until inflated',
    input: f({ opcode: 1, rsv: 4, payload: hex('ff fe') }), permessageDeflate: true, events: [{ type: 'message', bytes: '\xff\xfe', compressed: true }],
  },
  {
    name: 'compressed binary', why: 'RFC 7692 §6: both data opcodes', input: f({ opcode: 2, rsv: 4, payload: HELLO_DEFLATED }), permessageDeflate: true,
    events: [{ type: 'message', opcode: 'binary', compressed: true }],
  },
  {
    name: 'RSV1 on a continuation frame', why: 'RFC 7692 §6.1: RSV1 is set on the first frame only → 1002',
    input: clientFrames({ opcode: 1, rsv: 4, fin: false, payload: HELLO_DEFLATED.subarray(0, 3) }, { opcode: 0, rsv: 4, payload: HELLO_DEFLATED.subarray(3) }),
    permessageDeflate: true, error: 'reserved-bits', events: [],
  },
  {
    name: 'RSV1 on a Ping', why: 'RFC 7692 §6.1: control frames are never compressed → 1002',
    input: f({ opcode: 9, rsv: 4 }), permessageDeflate: true, error: 'reserved-bits', events: [],
  },
  {
    name: 'RSV2 with permessage-deflate on', why: 'RFC 7692 defines RSV1 only',
    input: f({ opcode: 1, rsv: 2, payload: 'x' }), permessageDeflate: true, error: 'reserved-bits', events: [],
  },
  {
    name: 'compressed size over maxPayloadLength', why: 'the limit applies to the payload on the wire (the inflated size is finishMessage\'s)',
    input: f({ opcode: 2, rsv: 4, payload: new Uint8Array(17) }), permessageDeflate: true, maxPayloadLength: 16, error: 'message-too-big', events: [],
  },
]
