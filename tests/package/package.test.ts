// The packages users install: the npm tarball (tsup build, publint, are-the-types-wrong) and
// the JSR package (deno check, deno lint, deno publish --dry-run). All offline.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const bin = (name: string): string => join(root, 'node_modules/.bin', name)
const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] })

describe('npm package', () => {
  beforeAll(() => {
    run(bin('tsup'), ['--silent'])
  }, 120_000)

  it('passes publint', () => {
    expect(run(bin('publint'), ['--strict'])).toContain('All good')
  })

  it('has types that resolve for ESM and CJS consumers (attw, node16 + bundler)', () => {
    // node10 ignores `exports`; engines.node >= 20 rules it out.
    run(bin('attw'), ['--pack', '.', '--profile', 'node16'])
  })

  it('packs what users need and nothing else', () => {
    const [pack] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'])) as [{ files: { path: string }[] }]
    const files = pack.files.map((f) => f.path)
    for (const needed of ['dist/node.js', 'dist/node.cjs', 'dist/node.d.ts', 'dist/core.d.cts', 'dist/deno.js', 'dist/bun.js', 'dist/testing.js',
      'bin/portico.mjs', 'cli/main.ts', 'core/mod.ts', 'runtimes/node.ts', 'testing/mod.ts', 'README.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(needed)
    }
    expect(files.filter((f) => /^(tests|examples|bench|\.ci|\.tmp|node_modules)\//.test(f))).toEqual([])
  })

  it('loads from dist under ESM and CJS', () => {
    const script = "const core = await import('./dist/core.js'); const node = await import('./dist/node.js'); console.log(typeof core.Connection, typeof node.serve)"
    const esm = run(process.execPath, ['--input-type=module', '-e', script])
    expect(esm.trim()).toBe('function function')
    const cjs = run(process.execPath, ['-e', "console.log(typeof require('./dist/core.cjs').Connection, typeof require('./dist/node.cjs').serve)"])
    expect(cjs.trim()).toBe('function function')
  })
})

describe('JSR package', () => {
  it('type-checks every export with deno check', () => {
    run(bin('deno'), ['check', 'core/mod.ts', 'runtimes/mod.ts', 'runtimes/node.ts', 'runtimes/deno.ts', 'runtimes/bun.ts', 'testing/mod.ts', 'cli/main.ts'])
  })

  it('passes deno lint', () => {
    run(bin('deno'), ['lint'])
  })

  it('passes deno publish --dry-run (offline)', () => {
    run(bin('deno'), ['publish', '--dry-run', '--allow-dirty'])
  })
})
