/**
 * Pipelining: several requests in one stream, answered in order (RFC 9112 §9.3.2).
 * @module
 */
import type { Vector } from './types.ts'

const get = (target: string, fields = ''): string => `GET ${target} HTTP/1.1\r\nHost: a\r\n${fields}\r\n`
const SMUGGLED = 'GET /admin HTTP/1.1\r\nHost: a\r\n'
const got = (...targets: string[]): Vector['events'] => targets.flatMap((target) => [{ type: 'request', target }, { type: 'end' }] as const)

export const pipelining: Vector[] = [
  { name: 'two GETs in one chunk', why: 'RFC 9112 §9.3.2', input: get('/1') + get('/2'), events: got('/1', '/2') },
  { name: 'three GETs', why: 'RFC 9112 §9.3.2', input: get('/1') + get('/2') + get('/3'), events: got('/1', '/2', '/3') },
  {
    name: 'CL body then GET', why: 'RFC 9112 §6.3: CL ends the body exactly',
    input: 'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' + get('/2'),
    events: [{ type: 'request', target: '/1' }, { type: 'data', text: 'abc' }, { type: 'end' }, { type: 'request', target: '/2' }, { type: 'end' }],
  },
  {
    name: 'chunked body with trailer then GET', why: 'RFC 9112 §7.1: the trailer section ends the body',
    input: 'POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n' + get('/2'),
    events: [
      { type: 'request', target: '/1' }, { type: 'data', text: 'abc' }, { type: 'end', trailers: ['T', '1'] },
      { type: 'request', target: '/2' }, { type: 'end' },
    ],
  },
  {
    name: 'empty chunked body then GET', why: 'RFC 9112 §7.1',
    input: 'POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + get('/2'),
    events: [{ type: 'request', target: '/1' }, { type: 'end', trailers: [] }, { type: 'request', target: '/2' }, { type: 'end' }],
  },
  {
    name: 'HEAD then GET', why: 'RFC 9110 §9.3.2: HEAD requests have no body either',
    input: 'HEAD /1 HTTP/1.1\r\nHost: a\r\n\r\n' + get('/2'),
    events: [{ type: 'request', method: 'HEAD' }, { type: 'end' }, { type: 'request', method: 'GET' }, { type: 'end' }],
  },
  { name: 'CRLF between requests ignored', why: 'RFC 9112 §2.2: empty lines before a request-line', input: get('/1') + '\r\n' + get('/2'), events: got('/1', '/2') },
  {
    name: 'several CRLF after a CL body', why: 'RFC 9112 §2.2: clients may add CRLF after a POST body',
    input: 'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx\r\n\r\n' + get('/2'),
    events: [{ type: 'request', target: '/1' }, { type: 'data', text: 'x' }, { type: 'end' }, { type: 'request', target: '/2' }, { type: 'end' }],
  },
  { name: 'bare LF between requests', why: 'RFC 9112 §2.2: only CRLF is ignored', input: get('/1') + '\n' + get('/2'), error: 'bare-lf', events: got('/1') },
  { name: 'invalid second request', why: 'errors surface after the earlier exchange completes', input: get('/1') + 'G(T / HTTP/1.1\r\n\r\n', error: 'invalid-method', events: got('/1') },
  { name: 'partial second request waits', why: 'RFC 9112 §9.3.2', input: get('/1') + 'GET /2 HTTP/1.1\r\nHo', events: got('/1') },
  { name: 'EOF after two requests', why: 'RFC 9112 §9.6', input: get('/1') + get('/2'), eof: true, events: [...got('/1', '/2')!, { type: 'closed' }] },
  { name: 'EOF inside second request', why: 'RFC 9112 §8', input: get('/1') + 'GET /2 HTTP/1.1\r\n', eof: true, error: 'unexpected-eof', events: got('/1') },
  { name: 'stop after Connection: close in the middle', why: 'RFC 9112 §9.6', input: get('/1') + get('/2', 'Connection: close\r\n') + get('/3'), events: got('/1', '/2') },
  { name: 'stop after an upgrade request', why: 'RFC 9110 §7.8', input: get('/1') + get('/2', 'Upgrade: x\r\nConnection: upgrade\r\n') + get('/3'), events: got('/1', '/2') },
  {
    name: 'mixed versions', why: 'RFC 9112 §9.3: each request decides persistence',
    input: 'GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' + get('/2'),
    events: [{ type: 'request', version: '1.0', keepAlive: true }, { type: 'end' }, { type: 'request', version: '1.1' }, { type: 'end' }],
  },
  {
    name: 'CL.CL smuggled request stays in the body', why: 'request smuggling: CL-framed bytes are not a request',
    input: `POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}` + get('/2'),
    events: [
      { type: 'request', target: '/1' }, { type: 'data', text: SMUGGLED }, { type: 'end' },
      { type: 'request', target: '/2' }, { type: 'end' },
    ],
  },
  {
    name: 'expect-continue request pipelined', why: 'RFC 9110 §10.1.1: the body may arrive without waiting',
    input: 'PUT /1 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi' + get('/2'),
    events: [
      { type: 'request', expectContinue: true }, { type: 'data', text: 'hi' }, { type: 'end' },
      { type: 'request', target: '/2', expectContinue: false }, { type: 'end' },
    ],
  },
]
