/**
 * Chunked transfer coding: sizes, extensions, data CRLF, trailers, EOF (RFC 9112 §7.1).
 *
 *     chunked-body = *chunk last-chunk trailer-section CRLF
 *     chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *     chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 * @module
 */
import type { Vector } from './types.ts'

const HEAD = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'
const post = (body: string): string => HEAD + body
const body = (text: string, trailers: string[] = []): Vector['events'] =>
  text
    ? [{ type: 'request', contentLength: null }, { type: 'data', text }, { type: 'end', trailers }]
    : [{ type: 'request', contentLength: null }, { type: 'end', trailers }]

export const chunked: Vector[] = [
  // Sizes
  { name: 'one chunk', why: 'RFC 9112 §7.1', input: post('5\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'two chunks', why: 'RFC 9112 §7.1', input: post('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), events: body('hello world') },
  { name: 'empty body', why: 'RFC 9112 §7.1: last-chunk only', input: post('0\r\n\r\n'), events: body('') },
  { name: 'uppercase hex', why: 'RFC 5234: HEXDIG is case-insensitive', input: post('A\r\n0123456789\r\n0\r\n\r\n'), events: body('0123456789') },
  { name: 'lowercase hex', why: 'RFC 5234 §2.3: case-insensitive literals', input: post('a\r\n0123456789\r\n0\r\n\r\n'), events: body('0123456789') },
  { name: 'leading zeros', why: 'RFC 9112 §7.1: chunk-size = 1*HEXDIG', input: post('0005\r\nhello\r\n000\r\n\r\n'), events: body('hello') },
  {
    name: 'sixteen hex digits', why: 'RFC 9112 §7.1: leading zeros up to the 16-digit cap',
    input: post('0000000000000005\r\nhello\r\n0\r\n\r\n'), events: body('hello'),
  },
  {
    name: 'chunk size 2^53-1 waits for data', why: 'RFC 9112 §7.1: largest size we can count exactly',
    input: post('1fffffffffffff\r\nab'), events: [{ type: 'request', contentLength: null }, { type: 'data', text: 'ab' }],
  },
  {
    name: 'chunk data containing CRLF', why: 'RFC 9112 §7.1: chunk-data is opaque',
    input: post('4\r\n\r\n\r\n\r\n0\r\n\r\n'), events: body('\r\n\r\n'),
  },
  {
    name: 'chunk data looking like a request', why: 'smuggling: chunk data is never parsed as a head',
    input: post('13\r\nGET /x HTTP/1.1\r\n\r\n\r\n0\r\n\r\n'), events: body('GET /x HTTP/1.1\r\n\r\n'),
  },
  { name: 'Chunked in mixed case', why: 'RFC 9112 §7: coding names are case-insensitive', input: HEAD.replace('chunked', 'Chunked') + '1\r\nx\r\n0\r\n\r\n', events: body('x') },
  // Extensions
  { name: 'extension with token value', why: 'RFC 9112 §7.1.1: extensions are ignored', input: post('5;foo=bar\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'extension without value', why: 'RFC 9112 §7.1.1', input: post('5;foo\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'several extensions', why: 'RFC 9112 §7.1.1', input: post('5;a=1;b;c=2\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'quoted-string value', why: 'RFC 9110 §5.6.4', input: post('5;a="b c;d"\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'quoted-pair in value', why: 'RFC 9110 §5.6.4: quoted-pair', input: post('5;a="x\\"y"\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'BWS around ; and =', why: 'RFC 9112 §7.1.1: BWS allowed', input: post('5 ; a = 1\r\nhello\r\n0\r\n\r\n'), events: body('hello') },
  { name: 'extension on last chunk', why: 'RFC 9112 §7.1', input: post('5\r\nhello\r\n0;x=y\r\n\r\n'), events: body('hello') },
  { name: 'lone semicolon', why: 'RFC 9112 §7.1.1: chunk-ext-name is a token', input: post('5;\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  { name: 'space inside extension name', why: 'RFC 9112 §7.1.1', input: post('5;a b\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  { name: 'equals without value', why: 'RFC 9112 §7.1.1: chunk-ext-val = token / quoted-string', input: post('5;a=\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  { name: 'unterminated quoted string', why: 'RFC 9110 §5.6.4', input: post('5;a="b\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  { name: 'NUL in extension', why: 'null byte injection', input: post('5;a\x00\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  { name: 'delimiter in extension name', why: 'RFC 9110 §5.6.2: "@" is not a tchar', input: post('5;a@b\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-extension' },
  {
    name: 'bare LF ends extension', why: 'funky chunks (2025): parsers disagree on where a LF-terminated extension ends',
    input: post('2;a\nxx\r\n0\r\n\r\n'), error: 'bare-lf',
  },
  // Size errors
  { name: 'seventeen hex digits', why: 'overflow guard: more than 16 digits', input: post('00000000000000005\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: 'size 2^53', why: 'beyond Number.MAX_SAFE_INTEGER', input: post('20000000000000\r\n'), error: 'invalid-chunk-size' },
  { name: 'size 2^64-1', why: 'largest 64-bit value', input: post('ffffffffffffffff\r\n'), error: 'invalid-chunk-size' },
  {
    name: 'size wrapping to 5 in 64 bits', why: 'integer overflow smuggling: 0x10000000000000005 wraps to 5',
    input: post('10000000000000005\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size',
  },
  { name: 'non-hex digit', why: 'RFC 9112 §7.1: HEXDIG', input: post('g\r\n'), error: 'invalid-chunk-size' },
  { name: 'empty size', why: 'RFC 9112 §7.1: 1*HEXDIG', input: post('\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: 'space before size', why: 'RFC 9112 §7.1: no leading whitespace', input: post(' 5\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: '0x prefix', why: 'RFC 9112 §7.1: strtol-style leniency', input: post('0x5\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: 'minus sign', why: 'RFC 9112 §7.1: negative size', input: post('-1\r\nx\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: 'plus sign', why: 'RFC 9112 §7.1', input: post('+5\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-size' },
  { name: 'bare LF after size', why: 'TE.TE: bare LF in chunk size line', input: post('5\nhello\r\n0\r\n\r\n'), error: 'bare-lf' },
  { name: 'bare LF after last chunk size', why: 'RFC 9112 §2.2', input: post('0\n\r\n'), error: 'bare-lf' },
  // Data CRLF
  {
    name: 'data followed by junk', why: 'RFC 9112 §7.1: chunk-data CRLF; size mismatch smuggling',
    input: post('3\r\nhelXX\r\n0\r\n\r\n'), error: 'invalid-chunk-data',
  },
  {
    name: 'data longer than size', why: 'RFC 9112 §7.1: extra data where CRLF is due',
    input: post('3\r\nhello\r\n0\r\n\r\n'), error: 'invalid-chunk-data',
  },
  { name: 'bare LF after data', why: 'RFC 9112 §2.2: bare LF as data terminator', input: post('5\r\nhello\n0\r\n\r\n'), error: 'bare-lf' },
  // Trailers
  {
    name: 'one trailer', why: 'RFC 9112 §7.1.2: trailer-section',
    input: post('5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n'), events: body('hello', ['X-T', '1']),
  },
  {
    name: 'two trailers with OWS', why: 'RFC 9112 §7.1.2: parsed like header fields',
    input: post('0\r\nA: \t1 \r\nb:2\r\n\r\n'), events: body('', ['A', '1', 'b', '2']),
  },
  { name: 'bare LF in trailer', why: 'RFC 9112 §2.2', input: post('0\r\nX: 1\n\r\n'), error: 'bare-lf' },
  { name: 'bare LF ending trailers', why: 'RFC 9112 §2.2', input: post('0\r\n\n'), error: 'bare-lf' },
  { name: 'obs-fold in trailer', why: 'RFC 9112 §5.2', input: post('0\r\nX: 1\r\n 2\r\n\r\n'), error: 'obsolete-line-folding' },
  { name: 'trailer without colon', why: 'RFC 9112 §5', input: post('0\r\nX\r\n\r\n'), error: 'invalid-header-name' },
  { name: 'space before colon in trailer', why: 'RFC 9112 §5.1', input: post('0\r\nX : 1\r\n\r\n'), error: 'whitespace-before-colon' },
  { name: 'NUL in trailer value', why: 'RFC 9110 §5.5', input: post('0\r\nX: a\x00\r\n\r\n'), error: 'invalid-header-value' },
  { name: 'bare CR in trailer', why: 'RFC 9112 §2.2', input: post('0\r\nX: a\rb\r\n\r\n'), error: 'bare-cr' },
  // EOF
  { name: 'EOF before first chunk', why: 'RFC 9112 §8: incomplete message', input: post(''), eof: true, error: 'unexpected-eof' },
  { name: 'EOF inside chunk data', why: 'RFC 9112 §8', input: post('5\r\nhel'), eof: true, error: 'unexpected-eof' },
  { name: 'EOF after last-chunk line', why: 'RFC 9112 §7.1: final CRLF missing', input: post('0\r\n'), eof: true, error: 'unexpected-eof' },
  { name: 'EOF inside trailers', why: 'RFC 9112 §8', input: post('0\r\nX: 1\r\n'), eof: true, error: 'unexpected-eof' },
  {
    name: 'missing final CRLF waits', why: 'RFC 9112 §7.1: body ends only after the trailer section',
    input: post('5\r\nhello\r\n0\r\n'), events: [{ type: 'request' }, { type: 'data', text: 'hello' }],
  },
]
