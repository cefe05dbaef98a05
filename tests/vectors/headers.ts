/**
 * Header fields: name and value grammar, obs-fold, bare CR/LF, NUL, Host (RFC 9112 §5,
 * RFC 9110 §5, §7.2).
 * @module
 */
import type { Vector } from './types.ts'

const head = (fields: string, version = '1.1'): string => `GET / HTTP/${version}\r\n${fields}\r\n`
const withHost = (fields: string): string => head(`Host: a\r\n${fields}`)
const ok = (headers: string[]): Vector['events'] => [{ type: 'request', headers }, { type: 'end' }]

export const headers: Vector[] = [
  // Valid
  {
    name: 'names keep case and order, duplicates kept', why: 'RFC 9110 §5.3: order of same-name fields is significant',
    input: withHost('X-Foo: bar\r\nx-foo: baz\r\n'), events: ok(['Host', 'a', 'X-Foo', 'bar', 'x-foo', 'baz']),
  },
  {
    name: 'OWS around value trimmed', why: 'RFC 9112 §5: field-line = field-name ":" OWS field-value OWS',
    input: withHost('X: \t v \t\r\n'), events: ok(['Host', 'a', 'X', 'v']),
  },
  {
    name: 'inner whitespace kept', why: 'RFC 9110 §5.5: field-value may contain SP/HTAB between vchars',
    input: withHost('X: a  b\t c\r\n'), events: ok(['Host', 'a', 'X', 'a  b\t c']),
  },
  {
    name: 'no space after colon', why: 'RFC 9112 §5: OWS is optional',
    input: withHost('X:v\r\n'), events: ok(['Host', 'a', 'X', 'v']),
  },
  {
    name: 'empty value', why: 'RFC 9110 §5.5: field-value = *field-content',
    input: withHost('X:\r\nY: \r\n'), events: ok(['Host', 'a', 'X', '', 'Y', '']),
  },
  {
    name: 'obs-text in value', why: 'RFC 9110 §5.5: obs-text (0x80-0xFF) is allowed in values',
    input: withHost('X: caf\xe9 \xff\r\n'), events: ok(['Host', 'a', 'X', 'caf\xe9 \xff']),
  },
  {
    name: 'colon and quotes in value', why: 'RFC 9110 §5.5: any VCHAR',
    input: withHost('X: a:b "c,d"\r\n'), events: ok(['Host', 'a', 'X', 'a:b "c,d"']),
  },
  {
    name: 'name with every tchar', why: 'RFC 9110 §5.1: field-name = token',
    input: withHost("!#$%&'*+-.^_`|~0aZ: v\r\n"), events: ok(['Host', 'a', "!#$%&'*+-.^_`|~0aZ", 'v']),
  },
  {
    name: 'underscore in name', why: 'RFC 9110 §5.1: "_" is a tchar (proxies may drop it; we keep it)',
    input: withHost('X_Y: v\r\n'), events: ok(['Host', 'a', 'X_Y', 'v']),
  },
  // Name grammar
  {
    name: 'space before colon', why: 'RFC 9112 §5.1: MUST reject whitespace between name and colon (smuggling)',
    input: withHost('X-Foo : bar\r\n'), error: 'whitespace-before-colon',
  },
  {
    name: 'HTAB before colon', why: 'RFC 9112 §5.1',
    input: withHost('X-Foo\t: bar\r\n'), error: 'whitespace-before-colon',
  },
  {
    name: 'Host with space before colon', why: 'RFC 9112 §5.1: "Host : x" is read as a different field by lenient peers',
    input: head('Host : a\r\n'), error: 'whitespace-before-colon',
  },
  {
    name: 'line without colon', why: 'RFC 9112 §5: field-line needs ":"',
    input: withHost('X-Foo bar\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'name only', why: 'RFC 9112 §5: field-line needs ":"',
    input: withHost('X-Foo\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'empty name', why: 'RFC 9110 §5.1: token is 1*tchar',
    input: withHost(': v\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'delimiter in name', why: 'RFC 9110 §5.6.2: "(" is not a tchar',
    input: withHost('X(Y): v\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'slash in name', why: 'RFC 9110 §5.6.2',
    input: withHost('X/Y: v\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'non-ASCII in name', why: 'RFC 9110 §5.6.2: token is ASCII',
    input: withHost('X\xe9: v\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'NUL in name', why: 'null byte injection',
    input: withHost('X\x00Y: v\r\n'), error: 'invalid-header-name',
  },
  {
    name: 'space inside name', why: 'RFC 9110 §5.1',
    input: withHost('X Y: v\r\n'), error: 'invalid-header-name',
  },
  // Value grammar
  {
    name: 'NUL in value', why: 'RFC 9110 §5.5: MUST reject NUL (truncation attacks)',
    input: withHost('X: a\x00b\r\n'), error: 'invalid-header-value',
  },
  {
    name: 'SOH in value', why: 'RFC 9110 §5.5: CTLs are not field-vchar',
    input: withHost('X: a\x01b\r\n'), error: 'invalid-header-value',
  },
  {
    name: 'DEL in value', why: 'RFC 9110 §5.5: DEL is not VCHAR',
    input: withHost('X: a\x7fb\r\n'), error: 'invalid-header-value',
  },
  {
    name: 'VT in value', why: 'RFC 9110 §5.5: VT is not OWS (whitespace confusion)',
    input: withHost('X: \x0bv\r\n'), error: 'invalid-header-value',
  },
  {
    name: 'FF in value', why: 'RFC 9110 §5.5',
    input: withHost('X: v\x0c\r\n'), error: 'invalid-header-value',
  },
  {
    name: 'ESC in value', why: 'RFC 9110 §5.5: terminal escape injection',
    input: withHost('X: \x1b[31m\r\n'), error: 'invalid-header-value',
  },
  // Line endings
  {
    name: 'bare CR in value', why: 'RFC 9112 §2.2: bare CR MUST be rejected or replaced',
    input: withHost('X: a\rb\r\n'), error: 'bare-cr',
  },
  {
    name: 'bare CR in name', why: 'RFC 9112 §2.2',
    input: withHost('X\rY: v\r\n'), error: 'bare-cr',
  },
  {
    name: 'CR CR LF after field', why: 'RFC 9112 §2.2',
    input: withHost('X: v\r\r\n'), error: 'bare-cr',
  },
  {
    name: 'bare CR as blank line', why: 'RFC 9112 §2.2: CR not followed by LF',
    input: 'GET / HTTP/1.1\r\nHost: a\r\n\rX: v\r\n\r\n', error: 'bare-cr',
  },
  {
    name: 'CR CR hides Transfer-Encoding', why: 'bare CR as line break: a peer that keeps CR in the value sees no TE (smuggling)',
    input: 'POST / HTTP/1.1\r\nHost: a\r\nX: \r\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', error: 'bare-cr',
  },
  {
    name: 'CR CR hides Content-Length', why: 'bare CR as line break (smuggling)',
    input: 'POST / HTTP/1.1\r\nHost: a\r\nX: y\r\rContent-Length: 5\r\n\r\nhello', error: 'bare-cr',
  },
  {
    name: 'bare LF after field', why: 'RFC 9112 §2.2: bare LF; a CRLF-only peer sees one line, we would see two',
    input: withHost('X: a\nY: b\r\n'), error: 'bare-lf',
  },
  {
    name: 'bare LF as blank line', why: 'RFC 9112 §2.2: head ends with CRLF CRLF only',
    input: 'GET / HTTP/1.1\r\nHost: a\r\n\n', error: 'bare-lf',
  },
  {
    name: 'LF LF ends head', why: 'RFC 9112 §2.2',
    input: 'GET / HTTP/1.1\nHost: a\n\n', error: 'bare-lf',
  },
  // Folding
  {
    name: 'obs-fold with SP', why: 'RFC 9112 §5.2: server MUST reject obs-fold or replace it; we reject',
    input: withHost('X: a\r\n b\r\n'), error: 'obsolete-line-folding',
  },
  {
    name: 'obs-fold with HTAB', why: 'RFC 9112 §5.2',
    input: withHost('X: a\r\n\tb\r\n'), error: 'obsolete-line-folding',
  },
  {
    name: 'whitespace line right after request line', why: 'RFC 9112 §2.2: whitespace before the first field MUST be rejected or consumed',
    input: 'GET / HTTP/1.1\r\n Host: a\r\n\r\n', error: 'obsolete-line-folding',
  },
  {
    name: 'line of only spaces', why: 'RFC 9112 §5.2: starts with SP, is not the empty line',
    input: withHost('   \r\n'), error: 'obsolete-line-folding',
  },
  // Host
  {
    name: 'missing Host on 1.1', why: 'RFC 9112 §3.2: MUST respond 400 to HTTP/1.1 without Host',
    input: head('X: v\r\n'), error: 'missing-host',
  },
  {
    name: 'two Host fields', why: 'RFC 9112 §3.2: more than one Host → 400 (host confusion)',
    input: head('Host: a\r\nHost: b\r\n'), error: 'multiple-host',
  },
  {
    name: 'two identical Host fields', why: 'RFC 9112 §3.2: the count matters, not the values',
    input: head('Host: a\r\nHost: a\r\n'), error: 'multiple-host',
  },
  {
    name: 'Host name case-insensitive for duplicates', why: 'RFC 9110 §5.1: field names are case-insensitive',
    input: head('Host: a\r\nhOsT: a\r\n'), error: 'multiple-host',
  },
  {
    name: 'two Host fields on 1.0', why: 'RFC 9112 §3.2: applies to any request message',
    input: head('Host: a\r\nHost: b\r\n', '1.0'), error: 'multiple-host',
  },
  {
    name: 'empty Host', why: 'RFC 9110 §7.2: empty Host when the target has no authority',
    input: head('Host:\r\n'), events: ok(['Host', '']),
  },
  {
    name: 'Host with port', why: 'RFC 9110 §7.2: Host = uri-host [ ":" port ]',
    input: head('Host: a.example:8080\r\n'), events: ok(['Host', 'a.example:8080']),
  },
  {
    name: 'Host IPv6 literal', why: 'RFC 3986 §3.2.2',
    input: head('Host: [::1]:80\r\n'), events: ok(['Host', '[::1]:80']),
  },
  {
    name: 'Host with surrounding OWS', why: 'RFC 9112 §5: OWS is not part of the value',
    input: head('Host: \t a \t\r\n'), events: ok(['Host', 'a']),
  },
  {
    name: 'Host with space inside', why: 'RFC 9112 §3.2: invalid Host value → 400',
    input: head('Host: a b\r\n'), error: 'invalid-host',
  },
  {
    name: 'Host as a list', why: 'RFC 9112 §3.2: Host is a singleton, "a, b" is invalid',
    input: head('Host: a, b\r\n'), error: 'invalid-host',
  },
  {
    name: 'Host with userinfo', why: 'RFC 9110 §7.2: no userinfo in Host (routing confusion)',
    input: head('Host: user@a\r\n'), error: 'invalid-host',
  },
  {
    name: 'Host with path', why: 'RFC 9110 §7.2: authority only',
    input: head('Host: a/b\r\n'), error: 'invalid-host',
  },
  {
    name: 'invalid Host on 1.0', why: 'RFC 9112 §3.2: invalid Host → 400 for any request',
    input: head('Host: a/b\r\n', '1.0'), error: 'invalid-host',
  },
]
