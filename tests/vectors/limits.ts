/**
 * Every limit in `core/http1/limits.ts` at exactly N (accepted) and N+1 (rejected), plus the
 * streaming case (rejected before the terminator arrives) and the per-message reset.
 *
 * What is counted: request line without CRLF; head = request line through the blank
 * line's CRLF; chunk extensions = bytes from ";" up to the CRLF, summed over one body;
 * trailer section = bytes after the last-chunk line through the final CRLF.
 * @module
 */
import { DEFAULT_LIMITS } from '../../core/http1/limits.ts'
import type { Vector } from './types.ts'

const HOST = '\r\nHost: a\r\n\r\n'
/** A request line of exactly `n` bytes. */
const lineOf = (n: number): string => `GET /${'a'.repeat(n - 14)} HTTP/1.1`
/** A head of exactly `n` bytes, `fields` included. */
const headOf = (n: number, fields = ''): string => {
  const fixed = `GET / HTTP/1.1\r\nHost: a\r\n${fields}X: \r\n\r\n`
  return `GET / HTTP/1.1\r\nHost: a\r\n${fields}X: ${'v'.repeat(n - fixed.length)}\r\n\r\n`
}
/** A head with `n` fields, Host included. */
const fieldsOf = (n: number): string => `GET / HTTP/1.1\r\nHost: a\r\n${'X: v\r\n'.repeat(n - 1)}\r\n`
const CHUNKED = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'
/** A chunk extension of exactly `n` bytes, ";" included. */
const ext = (n: number): string => ';' + 'e'.repeat(n - 1)
/** A trailer section of exactly `n` bytes, final CRLF included. */
const trailersOf = (n: number): string => `T: ${'t'.repeat(n - 7)}\r\n\r\n`
const cl = (body: string): string => `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`

const GET_OK: Vector['events'] = [{ type: 'request' }, { type: 'end' }]
const twice = (events: Vector['events']): Vector['events'] => [...events!, ...events!]
const CHUNKED_X: Vector['events'] = [{ type: 'request' }, { type: 'data', text: 'x' }, { type: 'end' }]
const D = DEFAULT_LIMITS

export const limits: Vector[] = [
  // maxRequestLineBytes → 414
  { name: 'request line at limit', why: 'RFC 9112 §3: servers limit request-line length', limits: { maxRequestLineBytes: 40 }, input: lineOf(40) + HOST, events: GET_OK },
  { name: 'request line one over', why: 'RFC 9112 §3: 414 URI Too Long', limits: { maxRequestLineBytes: 40 }, input: lineOf(41) + HOST, error: 'uri-too-long', status: 414 },
  { name: 'request line at limit, CR pending', why: 'off-by-one: CRLF is not part of the line', limits: { maxRequestLineBytes: 40 }, input: lineOf(40) + '\r', events: [] },
  { name: 'partial request line over limit', why: 'DoS: reject before the CRLF arrives', limits: { maxRequestLineBytes: 40 }, input: 'GET /' + 'a'.repeat(37), error: 'uri-too-long', status: 414, events: [] },
  { name: 'default request line at limit', why: 'DEFAULT_LIMITS.maxRequestLineBytes', input: lineOf(D.maxRequestLineBytes) + HOST, events: GET_OK },
  { name: 'default request line one over', why: 'DEFAULT_LIMITS.maxRequestLineBytes', input: lineOf(D.maxRequestLineBytes + 1) + HOST, error: 'uri-too-long', status: 414 },
  // maxHeaderBytes → 431
  { name: 'head at limit', why: 'RFC 6585 §5: 431', limits: { maxHeaderBytes: 100 }, input: headOf(100), events: GET_OK },
  { name: 'head one over', why: 'RFC 6585 §5: 431', limits: { maxHeaderBytes: 100 }, input: headOf(101), error: 'headers-too-large', status: 431 },
  { name: 'partial head over limit', why: 'DoS: reject before the blank line arrives', limits: { maxHeaderBytes: 100 }, input: headOf(120).slice(0, 101), error: 'headers-too-large', status: 431, events: [] },
  { name: 'two heads at limit', why: 'the count restarts for each pipelined message', limits: { maxHeaderBytes: 100 }, input: headOf(100) + headOf(100), events: twice(GET_OK) },
  {
    name: 'body bytes do not count toward head', why: 'the head ends at the blank line',
    limits: { maxHeaderBytes: 100 }, input: headOf(100, 'Content-Length: 50\r\n') + 'b'.repeat(50),
    events: [{ type: 'request', contentLength: 50 }, { type: 'data', text: 'b'.repeat(50) }, { type: 'end' }],
  },
  { name: 'default head at limit', why: 'DEFAULT_LIMITS.maxHeaderBytes', input: headOf(D.maxHeaderBytes), events: GET_OK },
  { name: 'default head one over', why: 'DEFAULT_LIMITS.maxHeaderBytes', input: headOf(D.maxHeaderBytes + 1), error: 'headers-too-large', status: 431 },
  // maxHeaderCount → 431
  { name: 'field count at limit', why: 'hyper: max_headers', limits: { maxHeaderCount: 5 }, input: fieldsOf(5), events: GET_OK },
  { name: 'field count one over', why: 'RFC 6585 §5: 431', limits: { maxHeaderCount: 5 }, input: fieldsOf(6), error: 'too-many-headers', status: 431 },
  { name: 'two requests at field limit', why: 'the count restarts for each message', limits: { maxHeaderCount: 5 }, input: fieldsOf(5) + fieldsOf(5), events: twice(GET_OK) },
  { name: 'default field count at limit', why: 'DEFAULT_LIMITS.maxHeaderCount', input: fieldsOf(D.maxHeaderCount), events: GET_OK },
  { name: 'default field count one over', why: 'DEFAULT_LIMITS.maxHeaderCount', input: fieldsOf(D.maxHeaderCount + 1), error: 'too-many-headers', status: 431 },
  {
    name: 'trailer count at limit', why: 'trailer fields are counted per body, apart from the head',
    limits: { maxHeaderCount: 3 }, input: CHUNKED + '0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n',
    events: [{ type: 'request' }, { type: 'end', trailers: ['A', '1', 'B', '2', 'C', '3'] }],
  },
  {
    name: 'trailer count one over', why: 'RFC 6585 §5: 431',
    limits: { maxHeaderCount: 3 }, input: CHUNKED + '0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n', error: 'too-many-headers', status: 431,
  },
  // maxChunkExtensionBytes → 400
  {
    name: 'chunk extension at limit', why: 'CVE-2023-39325-style extension flooding; hyper caps at 16 KiB',
    limits: { maxChunkExtensionBytes: 10 }, input: CHUNKED + `1${ext(10)}\r\nx\r\n0\r\n\r\n`, events: CHUNKED_X,
  },
  { name: 'chunk extension one over', why: 'extension flooding', limits: { maxChunkExtensionBytes: 10 }, input: CHUNKED + `1${ext(11)}\r\nx\r\n0\r\n\r\n`, error: 'chunk-extensions-too-large' },
  {
    name: 'extensions summed across chunks at limit', why: 'the limit is per body, not per chunk',
    limits: { maxChunkExtensionBytes: 10 }, input: CHUNKED + `1${ext(5)}\r\nx\r\n0${ext(5)}\r\n\r\n`, events: CHUNKED_X,
  },
  {
    name: 'extensions summed across chunks one over', why: 'many small extensions still flood',
    limits: { maxChunkExtensionBytes: 10 }, input: CHUNKED + `1${ext(5)}\r\nx\r\n0${ext(6)}\r\n\r\n`, error: 'chunk-extensions-too-large',
  },
  {
    name: 'partial extension over limit', why: 'DoS: reject before the CRLF arrives',
    limits: { maxChunkExtensionBytes: 10 }, input: CHUNKED + `1${ext(40)}`, error: 'chunk-extensions-too-large',
  },
  {
    name: 'two bodies at extension limit', why: 'the count restarts for each body',
    limits: { maxChunkExtensionBytes: 10 }, input: (CHUNKED + `1${ext(10)}\r\nx\r\n0\r\n\r\n`).repeat(2), events: twice(CHUNKED_X),
  },
  { name: 'default extension at limit', why: 'DEFAULT_LIMITS.maxChunkExtensionBytes', input: CHUNKED + `1${ext(D.maxChunkExtensionBytes)}\r\nx\r\n0\r\n\r\n`, events: CHUNKED_X },
  {
    name: 'default extension one over', why: 'DEFAULT_LIMITS.maxChunkExtensionBytes',
    input: CHUNKED + `1${ext(D.maxChunkExtensionBytes + 1)}\r\nx\r\n0\r\n\r\n`, error: 'chunk-extensions-too-large',
  },
  // maxTrailerBytes → 431
  {
    name: 'trailer section at limit', why: 'RFC 9112 §7.1.2: trailers are bounded like the head',
    limits: { maxTrailerBytes: 20 }, input: CHUNKED + '0\r\n' + trailersOf(20),
    events: [{ type: 'request' }, { type: 'end', trailers: ['T', 't'.repeat(13)] }],
  },
  { name: 'trailer section one over', why: 'RFC 6585 §5: 431', limits: { maxTrailerBytes: 20 }, input: CHUNKED + '0\r\n' + trailersOf(21), error: 'headers-too-large', status: 431 },
  {
    name: 'partial trailer section over limit', why: 'DoS: reject before the final CRLF arrives',
    limits: { maxTrailerBytes: 20 }, input: CHUNKED + '0\r\nT: ' + 't'.repeat(30), error: 'headers-too-large', status: 431,
  },
  {
    name: 'two bodies at trailer limit', why: 'the count restarts for each body',
    limits: { maxTrailerBytes: 20 }, input: (CHUNKED + '0\r\n' + trailersOf(20)).repeat(2),
    events: twice([{ type: 'request' }, { type: 'end', trailers: ['T', 't'.repeat(13)] }]),
  },
  // maxBodyBytes → 413
  {
    name: 'CL body at limit', why: 'RFC 9110 §15.5.14: 413 Content Too Large',
    limits: { maxBodyBytes: 5 }, input: cl('hello'), events: [{ type: 'request', contentLength: 5 }, { type: 'data', text: 'hello' }, { type: 'end' }],
  },
  { name: 'CL body one over', why: 'RFC 9110 §15.5.14', limits: { maxBodyBytes: 5 }, input: cl('hello!'), error: 'body-too-large', status: 413, anyEventsBeforeError: true },
  {
    name: 'chunked body at limit', why: 'decoded bytes are counted across chunks',
    limits: { maxBodyBytes: 5 }, input: CHUNKED + '2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n',
    events: [{ type: 'request' }, { type: 'data', text: 'hello' }, { type: 'end' }],
  },
  {
    name: 'chunked body one over', why: 'RFC 9110 §15.5.14',
    limits: { maxBodyBytes: 5 }, input: CHUNKED + '3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n', error: 'body-too-large', status: 413, anyEventsBeforeError: true,
  },
  {
    name: 'two bodies at limit', why: 'the count restarts for each request',
    limits: { maxBodyBytes: 5 }, input: cl('hello') + cl('world'),
    events: [{ type: 'request' }, { type: 'data', text: 'hello' }, { type: 'end' }, { type: 'request' }, { type: 'data', text: 'world' }, { type: 'end' }],
  },
  { name: 'zero body limit, empty body', why: 'maxBodyBytes 0 still accepts bodiless requests', limits: { maxBodyBytes: 0 }, input: cl(''), events: GET_OK },
  { name: 'zero body limit, one byte', why: 'RFC 9110 §15.5.14', limits: { maxBodyBytes: 0 }, input: cl('x'), error: 'body-too-large', status: 413, anyEventsBeforeError: true },
]
