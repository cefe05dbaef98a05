// examples/custom-driver.ts: startServer over a Transport of one's own (a WHATWG stream
// pair), in process, and the same bytes out under node, deno and bun.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demo } from '../../examples/custom-driver.ts'

const root = join(import.meta.dirname, '../..')
const script = 'examples/custom-driver.ts'
const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 }).trim()

describe('examples/custom-driver.ts', () => {
  it('serves two pipelined requests over a stream pair, then closes', async () => {
    const text = await demo()
    const responses = text.split('HTTP/1.1 ').slice(1)
    expect(responses).toHaveLength(2)
    expect(responses[0]).toBe('200 OK\r\ncontent-type: text/plain\r\ncontent-length: 14\r\ndate: <now>\r\n\r\nhello from /a\n')
    expect(responses[1]).toBe('200 OK\r\ncontent-type: text/plain\r\ncontent-length: 14\r\ndate: <now>\r\nconnection: close\r\n\r\nhello from /b\n')
  })

  it('prints the same bytes under node, deno and bun', () => {
    const node = run(process.execPath, ['--import', 'tsx', script])
    expect(run(join(root, 'node_modules/.bin/deno'), ['run', '--quiet', '--no-config', script])).toBe(node)
    expect(run(join(root, 'node_modules/.bin/bun'), ['run', script])).toBe(node)
  })
})
