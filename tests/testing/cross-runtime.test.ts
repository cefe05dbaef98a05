// portico/testing gives the same bytes under node, deno and bun (the npm-installed binaries).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const script = 'tests/helpers/testing-smoke.ts'
const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 }).trim()

describe('portico/testing under every runtime', () => {
  const node = run(process.execPath, ['--import', 'tsx', script])

  it('runs under node', () => {
    const result = JSON.parse(node)
    expect(result.friendly.hono).toMatchObject({ status: 200, body: '{"echo":{"a":1}}' })
    expect(result.friendly.itty).toMatchObject({ status: 200, body: '{"id":"7"}' })
    expect(result.friendly.head.body).toBe(null)
    expect(result.friendly.cookies).toEqual(['a=1', 'b=2'])
    expect(result.raw.chunked).toHaveLength(1)
    expect(result.raw.chunked[0].endsWith('\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n')).toBe(true)
    expect(result.raw.big).toEqual(['HTTP/1.1 431 Request Header Fields Too Large', true])
    expect(result.raw.slowloris[0]).toMatch(/^HTTP\/1\.1 408 /)
    expect(result.reset).toEqual([250, true, true])
    expect(result.backpressure[2]).toBe(true)
    // The client's connection window (65,535, shared with the 8-byte answer on stream 1) lets
    // 65,527 bytes of the 70,000 out; the rest waits for the client to open it again.
    expect(result.h2.posted).toBe('got 5000')
    expect(result.h2.held).toBe(65527)
    expect(result.h2.frames.filter((f: string) => f.startsWith('DATA 3')).reduce((n: number, f: string) => n + Number(f.split(' ')[2]), 0)).toBe(70000)
  })

  it('gives the same result under deno', () => {
    expect(run(join(root, 'node_modules/.bin/deno'), ['run', '--quiet', script])).toBe(node)
  })

  it('gives the same result under bun', () => {
    expect(run(join(root, 'node_modules/.bin/bun'), ['run', script])).toBe(node)
  })
})

describe('examples/testing.ts', () => {
  it('runs and passes every check', () => {
    const lines = run(process.execPath, ['--import', 'tsx', 'examples/testing.ts']).split('\n')
    expect(lines).toHaveLength(12)
    expect(lines.every((l) => l.startsWith('pass '))).toBe(true)
  })
})
