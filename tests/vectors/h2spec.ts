/**
 * h2spec (github.com/summerwind/h2spec, generic/, http2/ and hpack/ groups): one vector per
 * test case, named by its id as h2spec prints it ("http2/6.5.3/1"), each as the client bytes
 * h2spec sends and what the engine must do. h2spec accepts a GOAWAY where it asks for a
 * stream error; the vectors say which one we send. Where h2spec waits for the server (for a
 * response, a stream to close) the vector starts a new step.
 *
 * h2spec's header blocks are Go's HPACK encoder output; ours are literals without indexing
 * (`block()`), which exercise the same frame rules. The hpack/ and generic/5 cases use
 * h2spec's own bytes.
 * @module
 */
import type { H2Vector, SeenEvent } from '../helpers/h2-feed.ts'
import {
  block, bytes, concat, continuation, data, frame, GET, goaway, handshake, headers, ping, POST, PREFACE, priority,
  rstStream, settings, T, windowUpdate,
} from '../helpers/h2-frames.ts'

const ACKED = { type: 'settings-acked' } as const
const SETTINGS_ACK = 'SETTINGS ACK'
const PING_ACK = 'PING ACK 6832737065630000' // 'h2spec\0\0'
const OK = (id: number): string => `HEADERS ${id} END_STREAM :status=200`
const req = (streamId: number, more: Partial<SeenEvent> = {}): Partial<SeenEvent> => ({ type: 'request', streamId, ...more })
const reset = (streamId: number, code: string, byPeer = false): Partial<SeenEvent> => ({ type: 'stream-reset', streamId, code, byPeer })
const connError = (code: string): Partial<SeenEvent> => ({ type: 'connection-error', code })
const goawayOut = (last: number, code: string): string => `GOAWAY ${last} ${code}`
const hs = handshake()
const INITIAL_WINDOW_SIZE = 4

/** A HEADERS frame on `id` ending the stream, with h2spec's common request and `extra` fields. */
const get = (id: number, extra: string[] = []): Uint8Array => headers(id, [...GET, ...extra], { endStream: true })
/** A GET whose block is h2spec's common headers followed by the raw representation `rep`. */
const getWith = (rep: string): Uint8Array => headers(1, concat(block(GET), rep), { endStream: true })
/** A GET whose block starts with the raw representation `rep` (table size updates). */
const getAfter = (rep: string): Uint8Array => headers(1, concat(rep, block(GET)), { endStream: true })
const ANSWERED = { events: [ACKED, req(1)], frames: [SETTINGS_ACK, OK(1)] }

export const generic: H2Vector[] = [
  { name: 'generic/1/1: sends a client connection preface', why: 'RFC 9113 §3.4', steps: [concat(PREFACE, settings([INITIAL_WINDOW_SIZE, 65535]))], events: [], frames: [SETTINGS_ACK] },
  { name: 'generic/2/1: PRIORITY on an idle stream', why: 'RFC 9113 §5.1: PRIORITY is allowed in idle', steps: [concat(hs, priority(1, 0), ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  {
    name: 'generic/2/2: WINDOW_UPDATE on a half-closed (remote) stream', why: 'RFC 9113 §5.1: WINDOW_UPDATE is allowed in half-closed (remote)',
    steps: [concat(handshake([INITIAL_WINDOW_SIZE, 1]), get(1)), windowUpdate(1, 1)], body: 'ab',
    events: [ACKED, req(1), { type: 'window-update', streamId: 1 }],
    frames: [SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 1', 'DATA 1 1 END_STREAM'],
  },
  {
    name: 'generic/2/3: PRIORITY on a half-closed (remote) stream', why: 'RFC 9113 §5.1',
    steps: [concat(handshake([INITIAL_WINDOW_SIZE, 1]), get(1)), concat(priority(1, 0), windowUpdate(1, 1))], body: 'ab',
    events: [ACKED, req(1), { type: 'window-update', streamId: 1 }],
    frames: [SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 1', 'DATA 1 1 END_STREAM'],
  },
  {
    name: 'generic/2/4: RST_STREAM on a half-closed (remote) stream', why: 'RFC 9113 §5.1', respond: false,
    steps: [concat(hs, get(1), rstStream(1, 8), ping())], events: [ACKED, req(1), reset(1, 'CANCEL', true)], frames: [SETTINGS_ACK, PING_ACK],
  },
  {
    name: 'generic/2/5: PRIORITY on a closed stream', why: 'RFC 9113 §5.1: PRIORITY is allowed in closed',
    steps: [concat(hs, get(1)), concat(priority(1, 0), ping())], events: [ACKED, req(1)], frames: [SETTINGS_ACK, OK(1), PING_ACK],
  },
  { name: 'generic/3.1/1: DATA', why: 'RFC 9113 §6.1', steps: [concat(hs, headers(1, POST), data(1, 'test', { endStream: true }))], events: [ACKED, req(1, { method: 'POST', endStream: false }), { type: 'data', streamId: 1, text: 'test', endStream: true }], frames: [SETTINGS_ACK, OK(1)] },
  {
    name: 'generic/3.1/2: multiple DATA frames', why: 'RFC 9113 §6.1', steps: [concat(hs, headers(1, POST), data(1, 'test'), data(1, 'test', { endStream: true }))],
    events: [ACKED, req(1), { type: 'data', text: 'test', endStream: false }, { type: 'data', text: 'test', endStream: true }], frames: [SETTINGS_ACK, OK(1)],
  },
  {
    name: 'generic/3.1/3: DATA with padding', why: 'RFC 9113 §6.1: padding is removed', steps: [concat(hs, headers(1, POST), data(1, 'test', { endStream: true, pad: 5 }))],
    events: [ACKED, req(1), { type: 'data', text: 'test', endStream: true }], frames: [SETTINGS_ACK, OK(1)],
  },
  { name: 'generic/3.2/1: HEADERS', why: 'RFC 9113 §6.2', steps: [concat(hs, get(1))], ...ANSWERED },
  { name: 'generic/3.2/2: HEADERS with padding', why: 'RFC 9113 §6.2', steps: [concat(hs, headers(1, GET, { endStream: true, pad: 8 }))], ...ANSWERED },
  { name: 'generic/3.2/3: HEADERS with priority', why: 'RFC 9113 §6.2: priority fields are read and ignored', steps: [concat(hs, headers(1, GET, { endStream: true, dependsOn: 0, weight: 255 }))], ...ANSWERED },
  { name: 'generic/3.3/1: PRIORITY with priority 1', why: 'RFC 9113 §6.3', steps: [concat(hs, priority(1, 0, 0), get(1))], ...ANSWERED },
  { name: 'generic/3.3/2: PRIORITY with priority 256', why: 'RFC 9113 §6.3', steps: [concat(hs, priority(1, 0, 255), get(1))], ...ANSWERED },
  { name: 'generic/3.3/3: PRIORITY with stream dependency', why: 'RFC 9113 §6.3', steps: [concat(hs, priority(3, 0), priority(1, 3), get(1))], ...ANSWERED },
  { name: 'generic/3.3/4: PRIORITY with exclusive', why: 'RFC 9113 §6.3', steps: [concat(hs, priority(1, 0, 15, true), get(1))], ...ANSWERED },
  { name: 'generic/3.3/5: PRIORITY for an idle stream, then HEADERS for a lower stream id', why: 'RFC 9113 §5.1.1: PRIORITY does not open a stream', steps: [concat(hs, priority(3, 0), get(1))], ...ANSWERED },
  {
    name: 'generic/3.4/1: RST_STREAM', why: 'RFC 9113 §6.4', respond: false, steps: [concat(hs, headers(1, POST), rstStream(1, 8), ping())],
    events: [ACKED, req(1), reset(1, 'CANCEL', true)], frames: [SETTINGS_ACK, PING_ACK],
  },
  { name: 'generic/3.5/1: SETTINGS', why: 'RFC 9113 §6.5.3: ACK it', steps: [concat(PREFACE, settings([3, 100, 4, 65535]))], events: [], frames: [SETTINGS_ACK] },
  { name: 'generic/3.7/1: PING', why: 'RFC 9113 §6.7: answer with the same payload', steps: [concat(hs, ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  {
    name: 'generic/3.8/1: GOAWAY', why: 'RFC 9113 §6.8', steps: [concat(hs, goaway(0, 0, 'h2spec'), ping())],
    events: [ACKED, { type: 'goaway', lastStreamId: 0, code: 'NO_ERROR' }], frames: [SETTINGS_ACK, PING_ACK],
  },
  { name: 'generic/3.9/1: WINDOW_UPDATE on stream 0', why: 'RFC 9113 §6.9', steps: [concat(hs, windowUpdate(0, 1), ping())], events: [ACKED, { type: 'window-update', streamId: 0 }], frames: [SETTINGS_ACK, PING_ACK] },
  {
    name: 'generic/3.9/2: WINDOW_UPDATE on stream 1', why: 'RFC 9113 §6.9', steps: [concat(hs, headers(1, GET), windowUpdate(1, 1), data(1, '', { endStream: true }))],
    events: [ACKED, req(1), { type: 'window-update', streamId: 1 }, { type: 'data', text: '', endStream: true }], frames: [SETTINGS_ACK, OK(1)],
  },
  {
    name: 'generic/3.10/1: CONTINUATION', why: 'RFC 9113 §6.10',
    steps: [concat(hs, headers(1, block(GET).subarray(0, 5), { endStream: true, endHeaders: false }), continuation(1, block(GET).subarray(5), true))], ...ANSWERED,
  },
  {
    name: 'generic/3.10/2: multiple CONTINUATION frames', why: 'RFC 9113 §6.10',
    steps: [concat(hs, headers(1, block(GET).subarray(0, 5), { endStream: true, endHeaders: false }), continuation(1, block(GET).subarray(5, 10), false), continuation(1, block(GET).subarray(10), true))],
    ...ANSWERED,
  },
  { name: 'generic/4/1: GET request', why: 'RFC 9113 §8.1', steps: [concat(hs, get(1))], events: [ACKED, req(1, { method: 'GET', scheme: 'http', path: '/', authority: 'localhost', headers: [], endStream: true, contentLength: null })], frames: [SETTINGS_ACK, OK(1)] },
  { name: 'generic/4/2: HEAD request', why: 'RFC 9113 §8.1', steps: [concat(hs, headers(1, [':method', 'HEAD', ...GET.slice(2)], { endStream: true }))], events: [ACKED, req(1, { method: 'HEAD' })], frames: [SETTINGS_ACK, OK(1)] },
  {
    name: 'generic/4/3: POST request', why: 'RFC 9113 §8.1', steps: [concat(hs, headers(1, [...POST, 'content-length', '4']), data(1, 'test', { endStream: true }))],
    events: [ACKED, req(1, { method: 'POST', contentLength: 4, headers: ['content-length', '4'] }), { type: 'data', text: 'test', endStream: true }], frames: [SETTINGS_ACK, OK(1)],
  },
  {
    name: 'generic/4/4: POST request with trailers', why: 'RFC 9113 §8.1: trailers end the stream',
    steps: [concat(hs, headers(1, POST), data(1, 'test'), headers(1, ['x-trailer', 'ok'], { endStream: true }))],
    events: [ACKED, req(1), { type: 'data', text: 'test', endStream: false }, { type: 'trailers', streamId: 1, headers: ['x-trailer', 'ok'] }], frames: [SETTINGS_ACK, OK(1)],
  },
  ...([
    ['1', 'indexed header field representation', '\xba', ['user-agent', '']],
    ['2', 'literal with incremental indexing, indexed name', '\x40\x87\xb5\x05\xb1\x61\xcc\x5a\x93\x84\x9c\x48\xac\xa4', ['user-agent', 'h2spec']],
    ['3', 'literal with incremental indexing, indexed name (Huffman)', '\x40\x0a\x75\x73\x65\x72\x2d\x61\x67\x65\x6e\x74\x06\x68\x32\x73\x70\x65\x63', ['user-agent', 'h2spec']],
    ['4', 'literal with incremental indexing, new name', '\x40\x06\x78\x2d\x74\x65\x73\x74\x06\x68\x32\x73\x70\x65\x63', ['x-test', 'h2spec']],
    ['5', 'literal with incremental indexing, new name (Huffman)', '\x40\x85\xf2\xb2\x4a\x84\xff\x84\x9c\x48\xac\xa4', ['x-test', 'h2spec']],
    ['6', 'literal without indexing, indexed name', '\x00\x0a\x75\x73\x65\x72\x2d\x61\x67\x65\x6e\x74\x06\x68\x32\x73\x70\x65\x63', ['user-agent', 'h2spec']],
    ['7', 'literal without indexing, indexed name (Huffman)', '\x00\x87\xb5\x05\xb1\x61\xcc\x5a\x93\x84\x9c\x48\xac\xa4', ['user-agent', 'h2spec']],
    ['8', 'literal without indexing, new name', '\x00\x06\x78\x2d\x74\x65\x73\x74\x06\x68\x32\x73\x70\x65\x63', ['x-test', 'h2spec']],
    ['9', 'literal without indexing, new name (Huffman)', '\x00\x85\xf2\xb2\x4a\x84\xff\x84\x9c\x48\xac\xa4', ['x-test', 'h2spec']],
    ['10', 'literal never indexed, indexed name', '\x10\x0a\x75\x73\x65\x72\x2d\x61\x67\x65\x6e\x74\x06\x68\x32\x73\x70\x65\x63', ['user-agent', 'h2spec']],
    ['11', 'literal never indexed, indexed name (Huffman)', '\x10\x87\xb5\x05\xb1\x61\xcc\x5a\x93\x84\x9c\x48\xac\xa4', ['user-agent', 'h2spec']],
    ['12', 'literal never indexed, new name', '\x10\x85\xf2\xb2\x4a\x84\xff\x84\x9c\x48\xac\xa4', ['x-test', 'h2spec']],
    ['13', 'literal never indexed, new name (Huffman)', '\x10\x85\xf2\xb2\x4a\x84\xff\x84\x9c\x48\xac\xa4', ['x-test', 'h2spec']],
  ] as const).map(([n, what, rep, fields]): H2Vector => ({
    name: `generic/5/${n}: ${what}`, why: 'RFC 7541 §6', steps: [concat(hs, getWith(rep))],
    events: [ACKED, req(1, { headers: [...fields] })], frames: [SETTINGS_ACK, OK(1)],
  })),
  { name: 'generic/5/14: dynamic table size update', why: 'RFC 7541 §6.3', steps: [concat(hs, getAfter('\x3f\xe1\x1f'))], ...ANSWERED },
  { name: 'generic/5/15: multiple dynamic table size updates', why: 'RFC 7541 §4.2: 128 then 4096', steps: [concat(hs, getAfter('\x3f\x61\x3f\xe1\x1f'))], ...ANSWERED },
]

const bigHeaders = (): Uint8Array => {
  // h2spec fills a HEADERS frame past SETTINGS_MAX_FRAME_SIZE with dummy fields.
  const fields = [...GET]
  for (let i = 0; i < 5; i++) fields.push(`x-dummy${i}`, 'x'.repeat(4000))
  return headers(1, fields, { endStream: true })
}
const dummy = ['x-dummy0', 'dummy']
/** HEADERS for `id` without END_HEADERS, so a CONTINUATION must follow. */
const openBlock = (id: number, endStream = true): Uint8Array => headers(id, GET, { endStream, endHeaders: false })
const GOAWAY_PROTOCOL = (last: number): { events: Partial<SeenEvent>[]; frames: string[] } => ({
  events: [ACKED, connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, goawayOut(last, 'PROTOCOL_ERROR')],
})
const afterRequest = (code: string, last = 1): { events: Partial<SeenEvent>[]; frames: string[] } => ({
  events: [ACKED, req(1), connError(code)], frames: [SETTINGS_ACK, goawayOut(last, code)],
})

export const http2: H2Vector[] = [
  { name: 'http2/3.5/1: client connection preface', why: 'RFC 9113 §3.4', steps: [concat(PREFACE, settings([4, 65535]))], events: [], frames: [SETTINGS_ACK] },
  {
    name: 'http2/3.5/2: invalid connection preface', why: 'RFC 9113 §3.4: PROTOCOL_ERROR; a GOAWAY MAY be omitted (the peer is not speaking HTTP/2)',
    steps: [bytes('INVALID CONNECTION PREFACE\r\n\r\n')], events: [connError('PROTOCOL_ERROR')], frames: [],
  },
  { name: 'http2/4.1/1: frame of unknown type', why: 'RFC 9113 §4.1, §5.5: ignored', steps: [concat(hs, frame(0x16, 0, 0, '\0'.repeat(8)), ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  { name: 'http2/4.1/2: frame with undefined flags', why: 'RFC 9113 §4.1: unknown flags are ignored', steps: [concat(hs, frame(T.PING, 0x16, 0, '\0'.repeat(8)))], events: [ACKED], frames: [SETTINGS_ACK, 'PING ACK 0000000000000000'] },
  { name: 'http2/4.1/3: frame with the reserved bit set', why: 'RFC 9113 §4.1: R is ignored', steps: [concat(hs, bytes('\x00\x00\x08\x06\x16\x80\x00\x00\x00'), '\0'.repeat(8))], events: [ACKED], frames: [SETTINGS_ACK, 'PING ACK 0000000000000000'] },
  {
    name: 'http2/4.2/1: DATA of 2^14 octets', why: 'RFC 9113 §4.2: every endpoint accepts 16,384',
    steps: [concat(hs, headers(1, POST), data(1, 'x'.repeat(16384), { endStream: true }))],
    events: [ACKED, req(1), { type: 'data', text: 'x'.repeat(16384), endStream: true }], frames: [SETTINGS_ACK, OK(1)],
  },
  {
    name: 'http2/4.2/2: DATA above SETTINGS_MAX_FRAME_SIZE', why: 'RFC 9113 §4.2: FRAME_SIZE_ERROR (a connection error here: the frame counts against the connection window)',
    steps: [concat(hs, headers(1, POST), data(1, 'x'.repeat(16385), { endStream: true }))], ...afterRequest('FRAME_SIZE_ERROR'),
  },
  {
    name: 'http2/4.2/3: HEADERS above SETTINGS_MAX_FRAME_SIZE', why: 'RFC 9113 §4.2: a frame carrying a field block → connection error FRAME_SIZE_ERROR',
    steps: [concat(hs, bigHeaders())], events: [ACKED, connError('FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FRAME_SIZE_ERROR')],
  },
  {
    name: 'http2/4.3/1: invalid field block fragment', why: 'RFC 9113 §4.3: COMPRESSION_ERROR', steps: [concat(hs, bytes('\x00\x00\x01\x01\x05\x00\x00\x00\x01\x40'))],
    events: [ACKED, connError('COMPRESSION_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'COMPRESSION_ERROR')],
  },
  { name: 'http2/4.3/2: PRIORITY inside a field block', why: 'RFC 9113 §4.3: a field block is contiguous', steps: [concat(hs, openBlock(1), priority(1, 0), continuation(1, dummy, true))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/4.3/3: HEADERS on another stream inside a field block', why: 'RFC 9113 §4.3', steps: [concat(hs, openBlock(1), get(3), continuation(1, dummy, true))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/5.1.1/1: even stream id', why: 'RFC 9113 §5.1.1: client streams are odd', steps: [concat(hs, get(2))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/5.1.1/2: stream id lower than a previous one', why: 'RFC 9113 §5.1.1: ids increase', respond: false, steps: [concat(hs, get(5), get(3))],
    events: [ACKED, req(5), connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, goawayOut(5, 'PROTOCOL_ERROR')],
  },
  {
    name: 'http2/5.1.2/1: more streams than SETTINGS_MAX_CONCURRENT_STREAMS', why: 'RFC 9113 §5.1.2: REFUSED_STREAM lets the client retry',
    limits: { maxConcurrentStreams: 3 }, steps: [concat(handshake([INITIAL_WINDOW_SIZE, 0]), headers(1, POST), headers(3, POST), headers(5, POST), headers(7, POST))],
    events: [ACKED, req(1), req(3), req(5)], frames: [SETTINGS_ACK, 'RST_STREAM 7 REFUSED_STREAM'],
  },
  { name: 'http2/5.1/1: idle: DATA', why: 'RFC 9113 §5.1: only HEADERS or PRIORITY in idle', steps: [concat(hs, data(1, 'test', { endStream: true }))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/5.1/2: idle: RST_STREAM', why: 'RFC 9113 §5.1', steps: [concat(hs, rstStream(1, 8))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/5.1/3: idle: WINDOW_UPDATE', why: 'RFC 9113 §5.1', steps: [concat(hs, windowUpdate(1, 100))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/5.1/4: idle: CONTINUATION', why: 'RFC 9113 §5.1, §6.10', steps: [concat(hs, continuation(1, GET, true))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/5.1/5: half closed (remote): DATA', why: 'RFC 9113 §5.1: STREAM_CLOSED stream error', respond: false,
    steps: [concat(hs, get(1), data(1, 'test', { endStream: true }))], events: [ACKED, req(1), reset(1, 'STREAM_CLOSED')], frames: [SETTINGS_ACK, 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/5.1/6: half closed (remote): HEADERS', why: 'RFC 9113 §5.1: STREAM_CLOSED stream error', respond: false,
    steps: [concat(hs, get(1), get(1))], events: [ACKED, req(1), reset(1, 'STREAM_CLOSED')], frames: [SETTINGS_ACK, 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/5.1/7: half closed (remote): CONTINUATION', why: 'RFC 9113 §6.10: no field block is open → PROTOCOL_ERROR', respond: false,
    steps: [concat(hs, get(1), continuation(1, GET, true))], events: [ACKED, req(1), connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, goawayOut(1, 'PROTOCOL_ERROR')],
  },
  {
    name: 'http2/5.1/8: closed: DATA after the client\'s RST_STREAM', why: 'RFC 9113 §5.1: STREAM_CLOSED after a received RST_STREAM',
    steps: [concat(hs, headers(1, POST), rstStream(1, 8), data(1, 'test', { endStream: true }))],
    events: [ACKED, req(1), reset(1, 'CANCEL', true)], frames: [SETTINGS_ACK, 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/5.1/9: closed: HEADERS after the client\'s RST_STREAM', why: 'RFC 9113 §5.1',
    steps: [concat(hs, headers(1, POST), rstStream(1, 8), get(1))], events: [ACKED, req(1), reset(1, 'CANCEL', true)], frames: [SETTINGS_ACK, 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/5.1/10: closed: CONTINUATION after the client\'s RST_STREAM', why: 'RFC 9113 §6.10: no field block is open',
    steps: [concat(hs, headers(1, POST), rstStream(1, 8), continuation(1, dummy, true))],
    events: [ACKED, req(1), reset(1, 'CANCEL', true), connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, goawayOut(1, 'PROTOCOL_ERROR')],
  },
  {
    name: 'http2/5.1/11: closed: DATA', why: 'RFC 9113 §5.1: STREAM_CLOSED', steps: [concat(hs, get(1)), data(1, 'test', { endStream: true })],
    events: [ACKED, req(1)], frames: [SETTINGS_ACK, OK(1), 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/5.1/12: closed: HEADERS', why: 'RFC 9113 §5.1: connection error STREAM_CLOSED', steps: [concat(hs, get(1)), get(1)],
    events: [ACKED, req(1), connError('STREAM_CLOSED')], frames: [SETTINGS_ACK, OK(1), goawayOut(1, 'STREAM_CLOSED')],
  },
  {
    name: 'http2/5.1/13: closed: CONTINUATION', why: 'RFC 9113 §6.10', steps: [concat(hs, get(1)), continuation(1, dummy, true)],
    events: [ACKED, req(1), connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, OK(1), goawayOut(1, 'PROTOCOL_ERROR')],
  },
  {
    name: 'http2/5.3.1/1: HEADERS depending on itself', why: 'RFC 9113 §5.3.1: stream error PROTOCOL_ERROR',
    steps: [concat(hs, headers(1, GET, { endStream: true, dependsOn: 1 }))], events: [ACKED], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
  {
    name: 'http2/5.3.1/2: PRIORITY depending on itself', why: 'RFC 9113 §5.3.1', steps: [concat(hs, priority(2, 2))],
    events: [ACKED], frames: [SETTINGS_ACK, 'RST_STREAM 2 PROTOCOL_ERROR'],
  },
  {
    name: 'http2/5.4.1/1: invalid PING closes the connection', why: 'RFC 9113 §5.4.1', steps: [concat(hs, bytes('\x00\x00\x08\x06\x00\x00\x00\x00\x03'), '\0'.repeat(8))],
    ...GOAWAY_PROTOCOL(0),
  },
  { name: 'http2/5.4.1/2: invalid PING gets a GOAWAY', why: 'RFC 9113 §5.4.1: SHOULD send GOAWAY', steps: [concat(hs, bytes('\x00\x00\x08\x06\x00\x00\x00\x00\x03'), '\0'.repeat(8))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/5.5/1: unknown extension frame', why: 'RFC 9113 §5.5: ignored', steps: [concat(hs, frame(0x16, 0, 0, '\0'.repeat(8)), ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  { name: 'http2/5.5/2: unknown extension frame inside a field block', why: 'RFC 9113 §5.5: PROTOCOL_ERROR', steps: [concat(hs, openBlock(1), frame(0x16, 0, 0, '\0'.repeat(8)))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.1/1: DATA on stream 0', why: 'RFC 9113 §6.1', steps: [concat(hs, data(0, 'test', { endStream: true }))], ...GOAWAY_PROTOCOL(0),
  },
  {
    name: 'http2/6.1/2: DATA on a stream not open or half-closed (local)', why: 'RFC 9113 §6.1: STREAM_CLOSED', respond: false,
    steps: [concat(hs, get(1), data(1, 'test', { endStream: true }))], events: [ACKED, req(1), reset(1, 'STREAM_CLOSED')], frames: [SETTINGS_ACK, 'RST_STREAM 1 STREAM_CLOSED'],
  },
  {
    name: 'http2/6.1/3: DATA with an invalid pad length', why: 'RFC 9113 §6.1: padding ≥ payload → PROTOCOL_ERROR',
    steps: [concat(hs, headers(1, [...POST, 'content-length', '4']), bytes('\x00\x00\x05\x00\x09\x00\x00\x00\x01\x06\x54\x65\x73\x74'))],
    ...afterRequest('PROTOCOL_ERROR'),
  },
  { name: 'http2/6.2/1: HEADERS without END_HEADERS, then PRIORITY', why: 'RFC 9113 §6.2', steps: [concat(hs, openBlock(1), priority(1, 0), continuation(1, dummy, true))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.2/2: HEADERS to another stream while a field block is open', why: 'RFC 9113 §6.2', steps: [concat(hs, openBlock(1), get(3), continuation(1, dummy, true))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.2/3: HEADERS on stream 0', why: 'RFC 9113 §6.2', steps: [concat(hs, get(0))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.2/4: HEADERS with an invalid pad length', why: 'RFC 9113 §6.2: padding longer than the rest → PROTOCOL_ERROR',
    steps: [concat(hs, frame(T.HEADERS, 0x0d, 1, concat(new Uint8Array([block(GET).length + 2]), block(GET))))], ...GOAWAY_PROTOCOL(0),
  },
  { name: 'http2/6.3/1: PRIORITY on stream 0', why: 'RFC 9113 §6.3', steps: [concat(hs, priority(0, 1))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.3/2: PRIORITY of length other than 5', why: 'RFC 9113 §6.3: stream error FRAME_SIZE_ERROR', respond: false,
    steps: [concat(hs, get(1), bytes('\x00\x00\x04\x02\x00\x00\x00\x00\x01\x80\x00\x00\x01'))],
    events: [ACKED, req(1), reset(1, 'FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 FRAME_SIZE_ERROR'],
  },
  { name: 'http2/6.4/1: RST_STREAM on stream 0', why: 'RFC 9113 §6.4', steps: [concat(hs, rstStream(0, 8))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.4/2: RST_STREAM on an idle stream', why: 'RFC 9113 §6.4', steps: [concat(hs, rstStream(1, 8))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.4/3: RST_STREAM of length other than 4', why: 'RFC 9113 §6.4: FRAME_SIZE_ERROR', respond: false,
    steps: [concat(hs, get(1), bytes('\x00\x00\x03\x03\x00\x00\x00\x00\x01\x00\x00\x00'))], ...afterRequest('FRAME_SIZE_ERROR'),
  },
  {
    name: 'http2/6.5/1: SETTINGS ACK with a payload', why: 'RFC 9113 §6.5: FRAME_SIZE_ERROR', steps: [concat(hs, bytes('\x00\x00\x01\x04\x01\x00\x00\x00\x00\x00'))],
    events: [ACKED, connError('FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FRAME_SIZE_ERROR')],
  },
  {
    name: 'http2/6.5/2: SETTINGS on a stream', why: 'RFC 9113 §6.5: PROTOCOL_ERROR', steps: [concat(hs, bytes('\x00\x00\x06\x04\x00\x00\x00\x00\x01\x00\x03\x00\x00\x00\x64'))],
    ...GOAWAY_PROTOCOL(0),
  },
  {
    name: 'http2/6.5/3: SETTINGS length not a multiple of 6', why: 'RFC 9113 §6.5: FRAME_SIZE_ERROR', steps: [concat(hs, bytes('\x00\x00\x03\x04\x00\x00\x00\x00\x00\x00\x03\x00'))],
    events: [ACKED, connError('FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FRAME_SIZE_ERROR')],
  },
  { name: 'http2/6.5.2/1: SETTINGS_ENABLE_PUSH other than 0 or 1', why: 'RFC 9113 §6.5.2', steps: [concat(hs, settings([2, 2]))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.5.2/2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1', why: 'RFC 9113 §6.5.2: FLOW_CONTROL_ERROR', steps: [concat(hs, settings([4, 2147483648]))],
    events: [ACKED, connError('FLOW_CONTROL_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FLOW_CONTROL_ERROR')],
  },
  { name: 'http2/6.5.2/3: SETTINGS_MAX_FRAME_SIZE below 16384', why: 'RFC 9113 §6.5.2', steps: [concat(hs, settings([5, 16383]))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.5.2/4: SETTINGS_MAX_FRAME_SIZE above 2^24-1', why: 'RFC 9113 §6.5.2', steps: [concat(hs, settings([5, 16777216]))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.5.2/5: SETTINGS with an unknown identifier', why: 'RFC 9113 §6.5.2: ignored', steps: [concat(hs, settings([0xff, 1]), ping())], events: [ACKED], frames: [SETTINGS_ACK, SETTINGS_ACK, PING_ACK] },
  {
    name: 'http2/6.5.3/1: multiple values of SETTINGS_INITIAL_WINDOW_SIZE', why: 'RFC 9113 §6.5.3: processed in order, the last wins',
    steps: [concat(hs, settings([4, 100, 4, 1]), get(1))], body: 'ab', events: [ACKED, req(1)],
    frames: [SETTINGS_ACK, SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 1'],
  },
  { name: 'http2/6.5.3/2: SETTINGS without ACK', why: 'RFC 9113 §6.5.3: answered with an ACK', steps: [concat(hs, settings([2, 0]))], events: [ACKED], frames: [SETTINGS_ACK, SETTINGS_ACK] },
  { name: 'http2/6.7/1: PING', why: 'RFC 9113 §6.7', steps: [concat(hs, ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  { name: 'http2/6.7/2: PING with ACK', why: 'RFC 9113 §6.7: an ACK is not answered', steps: [concat(hs, ping('invalid!', true), ping())], events: [ACKED], frames: [SETTINGS_ACK, PING_ACK] },
  { name: 'http2/6.7/3: PING on a stream', why: 'RFC 9113 §6.7: PROTOCOL_ERROR', steps: [concat(hs, bytes('\x00\x00\x08\x06\x00\x00\x00\x00\x01'), '\0'.repeat(8))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.7/4: PING of length other than 8', why: 'RFC 9113 §6.7: FRAME_SIZE_ERROR', steps: [concat(hs, bytes('\x00\x00\x06\x06\x00\x00\x00\x00\x00'), '\0'.repeat(6))],
    events: [ACKED, connError('FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FRAME_SIZE_ERROR')],
  },
  { name: 'http2/6.8/1: GOAWAY on a stream', why: 'RFC 9113 §6.8: PROTOCOL_ERROR', steps: [concat(hs, bytes('\x00\x00\x08\x07\x00\x00\x00\x00\x01'), '\0'.repeat(8))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.9/1: WINDOW_UPDATE of 0 on the connection', why: 'RFC 9113 §6.9: PROTOCOL_ERROR', steps: [concat(hs, windowUpdate(0, 0))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.9/2: WINDOW_UPDATE of 0 on a stream', why: 'RFC 9113 §6.9: stream error PROTOCOL_ERROR', respond: false,
    steps: [concat(hs, get(1), windowUpdate(1, 0))], events: [ACKED, req(1), reset(1, 'PROTOCOL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
  {
    name: 'http2/6.9/3: WINDOW_UPDATE of length other than 4', why: 'RFC 9113 §6.9: FRAME_SIZE_ERROR', steps: [concat(hs, bytes('\x00\x00\x03\x08\x00\x00\x00\x00\x00\x00\x00\x01'))],
    events: [ACKED, connError('FRAME_SIZE_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FRAME_SIZE_ERROR')],
  },
  {
    name: 'http2/6.9.1/1: SETTINGS_INITIAL_WINDOW_SIZE 1, then HEADERS', why: 'RFC 9113 §6.9.1: the response body waits for the window',
    steps: [concat(handshake([INITIAL_WINDOW_SIZE, 1]), get(1))], body: 'ab', events: [ACKED, req(1)], frames: [SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 1'],
  },
  {
    name: 'http2/6.9.1/2: WINDOW_UPDATEs taking the connection window above 2^31-1', why: 'RFC 9113 §6.9.1: connection error FLOW_CONTROL_ERROR',
    steps: [concat(hs, windowUpdate(0, 2147483647), windowUpdate(0, 2147483647))],
    // The window starts at 65,535, so the first one already overflows.
    events: [ACKED, connError('FLOW_CONTROL_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FLOW_CONTROL_ERROR')],
  },
  {
    name: 'http2/6.9.1/3: WINDOW_UPDATEs taking a stream window above 2^31-1', why: 'RFC 9113 §6.9.1: stream error FLOW_CONTROL_ERROR', respond: false,
    steps: [concat(hs, get(1), windowUpdate(1, 2147483647), windowUpdate(1, 2147483647))],
    events: [ACKED, req(1), reset(1, 'FLOW_CONTROL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 FLOW_CONTROL_ERROR'],
  },
  {
    name: 'http2/6.9.2/1: SETTINGS_INITIAL_WINDOW_SIZE changed after HEADERS', why: 'RFC 9113 §6.9.2: every stream window is adjusted',
    steps: [concat(handshake([INITIAL_WINDOW_SIZE, 0]), get(1)), settings([INITIAL_WINDOW_SIZE, 1])], body: 'ab',
    events: [ACKED, req(1), { type: 'window-update', streamId: 1 }], frames: [SETTINGS_ACK, SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 1'],
  },
  {
    name: 'http2/6.9.2/2: SETTINGS making a window negative', why: 'RFC 9113 §6.9.2: the negative window is tracked',
    steps: [concat(handshake([INITIAL_WINDOW_SIZE, 3]), get(1)), concat(settings([INITIAL_WINDOW_SIZE, 2]), windowUpdate(1, 2))], body: 'abcde',
    events: [ACKED, req(1), { type: 'window-update', streamId: 1 }], frames: [SETTINGS_ACK, SETTINGS_ACK, 'HEADERS 1 :status=200', 'DATA 1 3', 'DATA 1 1'],
  },
  {
    name: 'http2/6.9.2/3: SETTINGS_INITIAL_WINDOW_SIZE above the maximum', why: 'RFC 9113 §6.9.2: FLOW_CONTROL_ERROR',
    steps: [concat(hs, bytes('\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x04\x80\x00\x00\x00'))],
    events: [ACKED, connError('FLOW_CONTROL_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'FLOW_CONTROL_ERROR')],
  },
  {
    name: 'http2/6.10/1: multiple CONTINUATION frames after HEADERS', why: 'RFC 9113 §6.10',
    steps: [concat(hs, openBlock(1), continuation(1, ['x-dummy0', 'a'], false), continuation(1, ['x-dummy1', 'b'], true))],
    events: [ACKED, req(1, { headers: ['x-dummy0', 'a', 'x-dummy1', 'b'] })], frames: [SETTINGS_ACK, OK(1)],
  },
  { name: 'http2/6.10/2: CONTINUATION followed by another frame type', why: 'RFC 9113 §6.10: PROTOCOL_ERROR', steps: [concat(hs, openBlock(1), continuation(1, dummy, false), data(1, 'test', { endStream: true }))], ...GOAWAY_PROTOCOL(0) },
  { name: 'http2/6.10/3: CONTINUATION on stream 0', why: 'RFC 9113 §6.10: PROTOCOL_ERROR', steps: [concat(hs, openBlock(1), continuation(0, dummy, true))], ...GOAWAY_PROTOCOL(0) },
  {
    name: 'http2/6.10/4: CONTINUATION after HEADERS with END_HEADERS', why: 'RFC 9113 §6.10', respond: false,
    steps: [concat(hs, get(1), continuation(1, dummy, true))], ...afterRequest('PROTOCOL_ERROR'),
  },
  {
    name: 'http2/6.10/5: CONTINUATION after CONTINUATION with END_HEADERS', why: 'RFC 9113 §6.10', respond: false,
    steps: [concat(hs, openBlock(1), continuation(1, dummy, true), continuation(1, dummy, true))], ...afterRequest('PROTOCOL_ERROR'),
  },
  {
    name: 'http2/6.10/6: CONTINUATION after DATA', why: 'RFC 9113 §6.10', steps: [concat(hs, headers(1, POST), data(1, 'test', { endStream: true }), continuation(1, dummy, false))],
    events: [ACKED, req(1), { type: 'data', text: 'test', endStream: true }, connError('PROTOCOL_ERROR')], frames: [SETTINGS_ACK, goawayOut(1, 'PROTOCOL_ERROR')], respond: false,
  },
  {
    name: 'http2/7/1: GOAWAY with an unknown error code', why: 'RFC 9113 §7: unknown codes are not errors', steps: [concat(hs, goaway(0, 0xff), ping())],
    events: [ACKED, { type: 'goaway', lastStreamId: 0, code: '255' }], frames: [SETTINGS_ACK, PING_ACK],
  },
  {
    name: 'http2/7/2: RST_STREAM with an unknown error code', why: 'RFC 9113 §7', respond: false, steps: [concat(hs, get(1), rstStream(1, 0xff), ping())],
    events: [ACKED, req(1), reset(1, '255', true)], frames: [SETTINGS_ACK, PING_ACK],
  },
  {
    name: 'http2/8.1/1: second HEADERS without END_STREAM', why: 'RFC 9113 §8.1: trailers end the stream → stream error PROTOCOL_ERROR',
    steps: [concat(hs, headers(1, POST), data(1, 'test'), headers(1, ['x-test', 'ok']))],
    events: [ACKED, req(1), { type: 'data', text: 'test' }, reset(1, 'PROTOCOL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
]

/** A request with `fields` that must be refused as malformed (RFC 9113 §8.1.1): RST_STREAM(PROTOCOL_ERROR), no event. */
const malformed = (name: string, why: string, fields: string[]): H2Vector => ({
  name, why, steps: [concat(hs, headers(1, fields, { endStream: true }))], events: [ACKED], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
})
const [, METHOD, , SCHEME, , PATH, , AUTHORITY] = GET

export const http2Semantics: H2Vector[] = [
  malformed('http2/8.1.2/1: uppercase field name', 'RFC 9113 §8.2.1', [...GET, 'X-TEST', 'ok']),
  malformed('http2/8.1.2.1/1: unknown pseudo-header', 'RFC 9113 §8.3', [...GET, ':test', 'ok']),
  malformed('http2/8.1.2.1/2: response pseudo-header in a request', 'RFC 9113 §8.3', [...GET, ':status', '200']),
  {
    name: 'http2/8.1.2.1/3: pseudo-header in trailers', why: 'RFC 9113 §8.1',
    steps: [concat(hs, headers(1, POST), data(1, 'test'), headers(1, [':method', 'POST'], { endStream: true }))],
    events: [ACKED, req(1), { type: 'data', text: 'test' }, reset(1, 'PROTOCOL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
  malformed('http2/8.1.2.1/4: pseudo-header after a regular field', 'RFC 9113 §8.3', [':method', METHOD!, ':scheme', SCHEME!, ':path', PATH!, 'x-test', 'ok', ':authority', AUTHORITY!]),
  malformed('http2/8.1.2.2/1: connection-specific field', 'RFC 9113 §8.2.2', [...GET, 'connection', 'keep-alive']),
  malformed('http2/8.1.2.2/2: te other than trailers', 'RFC 9113 §8.2.2', [...GET, 'trailers', 'test', 'te', 'trailers, deflate']),
  malformed('http2/8.1.2.3/1: empty :path', 'RFC 9113 §8.3.1', [':method', 'GET', ':scheme', 'http', ':path', '', ':authority', 'localhost']),
  malformed('http2/8.1.2.3/2: no :method', 'RFC 9113 §8.3.1', GET.slice(2)),
  malformed('http2/8.1.2.3/3: no :scheme', 'RFC 9113 §8.3.1', [':method', 'GET', ':path', '/', ':authority', 'localhost']),
  malformed('http2/8.1.2.3/4: no :path', 'RFC 9113 §8.3.1', [':method', 'GET', ':scheme', 'http', ':authority', 'localhost']),
  malformed('http2/8.1.2.3/5: duplicate :method', 'RFC 9113 §8.3.1', [':method', 'GET', ...GET]),
  malformed('http2/8.1.2.3/6: duplicate :scheme', 'RFC 9113 §8.3.1', [...GET.slice(0, 4), ':scheme', 'http', ...GET.slice(4)]),
  malformed('http2/8.1.2.3/7: duplicate :path', 'RFC 9113 §8.3.1', [...GET.slice(0, 6), ':path', '/', ...GET.slice(6)]),
  {
    name: 'http2/8.1.2.6/1: content-length differs from the DATA length', why: 'RFC 9113 §8.1.1: stream error PROTOCOL_ERROR',
    steps: [concat(hs, headers(1, [...POST, 'content-length', '1']), data(1, 'test', { endStream: true }))],
    events: [ACKED, req(1, { contentLength: 1 }), reset(1, 'PROTOCOL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
  {
    name: 'http2/8.1.2.6/2: content-length differs from the sum of DATA lengths', why: 'RFC 9113 §8.1.1',
    steps: [concat(hs, headers(1, [...POST, 'content-length', '1']), data(1, 'test'), data(1, 'test', { endStream: true }))],
    events: [ACKED, req(1, { contentLength: 1 }), reset(1, 'PROTOCOL_ERROR')], frames: [SETTINGS_ACK, 'RST_STREAM 1 PROTOCOL_ERROR'],
  },
  {
    name: 'http2/8.2/1: PUSH_PROMISE from a client', why: 'RFC 9113 §8.4: a client cannot push',
    steps: [concat(hs, frame(T.PUSH_PROMISE, 0x4, 1, concat(new Uint8Array([0, 0, 0, 2]), block(GET))))], ...GOAWAY_PROTOCOL(0),
  },
]

/** A GET whose block carries `rep` and must fail with COMPRESSION_ERROR. */
const compression = (name: string, why: string, step: Uint8Array): H2Vector => ({
  name, why, steps: [concat(hs, step)], events: [ACKED, connError('COMPRESSION_ERROR')], frames: [SETTINGS_ACK, goawayOut(0, 'COMPRESSION_ERROR')],
})

export const hpack: H2Vector[] = [
  compression('hpack/2.3.3/1: indexed field with an invalid index', 'RFC 7541 §2.3.3', getWith('\xc6')),
  compression('hpack/2.3.3/2: literal field with an invalid name index', 'RFC 7541 §2.3.3', getWith('\x7f\x07\x00')),
  compression('hpack/4.2/1: table size update at the end of a block', 'RFC 7541 §4.2: only at the start', getWith('\x21')),
  compression('hpack/5.2/1: Huffman padding longer than 7 bits', 'RFC 7541 §5.2', getWith('\x00\x85\xf2\xb2\x4a\x84\xff\x84\x49\x50\x9f\xff')),
  compression('hpack/5.2/2: Huffman padding of zeros', 'RFC 7541 §5.2: padding is the EOS prefix (ones)', getWith('\x00\x85\xf2\xb2\x4a\x84\xff\x83\x49\x50\x90')),
  compression('hpack/5.2/3: Huffman string containing EOS', 'RFC 7541 §5.2', getWith('\x00\x85\xf2\xb2\x4a\x84\xff\x87\x49\x51\xff\xff\xff\xfa\x7f')),
  compression('hpack/6.1/1: indexed field with index 0', 'RFC 7541 §6.1', getWith('\x80')),
  compression('hpack/6.3/1: table size update above SETTINGS_HEADER_TABLE_SIZE', 'RFC 7541 §6.3: 4097 > 4096', getAfter('\x3f\xe2\x1f')),
]

