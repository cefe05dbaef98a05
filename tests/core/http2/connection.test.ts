// Http2Connection beyond the h2spec vectors: what we send (heads, DATA within windows,
// trailers), receive-side flow control and its bound on buffered bytes, graceful shutdown,
// and each flood defence at exactly N and N+1.
import { describe, expect, test } from 'vitest'
import { Http2Connection } from '../../../core/http2/connection.ts'
import { Http2LocalError } from '../../../core/http2/errors.ts'
import type { Http2Event } from '../../../core/http2/events.ts'
import { HpackDecoder } from '../../../core/http2/hpack/mod.ts'
import type { Http2Limits } from '../../../core/http2/limits.ts'
import {
  concat, continuation, data, GET, handshake, headers, ping, POST, PREFACE, rstStream, settings, windowUpdate,
  describeFrames, code, block, settingsAck,
} from '../../helpers/h2-frames.ts'

/** A connection past the handshake (our SETTINGS acknowledged), with its output read as lines. */
function open(limits: Partial<Http2Limits> = {}, peerSettings: number[] = []) {
  const conn = new Http2Connection({ limits })
  const decoder = new HpackDecoder()
  conn.initiate()
  const initial = describeFrames(concat(...conn.takeOutput()), decoder)
  const handshakeEvents = conn.receive(handshake(peerSettings))
  conn.takeOutput()
  const send = (...frames: Uint8Array[]): Http2Event[] => conn.receive(concat(...frames))
  const out = (): string[] => describeFrames(concat(...conn.takeOutput()), decoder)
  return { conn, send, out, initial, handshakeEvents }
}
const types = (events: Http2Event[]): string[] => events.map((e) => e.type)
const calm = { type: 'connection-error', code: code('ENHANCE_YOUR_CALM') }

describe('starting', () => {
  test('initiate() queues our SETTINGS and raises the connection window', () => {
    const { initial, handshakeEvents } = open()
    expect(initial).toEqual(['SETTINGS 3=100 4=1048576 6=65536', `WINDOW_UPDATE 0 ${4 * 1024 * 1024 - 65535}`])
    expect(handshakeEvents).toEqual([{ type: 'settings-acked' }])
  })
  test('awaitingSettingsAck until the ACK arrives', () => {
    const conn = new Http2Connection()
    conn.initiate()
    expect(conn.awaitingSettingsAck).toBe(true)
    conn.receive(concat(PREFACE, settings()))
    expect(conn.awaitingSettingsAck).toBe(true)
    expect(conn.receive(settingsAck())).toEqual([{ type: 'settings-acked' }])
    expect(conn.awaitingSettingsAck).toBe(false)
  })
  test('the first frame after the preface must be SETTINGS', () => {
    const conn = new Http2Connection()
    expect(conn.receive(concat(PREFACE, ping()))).toMatchObject([{ type: 'connection-error', code: 1 }])
  })
  test('an HTTP/1.1 request fails without a GOAWAY', () => {
    const conn = new Http2Connection()
    expect(conn.receive(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'))).toMatchObject([{ type: 'connection-error', code: 1 }])
    expect(conn.takeOutput()).toEqual([])
    expect(conn.isDone).toBe(true)
  })
  test('a wrong preface that does not look like HTTP/1.x gets GOAWAY(PROTOCOL_ERROR)', () => {
    const conn = new Http2Connection()
    conn.receive(new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nXX'))
    expect(describeFrames(concat(...conn.takeOutput()), new HpackDecoder())).toEqual(['GOAWAY 0 PROTOCOL_ERROR'])
  })
})

describe('responses', () => {
  test('a simple GET: one HEADERS in, HEADERS + DATA out, the DATA payload is the caller\'s bytes', () => {
    const { conn, send, out } = open()
    const [ev] = send(headers(1, [...GET, 'cookie', 'a=1', 'accept', '*/*', 'cookie', 'b=2'], { endStream: true }))
    expect(ev).toMatchObject({ type: 'request', streamId: 1, headers: ['cookie', 'a=1; b=2', 'accept', '*/*'] })
    conn.respond(1, 200, ['Content-Type', 'text/plain', 'Connection', 'close', 'transfer-encoding', 'chunked'], false)
    const body = new TextEncoder().encode('hello')
    expect(conn.sendData(1, body, true)).toBe(5)
    const frames = conn.takeOutput()
    expect(frames.at(-1)).toBe(body)
    expect(describeFrames(concat(...frames), new HpackDecoder())).toEqual(['HEADERS 1 :status=200 content-type=text/plain', 'DATA 1 5 END_STREAM'])
    expect(conn.activeStreams).toBe(0)
    expect(out()).toEqual([])
  })
  test('1xx, then the final head, then trailers', () => {
    const { conn, send, out } = open()
    send(get1())
    conn.informational(1, 103, ['link', '</a.css>; rel=preload'])
    conn.respond(1, 200, [], false)
    conn.endStream(1, ['grpc-status', '0'])
    expect(out()).toEqual(['HEADERS 1 :status=103 link=</a.css>; rel=preload', 'HEADERS 1 :status=200', 'HEADERS 1 END_STREAM grpc-status=0'])
  })
  test('endStream() without trailers is an empty DATA with END_STREAM', () => {
    const { conn, send, out } = open()
    send(get1())
    conn.respond(1, 204, [], false)
    conn.endStream(1)
    expect(out()).toEqual(['HEADERS 1 :status=204', 'DATA 1 0 END_STREAM'])
  })
  test('invalid statuses and fields throw Http2LocalError', () => {
    const { conn, send } = open()
    send(get1())
    expect(() => conn.respond(1, 99, [], true)).toThrow(Http2LocalError)
    expect(() => conn.informational(1, 101)).toThrow(Http2LocalError)
    expect(() => conn.informational(1, 200)).toThrow(Http2LocalError)
    expect(() => conn.respond(1, 200, [':path', '/'], true)).toThrow(Http2LocalError)
    expect(() => conn.respond(1, 200, ['x', 'a\r\nb'], true)).toThrow(Http2LocalError)
    expect(() => conn.respond(1, 200, ['bad name', 'a'], true)).toThrow(Http2LocalError)
    expect(() => conn.respond(3, 200, [], true)).toThrow(Http2LocalError)
    expect(() => conn.sendData(1, new Uint8Array(1), false)).toThrow(Http2LocalError)
    conn.respond(1, 200, [], true)
    expect(() => conn.respond(1, 200, [], true)).toThrow(Http2LocalError)
  })
  test('writes to a stream the peer reset are dropped (sendData returns 0)', () => {
    const { conn, send, out } = open()
    send(headers(1, POST))
    conn.respond(1, 200, [], false)
    expect(send(rstStream(1, code('CANCEL')))).toEqual([{ type: 'stream-reset', streamId: 1, code: 8, byPeer: true }])
    expect(conn.sendData(1, new Uint8Array(10), true)).toBe(0)
    conn.endStream(1)
    expect(out()).toEqual(['HEADERS 1 :status=200'])
  })
  test('reset() sends RST_STREAM and frames that were in flight are ignored', () => {
    const { conn, send, out } = open()
    send(headers(1, POST))
    conn.reset(1, code('CANCEL'))
    expect(send(data(1, 'late'))).toEqual([])
    expect(out()).toEqual(['RST_STREAM 1 CANCEL'])
  })
})

describe('send flow control', () => {
  test('sendData() takes what the windows allow and resumes on WINDOW_UPDATE', () => {
    const { conn, send, out } = open({}, [4, 10])
    send(get1())
    conn.respond(1, 200, [], false)
    expect(conn.sendWindow(1)).toBe(10)
    const body = new Uint8Array(25)
    expect(conn.sendData(1, body, true)).toBe(10)
    expect(conn.sendWindow(1)).toBe(0)
    expect(send(windowUpdate(1, 10))).toEqual([{ type: 'window-update', streamId: 1 }])
    expect(conn.sendData(1, body.subarray(10), true)).toBe(10)
    send(windowUpdate(1, 100))
    expect(conn.sendData(1, body.subarray(20), true)).toBe(5)
    expect(out()).toEqual(['HEADERS 1 :status=200', 'DATA 1 10', 'DATA 1 10', 'DATA 1 5 END_STREAM'])
  })
  test('frames never exceed the peer\'s SETTINGS_MAX_FRAME_SIZE; the connection window is shared', () => {
    const { conn, send, out } = open({}, [4, 100000])
    send(get1(), windowUpdate(0, 30000))
    conn.respond(1, 200, [], false)
    expect(conn.sendData(1, new Uint8Array(100000), true)).toBe(65535 + 30000)
    expect(out()).toEqual(['HEADERS 1 :status=200', 'DATA 1 16384', 'DATA 1 16384', 'DATA 1 16384', 'DATA 1 16384', 'DATA 1 16384', 'DATA 1 13615'])
    expect(conn.sendWindow(1)).toBe(0)
  })
  test('a lowered SETTINGS_INITIAL_WINDOW_SIZE makes the window negative (§6.9.2)', () => {
    const { conn, send } = open({}, [4, 10])
    send(get1())
    conn.respond(1, 200, [], false)
    conn.sendData(1, new Uint8Array(10), false)
    send(settings([4, 5]))
    expect(conn.sendWindow(1)).toBe(0)
    send(windowUpdate(1, 6))
    expect(conn.sendWindow(1)).toBe(1)
  })
})

describe('receive flow control', () => {
  test('WINDOW_UPDATE only once half a window is consumed', () => {
    const { conn, send, out } = open({ initialWindowSize: 100 })
    send(headers(1, POST), data(1, 'x'.repeat(40)))
    conn.consume(1, 40)
    expect(out()).toEqual([])
    send(data(1, 'x'.repeat(20)))
    conn.consume(1, 20)
    expect(out()).toEqual(['WINDOW_UPDATE 1 60'])
  })
  test('an unread upload stops at the stream window: one byte more is FLOW_CONTROL_ERROR', () => {
    const { send, out } = open({ initialWindowSize: 100 })
    expect(types(send(headers(1, POST), data(1, 'x'.repeat(100))))).toEqual(['request', 'data'])
    expect(send(data(1, 'x'))).toMatchObject([{ type: 'stream-reset', code: code('FLOW_CONTROL_ERROR') }])
    expect(out()).toEqual(['RST_STREAM 1 FLOW_CONTROL_ERROR'])
  })
  test('buffered bytes per connection never exceed connectionWindowSize', () => {
    const { send, out } = open({ initialWindowSize: 65535, connectionWindowSize: 65535 })
    send(headers(1, POST), headers(3, POST))
    const chunk = 'x'.repeat(16384)
    send(data(1, chunk), data(1, chunk), data(1, chunk))
    expect(send(data(3, 'x'.repeat(16383)))).toMatchObject([{ type: 'data' }]) // 65,535 buffered
    expect(send(data(3, 'x'))).toMatchObject([{ type: 'connection-error', code: code('FLOW_CONTROL_ERROR') }])
    expect(out()).toEqual(['GOAWAY 3 FLOW_CONTROL_ERROR'])
  })
  test('a reset stream gives its unconsumed bytes back to the connection', () => {
    const { conn, send, out } = open({ initialWindowSize: 65535, connectionWindowSize: 65535 })
    send(headers(1, POST), data(1, 'x'.repeat(16384)), data(1, 'x'.repeat(16384)))
    send(rstStream(1, code('CANCEL')))
    expect(out()).toEqual(['WINDOW_UPDATE 0 32768'])
    conn.consume(1, 32768) // too late: a no-op, not a second window update
    expect(out()).toEqual([])
  })
  test('padding is given back at once', () => {
    const { send, out } = open({ initialWindowSize: 100 })
    send(headers(1, POST), data(1, 'ab', { pad: 60 }))
    expect(out()).toEqual(['WINDOW_UPDATE 1 61'])
  })
})

describe('shutdown', () => {
  test('two-phase GOAWAY: streams opened before the PING ack are served, later ones ignored', () => {
    const { conn, send, out } = open()
    conn.shutdown()
    expect(out()).toEqual(['GOAWAY 2147483647 NO_ERROR', 'PING 73687574646f776e'])
    expect(types(send(headers(1, POST)))).toEqual(['request'])
    send(ping('shutdown', true))
    expect(out()).toEqual(['GOAWAY 1 NO_ERROR'])
    expect(send(get3())).toEqual([])
    expect(conn.isDone).toBe(false)
    conn.respond(1, 200, [], true)
    send(data(1, '', { endStream: true }))
    expect(conn.isDone).toBe(true)
  })
  test('fail() sends GOAWAY(code) and ends everything', () => {
    const { conn, send, out } = open()
    send(get1())
    conn.fail(code('SETTINGS_TIMEOUT'))
    expect(out()).toEqual(['GOAWAY 1 SETTINGS_TIMEOUT'])
    expect(conn.isDone).toBe(true)
    expect(send(get3())).toEqual([])
  })
  test('a GOAWAY from the peer: done when the last stream ends', () => {
    const { conn, send } = open()
    send(get1())
    expect(send(concat(new Uint8Array([0, 0, 8, 7, 0, 0, 0, 0, 0]), new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0])))).toEqual([
      { type: 'goaway', lastStreamId: 1, code: 0 },
    ])
    expect(conn.isDone).toBe(false)
    conn.respond(1, 200, [], true)
    expect(conn.isDone).toBe(true)
  })
})

describe('defences', () => {
  // The handshake spends two control tokens: the peer's SETTINGS and its ACK.
  test('PING flood: maxControlFrames tokens, then GOAWAY(ENHANCE_YOUR_CALM)', () => {
    const ok = open({ maxControlFrames: 10 })
    expect(ok.send(...Array.from({ length: 8 }, () => ping()))).toEqual([])
    const flood = open({ maxControlFrames: 10 })
    expect(flood.send(...Array.from({ length: 9 }, () => ping()))).toEqual([expect.objectContaining(calm)])
    expect(flood.out().at(-1)).toBe('GOAWAY 0 ENHANCE_YOUR_CALM')
  })
  test('requests and DATA earn control tokens back', () => {
    const { send } = open({ maxControlFrames: 10 })
    send(...Array.from({ length: 8 }, () => ping()))
    send(headers(1, POST), data(1, 'x'))
    expect(send(ping(), ping())).toEqual([])
  })
  test('SETTINGS flood and empty DATA flood (CVE-2019-9518) spend the same budget', () => {
    expect(open({ maxControlFrames: 10 }).send(...Array.from({ length: 9 }, () => settings()))).toEqual([expect.objectContaining(calm)])
    const { send } = open({ maxControlFrames: 10 })
    send(headers(1, POST)) // earns one: 9 left
    expect(send(...Array.from({ length: 9 }, () => data(1, '')))).toEqual([])
    expect(send(data(1, ''))).toEqual([expect.objectContaining(calm)])
  })
  test('WINDOW_UPDATE dribble: tiny increments spend tokens, large ones do not', () => {
    const { send } = open({ maxControlFrames: 10 })
    expect(send(...Array.from({ length: 5 }, () => windowUpdate(0, 100000)))).toHaveLength(5)
    expect(send(...Array.from({ length: 8 }, () => windowUpdate(0, 1)))).toHaveLength(8)
    expect(send(windowUpdate(0, 1))).toEqual([expect.objectContaining(calm)])
  })
  test('Rapid Reset (CVE-2023-44487): maxUnansweredResets resets of unanswered streams, then GOAWAY', () => {
    const attack = (n: number) => {
      const { send, out } = open({ maxUnansweredResets: 3 })
      const frames: Uint8Array[] = []
      for (let i = 0; i < n; i++) frames.push(headers(1 + 2 * i, GET), rstStream(1 + 2 * i, code('CANCEL')))
      return { events: send(...frames), out: out() }
    }
    expect(attack(3).events.filter((e) => e.type === 'connection-error')).toEqual([])
    expect(attack(4).events.at(-1)).toMatchObject(calm)
    expect(attack(4).out).toEqual(['GOAWAY 7 ENHANCE_YOUR_CALM'])
  })
  test('Rapid Reset: answered streams earn the budget back; resets after the answer are free', () => {
    const { conn, send } = open({ maxUnansweredResets: 2 })
    for (let id = 1; id < 40; id += 2) {
      send(headers(id, GET))
      if (id % 4 === 1) conn.respond(id, 200, [], false)
      const events = send(rstStream(id, code('CANCEL')))
      expect(events).toEqual([{ type: 'stream-reset', streamId: id, code: 8, byPeer: true }])
    }
  })
  test('refused streams spend the reset budget too', () => {
    const { send } = open({ maxConcurrentStreams: 1, maxUnansweredResets: 2 })
    expect(types(send(headers(1, POST), headers(3, POST), headers(5, POST)))).toEqual(['request'])
    expect(send(headers(7, POST))).toEqual([expect.objectContaining(calm)])
  })
  test('CONTINUATION flood by count: maxContinuationFrames, then GOAWAY', () => {
    const flood = (n: number) => {
      const { send } = open({ maxContinuationFrames: 3 })
      const frames = [headers(1, GET, { endHeaders: false })]
      for (let i = 0; i < n; i++) frames.push(continuation(1, ['x', 'y'], i === n - 1))
      return send(...frames)
    }
    expect(types(flood(3))).toEqual(['request'])
    expect(flood(4)).toEqual([expect.objectContaining(calm)])
  })
  test('CONTINUATION flood by bytes: a block never grows past maxHeaderListSize', () => {
    const flood = (extra: number) => {
      const { send } = open({ maxHeaderListSize: 200 })
      const first = block(GET)
      return send(headers(1, first, { endHeaders: false }), continuation(1, new Uint8Array(200 - first.length + extra).fill(0x82), true))
    }
    expect(flood(0)).not.toContainEqual(expect.objectContaining(calm))
    expect(flood(1)).toEqual([expect.objectContaining(calm)])
  })
  test('HPACK bomb: a head decoding past maxHeaderListSize is answered 431 (and the body refused)', () => {
    const { send, out } = open({ maxHeaderListSize: 200 })
    // 64 x ':method: GET' by index: 2 bytes of block, 64 x 42 bytes decoded.
    const bomb = concat(block([':method', 'GET', ':scheme', 'http', ':path', '/']), new Uint8Array(64).fill(0x82))
    expect(send(headers(1, bomb), data(1, 'ignored'))).toEqual([])
    expect(out()).toEqual(['HEADERS 1 END_STREAM :status=431', 'RST_STREAM 1 NO_ERROR'])
    expect(types(send(headers(3, GET, { endStream: true })))).toEqual(['request'])
  })
  test('replies the peer does not read: maxQueuedControlBytes, then GOAWAY', () => {
    // A PING ACK is 17 bytes.
    expect(open({ maxQueuedControlBytes: 68 }).send(ping(), ping(), ping(), ping())).toEqual([])
    expect(open({ maxQueuedControlBytes: 68 }).send(ping(), ping(), ping(), ping(), ping())).toEqual([expect.objectContaining(calm)])
  })
  test('content-length must match the DATA sum: too much is caught before the bytes surface', () => {
    const { send } = open()
    const events = send(headers(1, [...POST, 'content-length', '3']), data(1, 'abcd'))
    expect(events).toMatchObject([{ type: 'request' }, { type: 'stream-reset', code: code('PROTOCOL_ERROR'), byPeer: false }])
  })
})

function get1(): Uint8Array {
  return headers(1, GET, { endStream: true })
}
function get3(): Uint8Array {
  return headers(3, GET, { endStream: true })
}
