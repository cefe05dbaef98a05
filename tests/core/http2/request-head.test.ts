// RFC 9113 §8.2–§8.3 request head rules, one case per rule, valid and invalid.
import { describe, expect, test } from 'vitest'
import { readRequestHead, readTrailers } from '../../../core/http2/request-head.ts'

const GET = [':method', 'GET', ':scheme', 'https', ':path', '/a?b', ':authority', 'example.com']

describe('readRequestHead', () => {
  test('a valid head', () => {
    expect(readRequestHead([...GET, 'accept', '*/*', 'content-length', '10'])).toEqual({
      method: 'GET', scheme: 'https', authority: 'example.com', path: '/a?b', headers: ['accept', '*/*', 'content-length', '10'], contentLength: 10,
    })
  })
  test.each([
    ['CONNECT with :authority only', [':method', 'CONNECT', ':authority', 'example.com:443']],
    ['OPTIONS *', [':method', 'OPTIONS', ':scheme', 'https', ':path', '*']],
    ['no :authority (host may come as a field)', [':method', 'GET', ':scheme', 'http', ':path', '/', 'host', 'a']],
    ['te: trailers', [...GET, 'te', 'trailers']],
    ['content-length list of one value', [...GET, 'content-length', '5, 5', 'content-length', '5']],
    ['obs-text in a value', [...GET, 'x', 'caf\xe9']],
    ['empty value', [...GET, 'x', '']],
  ])('accepts %s', (_, fields) => {
    expect(typeof readRequestHead(fields)).toBe('object')
  })
  test.each([
    ['uppercase name', [...GET, 'Accept', '*/*']],
    ['empty name', [...GET, '', 'x']],
    ['space in name', [...GET, 'a b', 'x']],
    ['NUL in value', [...GET, 'x', 'a\0b']],
    ['CR in value', [...GET, 'x', 'a\rb']],
    ['LF in value', [...GET, 'x', 'a\nb']],
    ['leading space in value', [...GET, 'x', ' a']],
    ['trailing tab in value', [...GET, 'x', 'a\t']],
    ['connection', [...GET, 'connection', 'close']],
    ['keep-alive', [...GET, 'keep-alive', '5']],
    ['proxy-connection', [...GET, 'proxy-connection', 'x']],
    ['transfer-encoding', [...GET, 'transfer-encoding', 'chunked']],
    ['upgrade', [...GET, 'upgrade', 'h2c']],
    ['te: gzip', [...GET, 'te', 'gzip']],
    ['content-length not digits', [...GET, 'content-length', '1e3']],
    ['content-length negative', [...GET, 'content-length', '-1']],
    ['content-lengths differ', [...GET, 'content-length', '1', 'content-length', '2']],
    [':status', [...GET, ':status', '200']],
    [':protocol (extended CONNECT not offered)', [...GET, ':protocol', 'websocket']],
    ['pseudo after regular', [':method', 'GET', 'x', 'y', ':scheme', 'http', ':path', '/']],
    ['duplicate :authority', [...GET, ':authority', 'b']],
    ['missing :method', GET.slice(2)],
    ['invalid :method', [':method', 'G T', ...GET.slice(2)]],
    ['missing :scheme', [':method', 'GET', ':path', '/']],
    ['missing :path', [':method', 'GET', ':scheme', 'http']],
    ['empty :path', [':method', 'GET', ':scheme', 'http', ':path', '']],
    [':path not starting with /', [':method', 'GET', ':scheme', 'http', ':path', 'a']],
    ['* for a method other than OPTIONS', [':method', 'GET', ':scheme', 'http', ':path', '*']],
    ['space in :path', [':method', 'GET', ':scheme', 'http', ':path', '/a b']],
    ['userinfo in :authority', [':method', 'GET', ':scheme', 'http', ':path', '/', ':authority', 'u@h']],
    ['CONNECT with :path', [':method', 'CONNECT', ':authority', 'h:1', ':path', '/']],
    ['CONNECT without :authority', [':method', 'CONNECT']],
  ])('rejects %s', (_, fields) => {
    expect(typeof readRequestHead(fields)).toBe('string')
  })
})

describe('readTrailers', () => {
  test('regular fields pass', () => expect(readTrailers(['x-checksum', 'abc'])).toEqual(['x-checksum', 'abc']))
  test('pseudo-headers are malformed', () => expect(typeof readTrailers([':path', '/'])).toBe('string'))
  test('field rules apply', () => expect(typeof readTrailers(['X', 'a'])).toBe('string'))
})
