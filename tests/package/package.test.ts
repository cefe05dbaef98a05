// The packages users install: the npm tarball (tsup build, publint, are-the-types-wrong, and
// the `portico` command from the tarball installed in a new project under node, deno and bun)
// and the JSR package (deno check, deno lint, deno publish --dry-run). Offline but for npm's
// cache (hono and tsx, which `npm ci` put there).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

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
    for (const needed of ['dist/node.js', 'dist/node.cjs', 'dist/node.d.ts', 'dist/core.d.cts', 'dist/deno.js', 'dist/bun.js', 'dist/testing.js', 'dist/otel.js', 'dist/otel.d.ts',
      'dist/cli.js', 'bin/portico.mjs', 'bin/typescript-as-esm.mjs', 'core/mod.ts', 'runtimes/node.ts', 'testing/mod.ts', 'README.md',
      'LICENSE', 'package.json']) {
      expect(files).toContain(needed)
    }
    // cli/ sources stay out: bin/portico.mjs runs them when present (a checkout), and Deno
    // cannot run TypeScript from node_modules.
    expect(files.filter((f) => /^(tests|examples|bench|cli|\.ci|\.tmp|node_modules)\//.test(f))).toEqual([])
  })

  it('loads from dist under ESM and CJS', () => {
    const script = "const core = await import('./dist/core.js'); const node = await import('./dist/node.js'); const otel = await import('./dist/otel.js'); console.log(typeof core.Connection, typeof node.serve, typeof otel.otel)"
    const esm = run(process.execPath, ['--input-type=module', '-e', script])
    expect(esm.trim()).toBe('function function function')
    const cjs = run(process.execPath, ['-e', "console.log(typeof require('./dist/core.cjs').Connection, typeof require('./dist/node.cjs').serve)"])
    expect(cjs.trim()).toBe('function function')
  })
})

describe('JSR package', () => {
  it('type-checks every export with deno check', () => {
    run(bin('deno'), ['check', 'core/mod.ts', 'runtimes/mod.ts', 'runtimes/node.ts', 'runtimes/deno.ts', 'runtimes/bun.ts', 'testing/mod.ts', 'cli/main.ts', 'telemetry/otel.ts'])
  })

  it('passes deno lint', () => {
    run(bin('deno'), ['lint'])
  })

  it('passes deno publish --dry-run (offline)', () => {
    run(bin('deno'), ['publish', '--dry-run', '--allow-dirty'])
  })
})

describe('the portico command from the packed tarball, in a new "type": "commonjs" project', () => {
  const project = mkdtempSync(join(tmpdir(), 'portico-install-'))
  const children: ChildProcess[] = []
  const hono = (JSON.parse(readFileSync(join(root, 'node_modules/hono/package.json'), 'utf8')) as { version: string }).version

  beforeAll(() => {
    // Built by the first describe's beforeAll; --ignore-scripts skips prepack's second build.
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project])) as [{ filename: string }]
    // npm init's default since npm 11: CommonJS, where Node would not compile top-level await.
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'first-hour', version: '1.0.0', type: 'commonjs' }))
    execFileSync('npm', ['install', join(project, packed.filename), `hono@${hono}`, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      { cwd: project, stdio: 'ignore', timeout: 120_000 })
    writeFileSync(join(project, 'app.ts'), `import { Hono } from 'hono'
const g = globalThis as { Deno?: unknown; Bun?: unknown }
const runtime: string = g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'
const greeting = await Promise.resolve('hello') // top-level await
const app = new Hono()
app.get('/', (c) => c.text(\`\${greeting} from \${runtime}\`))
export default app
`)
  }, 180_000)

  afterEach(() => {
    for (const child of children.splice(0)) {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  })
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  /** Starts the command in its own group, returns the URL it listens on. */
  const serve = (command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> => {
    // bunx is found on PATH, as after Bun's install; npx and deno resolve the project's install.
    const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`, NO_COLOR: '1' }
    const child = spawn(command, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    children.push(child)
    let output = ''
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Listening line in 60 s: ${output}`)), 60_000)
      const onData = (text: string): void => {
        output += text
        const match = /Listening on (http\S+)/.exec(output)
        if (match !== null) {
          clearTimeout(timer)
          resolve({ url: match[1]!, child })
        }
      }
      child.stdout!.setEncoding('utf8').on('data', onData)
      child.stderr!.setEncoding('utf8').on('data', onData)
      child.on('exit', (code) => setTimeout(() => reject(new Error(`exited ${code}: ${output}`)), 100))
    })
  }

  const runtimes = [
    ['node', 'npx portico', 'npx', ['--no', 'portico']],
    ['deno', 'deno run -A npm:portico', join(root, 'node_modules/.bin/deno'), ['run', '-A', 'npm:portico']],
    ['bun', 'bunx portico', 'bunx', ['portico']],
  ] as const
  for (const [runtime, label, command, args] of runtimes) {
    it(`serves a Hono app under ${runtime} with ${label}, alone and with --workers`, async () => {
      for (const workers of [[], ['--workers', '2']]) {
        const { url, child } = await serve(command, [...args, 'app.ts', '--port', '0', '--host', '127.0.0.1', ...workers])
        expect(await (await fetch(url)).text()).toBe(`hello from ${runtime}`)
        process.kill(-child.pid!, 'SIGTERM')
        await new Promise((resolve) => child.on('exit', resolve))
      }
    }, 150_000)
  }
})
