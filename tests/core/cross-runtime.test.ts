// The engine loads and parses identically under node, deno and bun (the npm-installed binaries).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const script = 'tests/helpers/core-smoke.ts'
const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000 }).trim()

describe('core under every runtime', () => {
  const node = run(process.execPath, ['--import', 'tsx', script])

  it('parses under node', () => {
    const result = JSON.parse(node)
    expect(result.error).toBe('RemoteProtocolError:conflicting-content-length:400')
    expect(result.events).toContainEqual({ type: 'data', text: 'hello' })
    expect(result.events).toContainEqual({ type: 'end', trailers: ['X-Check', 'done'] })
    expect(result.events.filter((e: { type?: string }) => e.type === 'request')).toHaveLength(2)
  })

  it('gives the same result under deno', () => {
    expect(run(join(root, 'node_modules/.bin/deno'), ['run', '--quiet', '--no-config', script])).toBe(node)
  })

  it('gives the same result under bun', () => {
    expect(run(join(root, 'node_modules/.bin/bun'), ['run', script])).toBe(node)
  })
})
