/**
 * Round trips: serialized requests parse back to what was sent; `Connection.send()` output
 * parses back as a well-framed response.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { ResponseEvent } from '../../../core/http1/events.ts'
import { feed, latin1, splitAt } from '../../helpers/feed.ts'
import { exchange, header, parseResponse, serializeRequest } from '../../helpers/pair.ts'
import type { RequestSpec } from '../../helpers/pair.ts'

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5)
const clock = (): number => NOW
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/
const bytes = (s: string): Uint8Array => latin1(s)

/** Parses `spec` through the whole/split harness and compares it with what was sent. */
function expectRoundTrip(spec: RequestSpec, offsets: number[] = []): void {
  const input = latin1(serializeRequest(spec))
  const outcome = feed({ input }, splitAt(input, offsets))
  expect(outcome.error).toBeUndefined()
  const [request, ...rest] = outcome.events
  const framing = spec.chunks ? ['Transfer-Encoding', 'chunked'] : spec.body !== undefined ? ['Content-Length', String(spec.body.length)] : []
  expect(request).toMatchObject({
    type: 'request', method: spec.method, target: spec.target, version: spec.version ?? '1.1',
    headers: [...spec.headers, ...framing],
  })
  const body = spec.chunks ? spec.chunks.join('') : spec.body ?? ''
  expect(rest).toEqual([
    ...(body ? [{ type: 'data', text: body }] : []),
    { type: 'end', trailers: spec.trailers ?? [] },
  ])
}

describe('request round trip', () => {
  test('GET', () => expectRoundTrip({ method: 'GET', target: '/a?b=c', headers: ['Host', 'example.com', 'Accept', '*/*'] }))
  test('POST with binary Content-Length body', () => expectRoundTrip({ method: 'POST', target: '/', headers: ['Host', 'a'], body: '\x00\r\n\xff\x80 end' }))
  test('chunked with trailers', () => expectRoundTrip({ method: 'PUT', target: '/u', headers: ['Host', 'a'], chunks: ['abc', '\r\n', 'x'.repeat(300)], trailers: ['Digest', 'sha=1', 'X', ''] }))
  test('HTTP/1.0 without Host', () => expectRoundTrip({ method: 'POST', target: '/', version: '1.0', headers: [], body: 'hi' }))
  test('values with inner whitespace and obs-text', () => expectRoundTrip({ method: 'GET', target: '/', headers: ['Host', 'a', 'X', 'a \t b', 'Y', 'caf\xe9'] }))
  test('OPTIONS *', () => expectRoundTrip({ method: 'OPTIONS', target: '*', headers: ['Host', 'a'] }))
  test('absolute-form', () => expectRoundTrip({ method: 'GET', target: 'http://a.example/x', headers: ['Host', 'a.example'] }))

  const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 })
  const fieldName = token.filter((n) => !['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'expect'].includes(n.toLowerCase()))
  const vchar = fc.integer({ min: 0x21, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c))
  const fieldValue = fc.oneof(
    fc.constant(''),
    fc.tuple(vchar, fc.string({ unit: fc.oneof(vchar, fc.constantFrom(' ', '\t')), maxLength: 20 }), vchar).map(([a, b, c]) => a + b + c),
    vchar,
  )
  const pathChar = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@%/?')
  const latin1Text = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 200 })
  const fields = fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 8 }).map((pairs) => pairs.flat())
  const spec: fc.Arbitrary<RequestSpec> = fc.record({
    method: token.filter((m) => m !== 'CONNECT'),
    target: fc.string({ unit: pathChar, maxLength: 30 }).map((p) => '/' + p),
    headers: fields.map((f) => ['Host', 'h.example', ...f]),
    framing: fc.constantFrom('none', 'length', 'chunked'),
    body: latin1Text,
    chunks: fc.array(latin1Text.filter((c) => c.length > 0), { maxLength: 4 }),
    trailers: fields,
  }).map(({ framing, body, chunks, trailers, ...rest }) =>
    framing === 'none' ? rest : framing === 'length' ? { ...rest, body } : { ...rest, chunks, trailers })

  test('random requests parse back, however split', () => {
    fc.assert(fc.property(spec, fc.array(fc.nat({ max: 600 }), { maxLength: 4 }), (s, offsets) => expectRoundTrip(s, offsets)), { numRuns: 500 })
  })
})

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
const ok = (body?: string, extra: Partial<ResponseEvent & { type: 'response' }> = {}): ResponseEvent[] => [
  { type: 'response', status: 200, headers: [], ...(body === undefined ? {} : { contentLength: body.length }), ...extra },
  ...(body ? [{ type: 'data', bytes: bytes(body) } as const] : []),
  { type: 'end' },
]

describe('response round trip', () => {
  test('known length: status line, Content-Length, Date', () => {
    const { wire } = exchange(GET, ok('hello'), { clock })
    const res = parseResponse(wire)
    expect(res).toMatchObject({ status: 200, reason: 'OK', framing: 'length', body: 'hello', rest: '' })
    expect(header(res.headers, 'content-length')).toBe('5')
    expect(header(res.headers, 'date')).toMatch(IMF_FIXDATE)
    expect(header(res.headers, 'date')).toBe(new Date(NOW).toUTCString())
    expect(header(res.headers, 'connection')).toBeUndefined()
  })

  test('unknown length on 1.1 is chunked, with trailers', () => {
    const { wire } = exchange(GET, [
      { type: 'response', status: 201, headers: ['X-A', '1'] },
      { type: 'data', bytes: bytes('hello ') }, { type: 'data', bytes: new Uint8Array(0) }, { type: 'data', bytes: bytes('world') },
      { type: 'end', trailers: ['X-T', 'done'] },
    ], { clock })
    const res = parseResponse(wire)
    expect(res).toMatchObject({ status: 201, framing: 'chunked', body: 'hello world', trailers: ['X-T', 'done'], rest: '' })
    expect(header(res.headers, 'x-a')).toBe('1')
    expect(header(res.headers, 'content-length')).toBeUndefined()
  })

  test('HEAD: no body bytes, even when data is sent', () => {
    const { wire } = exchange('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n', ok('hello'), { clock })
    const res = parseResponse(wire, 'HEAD')
    expect(res.rest).toBe('')
    expect(header(res.headers, 'transfer-encoding')).toBeUndefined()
  })

  test.each([204, 304])('%i: no body and no framing fields', (status) => {
    const { wire } = exchange(GET, ok('hello', { status }), { clock })
    const res = parseResponse(wire)
    expect(res.rest).toBe('')
    expect(header(res.headers, 'transfer-encoding')).toBeUndefined()
    if (status === 204) expect(header(res.headers, 'content-length')).toBeUndefined()
  })

  test('Connection: close request → connection: close response', () => {
    const { wire, conn } = exchange('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', ok('x'), { clock })
    expect(header(parseResponse(wire).headers, 'connection')).toBe('close')
    expect(conn.keepAlive).toBe(false)
  })

  test('HTTP/1.0 unknown length is close-delimited', () => {
    const { wire } = exchange('GET / HTTP/1.0\r\n\r\n', [
      { type: 'response', status: 200, headers: [] }, { type: 'data', bytes: bytes('abc') }, { type: 'end' },
    ], { clock })
    const res = parseResponse(wire)
    expect(res).toMatchObject({ framing: 'close', body: 'abc' })
    expect(header(res.headers, 'connection')).toBe('close')
    expect(header(res.headers, 'transfer-encoding')).toBeUndefined()
  })

  test('HTTP/1.0 keep-alive with known length stays open', () => {
    const { wire, conn } = exchange('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', ok('abc'), { clock })
    const res = parseResponse(wire)
    expect(res).toMatchObject({ framing: 'length', body: 'abc' })
    expect(header(res.headers, 'connection')).toBe('keep-alive')
    expect(conn.keepAlive).toBe(true)
  })

  test("app's Content-Length is used and its Transfer-Encoding dropped", () => {
    const { wire } = exchange(GET, [
      { type: 'response', status: 200, headers: ['Content-Length', '3', 'Transfer-Encoding', 'chunked'] },
      { type: 'data', bytes: bytes('abc') }, { type: 'end' },
    ], { clock })
    const res = parseResponse(wire)
    expect(res).toMatchObject({ framing: 'length', body: 'abc', rest: '' })
    expect(header(res.headers, 'content-length')).toBe('3')
  })

  test('100 Continue before the final response', () => {
    const { wire } = exchange('PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n', [
      { type: 'informational', status: 100 }, ...ok(''),
    ], { clock })
    const first = parseResponse(wire)
    expect(first).toMatchObject({ status: 100, framing: 'none' })
    expect(parseResponse(first.rest)).toMatchObject({ status: 200, rest: '' })
  })

  const appName = fc.string({ unit: fc.constantFrom(...'abcxyzXYZ-_0129'), minLength: 1, maxLength: 10 })
    .filter((n) => !['content-length', 'transfer-encoding', 'connection', 'date'].includes(n.toLowerCase()))
  const appValue = fc.string({ unit: fc.constantFrom(...'abc xyz,;=/0129'), maxLength: 16 }).map((v) => v.trim())

  test('random responses parse back with correct framing', () => {
    fc.assert(fc.property(
      fc.record({
        status: fc.integer({ min: 200, max: 599 }),
        version: fc.constantFrom('1.0', '1.1'),
        method: fc.constantFrom('GET', 'HEAD', 'POST'),
        close: fc.boolean(),
        knownLength: fc.boolean(),
        headers: fc.array(fc.tuple(appName, appValue), { maxLength: 5 }).map((p) => p.flat()),
        chunks: fc.array(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 50 }), { maxLength: 4 }),
      }),
      ({ status, version, method, close, knownLength, headers, chunks }) => {
        const fields = version === '1.1' ? 'Host: a\r\n' : ''
        const conn = close ? (version === '1.1' ? 'Connection: close\r\n' : '') : version === '1.0' ? 'Connection: keep-alive\r\n' : ''
        const body = chunks.join('')
        const { wire, conn: c } = exchange(`${method} / HTTP/${version}\r\n${fields}${conn}\r\n`, [
          { type: 'response', status, headers, ...(knownLength ? { contentLength: body.length } : {}) },
          ...chunks.map((s) => ({ type: 'data', bytes: bytes(s) }) as const),
          { type: 'end' },
        ], { clock })
        const res = parseResponse(wire, method)
        const bodiless = method === 'HEAD' || status === 204 || status === 304
        expect(res.status).toBe(status)
        expect(res.body).toBe(bodiless ? '' : body)
        if (res.framing !== 'close') expect(res.rest).toBe('')
        expect(header(res.headers, 'date')).toBe(new Date(NOW).toUTCString())
        expect(res.headers.slice(0, headers.length)).toEqual(headers)
        if (!bodiless && knownLength) expect(res.framing).toBe('length')
        if (!bodiless && !knownLength) expect(res.framing).toBe(version === '1.1' ? 'chunked' : 'close')
        if (status === 204) expect(header(res.headers, 'content-length')).toBeUndefined()
        const keepAlive = !close && !(res.framing === 'close')
        expect(c.keepAlive).toBe(keepAlive)
        if (!keepAlive) expect(header(res.headers, 'connection')).toBe('close')
      },
    ), { numRuns: 500 })
  })
})
