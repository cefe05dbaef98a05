/**
 * Content-Length: grammar, leading zeros, lists, duplicates, overflow (RFC 9110 §8.6,
 * RFC 9112 §6.3).
 * @module
 */
import type { Vector } from './types.ts'

const post = (fields: string, body = ''): string => `POST / HTTP/1.1\r\nHost: a\r\n${fields}\r\n${body}`
const cl = (value: string, body = ''): string => post(`Content-Length: ${value}\r\n`, body)
const bodyOf = (text: string, contentLength = text.length): Vector['events'] =>
  text
    ? [{ type: 'request', contentLength }, { type: 'data', text }, { type: 'end' }]
    : [{ type: 'request', contentLength }, { type: 'end' }]

export const contentLength: Vector[] = [
  // Valid
  { name: 'simple body', why: 'RFC 9112 §6.3 rule 6', input: cl('5', 'hello'), events: bodyOf('hello') },
  { name: 'leading zeros', why: 'RFC 9110 §8.6: 1*DIGIT', input: cl('003', 'abc'), events: bodyOf('abc') },
  { name: 'zero', why: 'RFC 9110 §8.6', input: cl('0'), events: bodyOf('') },
  { name: 'all zeros', why: 'RFC 9110 §8.6: 1*DIGIT', input: cl('000'), events: bodyOf('') },
  {
    name: 'lowercase field name', why: 'RFC 9110 §5.1: names are case-insensitive',
    input: post('content-length: 2\r\n', 'hi'), events: bodyOf('hi'),
  },
  { name: 'OWS around value', why: 'RFC 9112 §5: OWS trimmed', input: post('Content-Length: \t 2 \t\r\n', 'hi'), events: bodyOf('hi') },
  {
    name: 'repeated identical fields', why: 'RFC 9110 §8.6: MAY accept identical duplicates',
    input: post('Content-Length: 5\r\nContent-Length: 5\r\n', 'hello'), events: bodyOf('hello'),
  },
  { name: 'identical list with space', why: 'RFC 9110 §8.6: "42, 42" may be accepted', input: cl('5, 5', 'hello'), events: bodyOf('hello') },
  { name: 'identical list without space', why: 'RFC 9110 §5.6.1: list with no OWS', input: cl('5,5', 'hello'), events: bodyOf('hello') },
  { name: 'identical list of three', why: 'RFC 9110 §8.6', input: cl('2, 2, 2', 'hi'), events: bodyOf('hi') },
  {
    name: 'body on GET', why: 'RFC 9110 §9.3.1: GET content has no semantics but is framed',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
    events: [{ type: 'request', method: 'GET', contentLength: 3 }, { type: 'data', text: 'abc' }, { type: 'end' }],
  },
  {
    name: 'binary body with CRLF and NUL', why: 'RFC 9112 §6: body bytes are opaque',
    input: cl('6', '\r\n\x00\xff\r\n'), events: bodyOf('\r\n\x00\xff\r\n'),
  },
  {
    name: 'body looking like a request', why: 'CL-framed bytes are never parsed as a head',
    input: cl('19', 'GET /x HTTP/1.1\r\n\r\n'), events: bodyOf('GET /x HTTP/1.1\r\n\r\n'),
  },
  {
    name: 'maximum safe integer', why: 'RFC 9110 §8.6: large lengths are valid up to 2^53-1 here',
    input: cl('9007199254740991'), events: [{ type: 'request', contentLength: 9007199254740991 }],
  },
  {
    name: 'partial body waits', why: 'RFC 9112 §6.3: body not complete until CL bytes arrive',
    input: cl('10', 'hello'), events: [{ type: 'request', contentLength: 10 }, { type: 'data', text: 'hello' }],
  },
  {
    name: 'EOF inside body', why: 'RFC 9112 §8: incomplete message when the connection closes early',
    input: cl('5', 'hel'), eof: true, error: 'unexpected-eof',
    events: [{ type: 'request', contentLength: 5 }, { type: 'data', text: 'hel' }],
  },
  // Invalid
  { name: 'plus sign', why: 'RFC 9110 §8.6: 1*DIGIT; parseInt-style leniency (smuggling)', input: cl('+5', 'hello'), error: 'invalid-content-length' },
  { name: 'minus sign', why: 'RFC 9110 §8.6', input: cl('-5'), error: 'invalid-content-length' },
  { name: 'inner space', why: 'RFC 9110 §8.6: "5 5" is not a number', input: cl('5 5'), error: 'invalid-content-length' },
  { name: 'inner HTAB', why: 'RFC 9110 §8.6', input: cl('5\t5'), error: 'invalid-content-length' },
  { name: 'hex prefix', why: 'RFC 9110 §8.6: decimal only', input: cl('0x5'), error: 'invalid-content-length' },
  { name: 'trailing letter', why: 'RFC 9110 §8.6: parseInt("5a") === 5 leniency', input: cl('5a'), error: 'invalid-content-length' },
  { name: 'exponent', why: 'RFC 9110 §8.6: Number("1e3") leniency', input: cl('1e3'), error: 'invalid-content-length' },
  { name: 'decimal point', why: 'RFC 9110 §8.6', input: cl('5.0'), error: 'invalid-content-length' },
  { name: 'empty value', why: 'RFC 9110 §8.6: 1*DIGIT; Number("") === 0 leniency', input: cl(''), error: 'invalid-content-length' },
  { name: 'empty list', why: 'RFC 9110 §8.6', input: cl(', '), error: 'invalid-content-length' },
  { name: 'one empty duplicate', why: 'RFC 9110 §8.6', input: post('Content-Length: 5\r\nContent-Length:\r\n'), error: 'invalid-content-length' },
  { name: 'non-ASCII digit', why: 'Unicode digits (Arabic-Indic five) must not parse', input: cl('\xd9\xa5'), error: 'invalid-content-length' },
  { name: '2^53', why: 'beyond Number.MAX_SAFE_INTEGER: precision loss', input: cl('9007199254740992'), error: 'invalid-content-length' },
  { name: 'twenty digits', why: 'integer overflow (wraps in 64-bit parsers)', input: cl('18446744073709551621'), error: 'invalid-content-length' },
  {
    name: 'conflicting fields', why: 'RFC 9112 §6.3 rule 5: differing CL → 400 (CL.CL smuggling)',
    input: post('Content-Length: 5\r\nContent-Length: 6\r\n', 'hello!'), error: 'conflicting-content-length',
  },
  { name: 'conflicting list', why: 'RFC 9112 §6.3 rule 5', input: cl('5, 6', 'hello!'), error: 'conflicting-content-length' },
  {
    name: 'conflicting fields, different case', why: 'RFC 9110 §5.1: same field',
    input: post('Content-Length: 1\r\ncontent-length: 2\r\n', 'ab'), error: 'conflicting-content-length',
  },
  { name: 'NUL after digits', why: 'null byte truncation in C-string parsers', input: cl('5\x00', 'hello'), error: 'invalid-header-value' },
  {
    name: 'space before colon', why: 'RFC 9112 §5.1: "Content-Length : 5" is ignored by some proxies (smuggling)',
    input: post('Content-Length : 5\r\n', 'hello'), error: 'whitespace-before-colon',
  },
  {
    name: 'value on folded line', why: 'RFC 9112 §5.2: obs-fold hides the value from some parsers',
    input: post('Content-Length:\r\n 5\r\n', 'hello'), error: 'obsolete-line-folding',
  },
]
