/**
 * Request line: method, request-target forms, version, separators (RFC 9112 §3).
 * @module
 */
import type { Vector } from './types.ts'

const REST = '\r\nHost: a\r\n\r\n'
const line = (requestLine: string): string => requestLine + REST

export const requestLine: Vector[] = [
  // Valid
  {
    name: 'simple GET', why: 'RFC 9112 §3: request-line = method SP request-target SP HTTP-version',
    input: line('GET / HTTP/1.1'),
    events: [{ type: 'request', method: 'GET', target: '/', version: '1.1', headers: ['Host', 'a'], contentLength: 0 }, { type: 'end' }],
  },
  {
    name: 'HTTP/1.0 without Host', why: 'RFC 9112 §3.2: Host is required only in HTTP/1.1',
    input: 'GET / HTTP/1.0\r\n\r\n',
    events: [{ type: 'request', version: '1.0', headers: [] }, { type: 'end' }],
  },
  {
    name: 'HTTP/1.2 treated as 1.1', why: 'RFC 9112 §2.3: higher minor version is processed as the highest we support',
    input: line('GET / HTTP/1.2'), events: [{ type: 'request', version: '1.1' }, { type: 'end' }],
  },
  {
    name: 'HTTP/1.9 treated as 1.1', why: 'RFC 9112 §2.3: minor version rule',
    input: line('GET / HTTP/1.9'), events: [{ type: 'request', version: '1.1' }, { type: 'end' }],
  },
  {
    name: 'origin-form with query', why: 'RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ]',
    input: line('GET /a/b?c=d&e HTTP/1.1'), events: [{ type: 'request', target: '/a/b?c=d&e' }, { type: 'end' }],
  },
  {
    name: 'origin-form with all pchar classes', why: 'RFC 3986 §3.3 pchar, sub-delims, pct-encoded',
    input: line("GET /!$&'()*+,;=:@-._~%20?/?x HTTP/1.1"),
    events: [{ type: 'request', target: "/!$&'()*+,;=:@-._~%20?/?x" }, { type: 'end' }],
  },
  {
    name: 'target with lenient visible ASCII', why: 'policy: any VCHAR but "#" is kept as sent (WHATWG URL parses it)',
    input: line('GET /a"b<c>{|}\\^` HTTP/1.1'), events: [{ type: 'request', target: '/a"b<c>{|}\\^`' }, { type: 'end' }],
  },
  {
    name: 'absolute-form', why: 'RFC 9112 §3.2.2: absolute-form is accepted by servers',
    input: 'GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n',
    events: [{ type: 'request', target: 'http://example.com/x?y' }, { type: 'end' }],
  },
  {
    name: 'absolute-form https with port on POST', why: 'RFC 9112 §3.2.2',
    input: 'POST https://a.example:8443/p HTTP/1.1\r\nHost: a.example:8443\r\nContent-Length: 0\r\n\r\n',
    events: [{ type: 'request', method: 'POST', target: 'https://a.example:8443/p' }, { type: 'end' }],
  },
  {
    name: 'asterisk-form OPTIONS', why: 'RFC 9112 §3.2.4: asterisk-form is only for server-wide OPTIONS',
    input: line('OPTIONS * HTTP/1.1'), events: [{ type: 'request', method: 'OPTIONS', target: '*' }, { type: 'end' }],
  },
  {
    name: 'authority-form CONNECT', why: 'RFC 9112 §3.2.3: authority-form = uri-host ":" port, CONNECT only',
    input: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    events: [{ type: 'request', method: 'CONNECT', target: 'example.com:443', upgrade: true }, { type: 'end' }],
  },
  {
    name: 'authority-form CONNECT to IPv6 literal', why: 'RFC 3986 §3.2.2: IP-literal in authority',
    input: 'CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n',
    events: [{ type: 'request', target: '[::1]:443', upgrade: true }, { type: 'end' }],
  },
  {
    name: 'extension method', why: 'RFC 9110 §9.1: method = token; unknown methods are parsed',
    input: line('PROPFIND /x HTTP/1.1'), events: [{ type: 'request', method: 'PROPFIND' }, { type: 'end' }],
  },
  {
    name: 'method with every tchar', why: 'RFC 9110 §5.6.2: tchar set',
    input: line("X!#$%&'*+-.^_`|~9 / HTTP/1.1"), events: [{ type: 'request', method: "X!#$%&'*+-.^_`|~9" }, { type: 'end' }],
  },
  {
    name: 'lowercase method kept as sent', why: 'RFC 9110 §9.1: methods are case-sensitive',
    input: line('get / HTTP/1.1'), events: [{ type: 'request', method: 'get' }, { type: 'end' }],
  },
  {
    name: 'leading CRLF ignored', why: 'RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line',
    input: '\r\n\r\n' + line('GET / HTTP/1.1'), events: [{ type: 'request', method: 'GET' }, { type: 'end' }],
  },
  {
    name: 'only empty lines then EOF', why: 'RFC 9112 §2.2 + §9.6: idle close is clean',
    input: '\r\n', eof: true, events: [{ type: 'closed' }],
  },
  // Line terminators
  {
    name: 'bare LF after request line', why: 'RFC 9112 §2.2: bare LF MAY be accepted; we reject (smuggling)',
    input: 'GET / HTTP/1.1\nHost: a\r\n\r\n', error: 'bare-lf',
  },
  {
    name: 'bare LF as leading empty line', why: 'RFC 9112 §2.2: only CRLF empty lines are ignored',
    input: '\n' + line('GET / HTTP/1.1'), error: 'bare-lf',
  },
  {
    name: 'bare CR inside target', why: 'RFC 9112 §2.2: a bare CR MUST be rejected or replaced by SP',
    input: line('GET /\r HTTP/1.1'), error: 'bare-cr',
  },
  {
    name: 'CR CR LF ends request line', why: 'RFC 9112 §2.2: bare CR',
    input: 'GET / HTTP/1.1\r\r\nHost: a\r\n\r\n', error: 'bare-cr',
  },
  // Separators
  {
    name: 'two spaces after method', why: 'RFC 9112 §3: exactly one SP; lenient splitting enables smuggling',
    input: line('GET  / HTTP/1.1'), error: 'invalid-request-line',
  },
  {
    name: 'two spaces before version', why: 'RFC 9112 §3: exactly one SP',
    input: line('GET /  HTTP/1.1'), error: 'invalid-request-line',
  },
  {
    name: 'trailing space after version', why: 'RFC 9112 §3: no whitespace before CRLF',
    input: line('GET / HTTP/1.1 '), error: 'invalid-request-line',
  },
  {
    name: 'leading space before method', why: 'RFC 9112 §3: request-line starts with method',
    input: line(' GET / HTTP/1.1'), error: 'invalid-request-line',
  },
  {
    name: 'HTAB as separator', why: 'RFC 9112 §3: SP only; HTAB/VT/FF separators are a smuggling vector',
    input: line('GET\t/ HTTP/1.1'), error: 'invalid-request-line',
  },
  {
    name: 'space inside target', why: 'RFC 9112 §3: target has no whitespace; extra part',
    input: line('GET /a b HTTP/1.1'), error: 'invalid-request-line',
  },
  {
    name: 'HTTP/0.9 style line without version', why: 'RFC 9112 §3: three parts; HTTP/0.9 not supported',
    input: 'GET /\r\n\r\n', error: 'invalid-request-line',
  },
  {
    name: 'method only', why: 'RFC 9112 §3: three parts',
    input: line('GET'), error: 'invalid-request-line',
  },
  // Version
  {
    name: 'lowercase http version', why: 'RFC 9112 §2.3: HTTP-name is case-sensitive "HTTP"',
    input: line('GET / http/1.1'), error: 'invalid-version',
  },
  {
    name: 'two-digit minor version', why: 'RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT',
    input: line('GET / HTTP/1.10'), error: 'invalid-version',
  },
  {
    name: 'two-digit major version', why: 'RFC 9112 §2.3: single DIGIT',
    input: line('GET / HTTP/11.1'), error: 'invalid-version',
  },
  {
    name: 'version without minor', why: 'RFC 9112 §2.3',
    input: line('GET / HTTP/1'), error: 'invalid-version',
  },
  {
    name: 'version with extra component', why: 'RFC 9112 §2.3',
    input: line('GET / HTTP/1.1.1'), error: 'invalid-version',
  },
  {
    name: 'non-digit minor version', why: 'RFC 9112 §2.3',
    input: line('GET / HTTP/1.x'), error: 'invalid-version',
  },
  {
    name: 'HTTPS as protocol name', why: 'RFC 9112 §2.3: HTTP-name = %s"HTTP"',
    input: line('GET / HTTPS/1.1'), error: 'invalid-version',
  },
  {
    name: 'HTTP/2.0 over HTTP/1 framing', why: 'RFC 9110 §15.6.6: 505 for unsupported major version',
    input: line('GET / HTTP/2.0'), error: 'unsupported-version', status: 505,
  },
  {
    name: 'HTTP/3.0', why: 'RFC 9110 §15.6.6',
    input: line('GET / HTTP/3.0'), error: 'unsupported-version', status: 505,
  },
  {
    name: 'HTTP/0.9 version token', why: 'RFC 9110 §15.6.6: major version 0 unsupported',
    input: line('GET / HTTP/0.9'), error: 'unsupported-version', status: 505,
  },
  // Method
  {
    name: 'delimiter in method', why: 'RFC 9110 §5.6.2: "(" is not a tchar',
    input: line('GE(T / HTTP/1.1'), error: 'invalid-method',
  },
  {
    name: 'HTAB inside method', why: 'RFC 9110 §5.6.2: token',
    input: line('G\tET / HTTP/1.1'), error: 'invalid-method',
  },
  {
    name: 'NUL in method', why: 'null byte injection',
    input: line('GE\x00T / HTTP/1.1'), error: 'invalid-method',
  },
  {
    name: 'non-ASCII method', why: 'RFC 9110 §5.6.2: token is ASCII',
    input: line('G\xc3\x89T / HTTP/1.1'), error: 'invalid-method',
  },
  // Target characters
  {
    name: 'fragment in target', why: 'RFC 9112 §3.2: a fragment is never sent in the request-target',
    input: line('GET /a#b HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'DEL in target', why: 'RFC 3986 §2: not a URI character',
    input: line('GET /a\x7fb HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'obs-text in target', why: 'RFC 3986 §2: non-ASCII must be percent-encoded',
    input: line('GET /caf\xe9 HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'NUL in target', why: 'null byte truncation in path handling',
    input: line('GET /a\x00b HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'control character in target', why: 'RFC 3986 §2',
    input: line('GET /a\x01b HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'vertical tab in target', why: 'VT/FF treated as whitespace by some parsers (request-line splitting)',
    input: line('GET /\x0bHTTP/1.1 HTTP/1.1'), error: 'invalid-target',
  },
  // Target forms
  {
    name: 'relative path target', why: 'RFC 9112 §3.2.1: origin-form starts with "/"',
    input: line('GET a/b HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'asterisk with GET', why: 'RFC 9112 §3.2.4: asterisk-form only for OPTIONS',
    input: line('GET * HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'asterisk followed by path', why: 'RFC 9112 §3.2.4: asterisk-form is exactly "*"',
    input: line('OPTIONS *x HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'CONNECT with origin-form', why: 'RFC 9112 §3.2.3: CONNECT uses authority-form',
    input: line('CONNECT / HTTP/1.1'), error: 'invalid-target',
  },
  {
    name: 'CONNECT with absolute-form', why: 'RFC 9112 §3.2.3',
    input: 'CONNECT http://a:443/ HTTP/1.1\r\nHost: a:443\r\n\r\n', error: 'invalid-target',
  },
  {
    name: 'CONNECT without port', why: 'RFC 9112 §3.2.3: authority-form = uri-host ":" port',
    input: 'CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n', error: 'invalid-target',
  },
  {
    name: 'authority-form with GET', why: 'RFC 9112 §3.2.3: authority-form only for CONNECT',
    input: line('GET example.com:80 HTTP/1.1'), error: 'invalid-target',
  },
]
