// examples/sans-io.ts: the events and the exact response bytes, and the same output when the
// example runs as a program under node (tsx), deno and bun (the npm-installed binaries).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../../examples/sans-io.ts'

const root = join(import.meta.dirname, '../..')
const script = 'examples/sans-io.ts'
const DATE = 'date: Wed, 01 Jan 2025 12:00:00 GMT\r\n'

/** The lines the example prints for the given prefix: `-> ` written bytes, `   ` events. */
const linesStartingWith = (lines: string[], prefix: string): string[] =>
  lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length))

const exec = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 })

describe('examples/sans-io.ts', () => {
  const lines = run()

  it('parses both pipelined requests, the chunked body piece by piece, then the close', () => {
    expect(linesStartingWith(lines, '   ')).toEqual([
      'NEED_DATA',
      'request POST /upload HTTP/1.1 contentLength=null',
      'data "hel"',
      'NEED_DATA',
      'data "lo"',
      'NEED_DATA',
      'data " world"',
      'end trailers=[]',
      'PAUSED',
      'NEED_DATA',
      'request GET /stream HTTP/1.1 contentLength=0',
      'end trailers=[]',
      'PAUSED',
      'NEED_DATA',
      'closed',
    ])
  })

  it('feeds every piece of the input, then EOF', () => {
    const fed = linesStartingWith(lines, '<- ')
    expect(fed.at(-1)).toBe('EOF')
    expect(fed.slice(0, -1).map((l) => JSON.parse(l) as string).join('')).toBe(
      'POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n' +
        'GET /stream HTTP/1.1\r\nHost: example.com\r\n\r\n',
    )
  })

  it('writes exactly these bytes, send() by send()', () => {
    expect(linesStartingWith(lines, '-> ').map((l) => JSON.parse(l) as string)).toEqual([
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 17\r\n' + DATE + '\r\n',
      'got "hello world"',
      '',
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ntransfer-encoding: chunked\r\n' + DATE + '\r\n',
      '6\r\nfirst,\r\n',
      '6\r\nsecond\r\n',
      '0\r\n\r\n',
    ])
  })

  it('answers each request before the next one is parsed (pipelining order)', () => {
    const firstWrite = lines.findIndex((l) => l.startsWith('-> '))
    const secondRequest = lines.indexOf('   request GET /stream HTTP/1.1 contentLength=0')
    expect(firstWrite).toBeGreaterThan(lines.indexOf('   end trailers=[]'))
    expect(secondRequest).toBeGreaterThan(lines.lastIndexOf('-> ""'))
  })

  it('returns the same lines on every call', () => {
    expect(run()).toEqual(lines)
  })

  describe('as a program', () => {
    const expected = lines.join('\n') + '\n'

    it('prints the same lines under node', () => {
      expect(exec(process.execPath, ['--import', 'tsx', script])).toBe(expected)
    })

    it('prints the same lines under deno', () => {
      expect(exec(join(root, 'node_modules/.bin/deno'), ['run', '--quiet', script])).toBe(expected)
    })

    it('prints the same lines under bun', () => {
      expect(exec(join(root, 'node_modules/.bin/bun'), [script])).toBe(expected)
    })
  })
})
