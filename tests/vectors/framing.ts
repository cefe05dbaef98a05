/**
 * Message framing: which of Transfer-Encoding / Content-Length / nothing delimits the
 * body (RFC 9112 §6.1, §6.3). Request smuggling cases (CL.TE, TE.CL, TE.TE) live here.
 * @module
 */
import type { Vector } from './types.ts'

const post = (fields: string, body = '', version = '1.1'): string =>
  `POST / HTTP/${version}\r\nHost: a\r\n${fields}\r\n${body}`
const te = (value: string, body = ''): string => post(`Transfer-Encoding: ${value}\r\n`, body)
const CHUNKED_HELLO = '5\r\nhello\r\n0\r\n\r\n'
const hello: Vector['events'] = [{ type: 'request', contentLength: null }, { type: 'data', text: 'hello' }, { type: 'end' }]

export const framing: Vector[] = [
  // No framing headers
  {
    name: 'POST without CL or TE has no body', why: 'RFC 9112 §6.3 rule 7: request without framing has length 0',
    input: post(''), events: [{ type: 'request', method: 'POST', contentLength: 0 }, { type: 'end' }],
  },
  {
    name: 'bytes after bodiless POST are the next request', why: 'RFC 9112 §6.3 rule 7',
    input: post('', 'GET /2 HTTP/1.1\r\nHost: a\r\n\r\n'),
    events: [{ type: 'request', method: 'POST' }, { type: 'end' }, { type: 'request', target: '/2' }, { type: 'end' }],
  },
  {
    name: 'Transfer_Encoding is just another field', why: 'underscore variant is not Transfer-Encoding (proxies may normalize it)',
    input: post('Transfer_Encoding: chunked\r\n'), events: [{ type: 'request', contentLength: 0 }, { type: 'end' }],
  },
  // CL + TE
  {
    name: 'CL.TE', why: 'RFC 9112 §6.1: CL with TE MAY be rejected; we reject (CL.TE smuggling)',
    input: post('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\nG'), error: 'conflicting-framing',
  },
  {
    name: 'TE.CL', why: 'RFC 9112 §6.1: TE.CL smuggling',
    input: post('Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', '5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n'), error: 'conflicting-framing',
  },
  { name: 'TE with CL 0', why: 'RFC 9112 §6.1', input: post('Content-Length: 0\r\nTransfer-Encoding: chunked\r\n', CHUNKED_HELLO), error: 'conflicting-framing' },
  {
    name: 'TE with lowercase content-length', why: 'RFC 9110 §5.1: names are case-insensitive',
    input: post('transfer-encoding: chunked\r\ncontent-length: 5\r\n', CHUNKED_HELLO), error: 'conflicting-framing',
  },
  {
    name: 'CL with TE on GET', why: 'RFC 9112 §6.1: applies to every method',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', error: 'conflicting-framing',
  },
  // Valid TE
  { name: 'chunked', why: 'RFC 9112 §6.3 rule 4', input: te('chunked', CHUNKED_HELLO), events: hello },
  { name: 'CHUNKED uppercase', why: 'RFC 9112 §7: coding names are case-insensitive', input: te('CHUNKED', CHUNKED_HELLO), events: hello },
  { name: 'no space after colon', why: 'RFC 9112 §5: OWS optional', input: post('Transfer-Encoding:chunked\r\n', CHUNKED_HELLO), events: hello },
  { name: 'HTAB before value', why: 'RFC 9112 §5: HTAB is OWS', input: te('\tchunked', CHUNKED_HELLO), events: hello },
  { name: 'trailing OWS', why: 'RFC 9112 §5: OWS trimmed', input: te('chunked \t', CHUNKED_HELLO), events: hello },
  {
    name: 'chunked body on GET', why: 'RFC 9112 §6.1: framing does not depend on the method',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' + CHUNKED_HELLO,
    events: [{ type: 'request', method: 'GET', contentLength: null }, { type: 'data', text: 'hello' }, { type: 'end' }],
  },
  // TE obfuscation
  {
    name: 'TE.TE: chunked then junk field', why: 'TE.TE obfuscation: fields combine to "chunked, x", final coding not chunked',
    input: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n', CHUNKED_HELLO), error: 'invalid-transfer-encoding',
  },
  {
    name: 'TE.TE: duplicated chunked fields', why: 'RFC 9112 §6.1: chunked MUST NOT be applied more than once',
    input: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', CHUNKED_HELLO), error: 'invalid-transfer-encoding',
  },
  { name: 'chunked twice in one list', why: 'RFC 9112 §6.1', input: te('chunked, chunked', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  { name: 'xchunked', why: 'TE.TE obfuscation: substring match on "chunked"', input: te('xchunked', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  { name: 'chunk', why: 'TE.TE obfuscation: prefix match', input: te('chunk', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  { name: 'quoted chunked', why: 'TE.TE obfuscation: transfer-coding is a token', input: te('"chunked"', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  { name: 'empty TE', why: 'RFC 9112 §6.1: Transfer-Encoding = #transfer-coding, needs one', input: te('', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  {
    name: 'VT before chunked', why: 'TE.TE obfuscation: "Transfer-Encoding: \\x0bchunked"',
    input: te('\x0bchunked', CHUNKED_HELLO), error: 'invalid-header-value',
  },
  {
    name: 'FF after chunked', why: 'TE.TE obfuscation: form feed treated as whitespace by some parsers',
    input: te('chunked\x0c', CHUNKED_HELLO), error: 'invalid-header-value',
  },
  { name: 'NUL after chunked', why: 'TE.TE obfuscation: C-string truncation', input: te('chunked\x00', CHUNKED_HELLO), error: 'invalid-header-value' },
  {
    name: 'space before colon', why: 'TE.TE obfuscation: "Transfer-Encoding : chunked"',
    input: post('Transfer-Encoding : chunked\r\n', CHUNKED_HELLO), error: 'whitespace-before-colon',
  },
  {
    name: 'HTAB before colon', why: 'TE.TE obfuscation',
    input: post('Transfer-Encoding\t: chunked\r\n', CHUNKED_HELLO), error: 'whitespace-before-colon',
  },
  {
    name: 'leading space on TE line', why: 'TE.TE obfuscation: " Transfer-Encoding: chunked" is obs-fold',
    input: post('X: y\r\n Transfer-Encoding: chunked\r\n', CHUNKED_HELLO), error: 'obsolete-line-folding',
  },
  {
    name: 'chunked on folded line', why: 'TE.TE obfuscation: "Transfer-Encoding:\\r\\n chunked"',
    input: post('Transfer-Encoding:\r\n chunked\r\n', CHUNKED_HELLO), error: 'obsolete-line-folding',
  },
  {
    name: 'TE line ended by bare LF', why: 'TE.TE obfuscation: "Transfer-Encoding: chunked\\n"',
    input: post('Transfer-Encoding: chunked\nX: y\r\n', CHUNKED_HELLO), error: 'bare-lf',
  },
  {
    name: 'CL.TE with TE hidden by space before colon', why: 'CL.TE where a lenient front end sees only CL',
    input: post('Content-Length: 5\r\nTransfer-Encoding : chunked\r\n', CHUNKED_HELLO), error: 'whitespace-before-colon',
  },
  // Codings
  { name: 'gzip only', why: 'RFC 9112 §6.3 rule 4: final coding not chunked → 400', input: te('gzip', 'x'), error: 'invalid-transfer-encoding' },
  { name: 'identity', why: 'RFC 9112 §7: identity was removed from the registry', input: te('identity', 'x'), error: 'invalid-transfer-encoding' },
  { name: 'chunked, gzip', why: 'RFC 9112 §6.3 rule 4: chunked must be final', input: te('chunked, gzip', CHUNKED_HELLO), error: 'invalid-transfer-encoding' },
  { name: 'gzip, chunked', why: 'RFC 9112 §6.1: unknown coding → 501', input: te('gzip, chunked', CHUNKED_HELLO), error: 'unsupported-transfer-encoding', status: 501 },
  { name: 'deflate, chunked', why: 'RFC 9112 §6.1: 501 Not Implemented', input: te('deflate, chunked', CHUNKED_HELLO), error: 'unsupported-transfer-encoding', status: 501 },
  { name: 'unknown token, chunked', why: 'RFC 9112 §6.1', input: te('foo, chunked', CHUNKED_HELLO), error: 'unsupported-transfer-encoding', status: 501 },
  {
    name: 'gzip and chunked as two fields', why: 'RFC 9110 §5.3: repeated fields combine into one list',
    input: post('Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n', CHUNKED_HELLO), error: 'unsupported-transfer-encoding', status: 501,
  },
  // HTTP/1.0
  {
    name: 'TE in HTTP/1.0', why: 'RFC 9112 §6.1: TE in a 1.0 message is faulty framing; the connection must close',
    input: post('Transfer-Encoding: chunked\r\n', CHUNKED_HELLO, '1.0'), error: 'invalid-transfer-encoding',
  },
  {
    name: 'CL body in HTTP/1.0', why: 'RFC 9112 §6.3 rule 6',
    input: post('Content-Length: 5\r\n', 'hello', '1.0'),
    events: [{ type: 'request', version: '1.0', contentLength: 5, keepAlive: false }, { type: 'data', text: 'hello' }, { type: 'end' }],
  },
]
