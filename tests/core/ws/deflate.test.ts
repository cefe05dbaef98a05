// permessage-deflate end to end (RFC 7692) with a node:zlib codec standing in for the one a
// runtime driver injects: Autobahn 12.x and 13.x at small scale (echo of compressed messages,
// fragmented or not, for each offer/accept pair), plus what finishMessage() does with zip
// bombs, corrupt streams and compressed invalid UTF-8.
import { afterEach, describe, expect, it, test } from 'vitest'
import { WebSocketConnection } from '../../../core/ws/connection.ts'
import { NEED_DATA, type WebSocketMessage } from '../../../core/ws/events.ts'
import { parseExtensions } from '../../../core/ws/extensions.ts'
import { decodeMessage, finishMessage } from '../../../core/ws/finish-message.ts'
import { negotiateDeflate, type DeflateCodec, type DeflateOptions, type DeflateParams } from '../../../core/ws/permessage-deflate.ts'
import { clientMessage, concat, hex, parseServerFrames, utf8 } from '../../vectors/ws-client.ts'
import { DEFLATE } from './feed.ts'
import { zlibCodec } from './zlib-codec.ts'

const codecs: DeflateCodec[] = []
function codec(params: DeflateParams, role: 'server' | 'client' = 'server'): DeflateCodec {
  const c = zlibCodec(params, role)
  codecs.push(c)
  return c
}
afterEach(() => {
  for (const c of codecs.splice(0)) c.close()
})

/** Byte equality without vitest's element-by-element diffing (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)

/** A deterministic JSON document, like Autobahn's data1.json, for compressible text. */
const JSON_TEXT = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `user-${i}`, tags: ['α', 'β', `t${i % 7}`], active: i % 3 === 0 })))
/** Pseudo-random bytes (LCG), like Autobahn's bitmap and PDF: barely compressible. */
const BINARY = Uint8Array.from({ length: 20_000 }, (_, i) => ((i * 1103515245 + 12345) >>> 16) & 0xff)

/** The next `length` units of `data`, wrapping around, as Autobahn's sendOne does. */
function slices<T extends string | Uint8Array>(data: T, length: number, count: number): T[] {
  const out: T[] = []
  let at = 0
  for (let i = 0; i < count; i++) {
    const to = (at + length) % data.length
    out.push((to > at ? data.slice(at, to) : (typeof data === 'string' ? data.slice(at) + data.slice(0, to) : concat(data.slice(at) as Uint8Array, data.slice(0, to) as Uint8Array))) as T)
    at = to
  }
  return out
}

/**
 * Autobahn's echo round: the client compresses and sends each message (fragmented to
 * `fragmentSize`), the server engine receives it, finishMessage inflates it, the server
 * compresses the echo and sends it, and the client inflates that.
 */
async function echoRound(params: DeflateParams, messages: (string | Uint8Array)[], fragmentSize: number): Promise<void> {
  const conn = new WebSocketConnection({ permessageDeflate: params, maxPayloadLength: 1 << 20 })
  const server = codec(params, 'server')
  const client = codec(params, 'client')
  for (const message of messages) {
    const binary = typeof message !== 'string'
    const plain = binary ? message : utf8(message)
    const wire = clientMessage(binary ? 2 : 1, await client.compress(plain), fragmentSize || Infinity, 4)
    conn.receive(wire)
    const ev = conn.next() as WebSocketMessage
    expect(ev).toMatchObject({ type: 'message', opcode: binary ? 'binary' : 'text', compressed: true })
    expect(conn.next()).toBe(NEED_DATA)
    const done = await finishMessage(ev, server, conn.maxPayloadLength)
    expect(done.type).toBe(binary ? 'binary' : 'text')
    if (done.type === 'binary') expect(same(done.data, plain)).toBe(true)
    if (done.type === 'text') expect(done.data).toBe(message)
    const reply = conn.send({ type: 'message', opcode: ev.opcode, data: await server.compress(plain), compressed: true, fragmentSize: fragmentSize || undefined })
    const frames = parseServerFrames(reply)
    expect(frames.every((f) => !f.masked)).toBe(true)
    expect(frames.map((f) => f.rsv)).toEqual(frames.map((_, i) => (i === 0 ? 4 : 0)))
    expect(same(await client.decompress(concat(...frames.map((f) => f.payload)), Infinity), plain)).toBe(true)
  }
}

const SIZES: [length: number, fragmentSize: number][] = [[16, 0], [64, 0], [256, 0], [1024, 0], [4096, 0], [4096, 256], [16384, 256], [16384, 1024]]

describe('Autobahn 12.x (scaled): default offer, echo of compressed messages', () => {
  const params = negotiateDeflate(parseExtensions(['permessage-deflate; client_max_window_bits'])!)!.params
  test.each(SIZES.map(([length, frag], i) => [`12.1.${i + 1}`, length, frag] as const))('case %s: JSON text, %i bytes, fragments of %i', async (_, length, frag) => {
    await echoRound(params, slices(JSON_TEXT, length, 10), frag)
  })
  test.each(SIZES.map(([length, frag], i) => [`12.2.${i + 1}`, length, frag] as const))('case %s: binary, %i bytes, fragments of %i', async (_, length, frag) => {
    await echoRound(params, slices(BINARY, length, 10), frag)
  })
  it('empty messages compress to one byte and back', async () => {
    expect(await codec(DEFLATE).compress(new Uint8Array(0))).toEqual(hex('00'))
    await echoRound(DEFLATE, ['', new Uint8Array(0)], 0)
  })
})

/** Autobahn's client offer: (requestNoContextTakeover, requestMaxWindowBits). */
const offer = (noContextTakeover: boolean, maxWindowBits: number): string =>
  'permessage-deflate; client_max_window_bits; client_no_context_takeover' +
  (maxWindowBits ? `; server_max_window_bits=${maxWindowBits}` : '') + (noContextTakeover ? '; server_no_context_takeover' : '')

const CASES_13: [offers: string, accept: DeflateOptions][] = [
  [offer(false, 0), {}],
  [offer(true, 0), { clientNoContextTakeover: true }],
  [offer(false, 9), { clientMaxWindowBits: 9 }],
  [offer(false, 15), { clientMaxWindowBits: 15 }],
  [offer(true, 9), { clientMaxWindowBits: 9, clientNoContextTakeover: true }],
  [offer(true, 15), { clientMaxWindowBits: 15, clientNoContextTakeover: true }],
  [[offer(true, 9), offer(true, 0), offer(false, 0)].join(', '), { clientMaxWindowBits: 9, clientNoContextTakeover: true }],
]

describe('Autobahn 13.x (scaled): offer/accept parameter pairs', () => {
  test.each(CASES_13.map(([offers, accept], i) => [`13.${i + 1}`, offers, accept] as const))('case %s: %s', async (_, offers, accept) => {
    const agreement = negotiateDeflate(parseExtensions([offers])!, accept)
    expect(agreement).not.toBeNull()
    const { params } = agreement!
    if (accept.clientMaxWindowBits === 9) expect(params.clientMaxWindowBits).toBe(9)
    if (offers.startsWith(offer(true, 9))) expect(params).toMatchObject({ serverMaxWindowBits: 9, serverNoContextTakeover: true })
    for (const [length, frag] of [[64, 0], [1024, 0], [4096, 256]] as const) await echoRound(params, slices(JSON_TEXT, length, 10), frag)
  })
})

describe('finishMessage', () => {
  const compressed = (data: Uint8Array, opcode: 'text' | 'binary' = 'text'): WebSocketMessage => ({ type: 'message', opcode, data, compressed: true })

  it('returns uncompressed messages synchronously', () => {
    expect(finishMessage({ type: 'message', opcode: 'text', data: utf8('hé'), compressed: false }, null, 10)).toEqual({ type: 'text', data: 'hé' })
    const data = hex('ff 00')
    expect(finishMessage({ type: 'message', opcode: 'binary', data, compressed: false }, null, 10)).toEqual({ type: 'binary', data })
  })

  it('keeps a leading BOM in text (WHATWG: UTF-8 decode without BOM)', () => {
    expect(decodeMessage('text', utf8('\ufeffx'))).toEqual({ type: 'text', data: '\ufeffx' })
  })

  it('inflates exactly maxBytes, and fails one byte over with 1009 (zip bomb)', async () => {
    const client = codec(DEFLATE, 'client')
    const payload = await client.compress(new Uint8Array(4096))
    expect(payload.length).toBeLessThan(64)
    expect(await finishMessage(compressed(payload, 'binary'), codec(DEFLATE), 4096)).toEqual({ type: 'binary', data: new Uint8Array(4096) })
    expect(await finishMessage(compressed(payload, 'binary'), codec(DEFLATE), 4095)).toMatchObject({ type: 'invalid', code: 'message-too-big', closeCode: 1009 })
    const bomb = await codec(DEFLATE, 'client').compress(new Uint8Array(8 << 20))
    expect(await finishMessage(compressed(bomb, 'binary'), codec(DEFLATE), 1 << 20)).toMatchObject({ type: 'invalid', closeCode: 1009 })
  })

  it('fails a corrupt stream with 1007', async () => {
    expect(await finishMessage(compressed(hex('ff ff ff ff')), codec(DEFLATE), 1000)).toMatchObject({ type: 'invalid', code: 'invalid-compressed-data', closeCode: 1007 })
  })

  it('fails compressed text that inflates to invalid UTF-8 with 1007', async () => {
    const payload = await codec(DEFLATE, 'client').compress(hex('ce ba ed a0 80'))
    expect(await finishMessage(compressed(payload), codec(DEFLATE), 1000)).toEqual({ type: 'invalid', code: 'invalid-utf8', closeCode: 1007 })
  })

  it('inflates the RFC 7692 §7.2.3.1 example', async () => {
    expect(await finishMessage(compressed(hex('f2 48 cd c9 c9 07 00')), codec(DEFLATE), 100)).toEqual({ type: 'text', data: 'Hello' })
  })

  it('keeps the window across messages with context takeover (RFC 7692 §7.2.3.3)', async () => {
    const client = codec(DEFLATE, 'client')
    const server = codec(DEFLATE)
    const first = await client.compress(utf8('Hello'))
    const second = await client.compress(utf8('Hello'))
    expect(second.length).toBeLessThan(first.length) // a back-reference into the previous message
    expect(await finishMessage(compressed(first), server, 100)).toEqual({ type: 'text', data: 'Hello' })
    expect(await finishMessage(compressed(second), server, 100)).toEqual({ type: 'text', data: 'Hello' })
  })

  it('refuses a compressed message without a codec', () => {
    expect(() => finishMessage(compressed(hex('00')), null, 10)).toThrow(expect.objectContaining({ code: 'invalid-state' }))
  })

  it('the connection fails with the close code finishMessage gives', async () => {
    const conn = new WebSocketConnection({ permessageDeflate: DEFLATE })
    const done = await finishMessage(compressed(hex('ff ff')), codec(DEFLATE), 100)
    expect(done.type).toBe('invalid')
    if (done.type !== 'invalid') return
    expect(parseServerFrames(conn.fail(done.closeCode))).toMatchObject([{ opcode: 8, payload: hex('03ef') }])
    expect(conn.state).toBe('failed')
  })
})
