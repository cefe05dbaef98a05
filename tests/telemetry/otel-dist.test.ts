// `telemetry: true` from the built package (tsup, into a directory of its own so that it does
// not race the package test's build of dist/): with @opentelemetry/api resolvable, the ESM and
// CJS builds under node record a span and a metric through the registered SDK, and setRoute
// from portico/otel (another bundle) reaches the driver's observation; without it, serve()
// on node (ESM and CJS), bun and deno fails ready() with the one-line error naming
// `npm install @opentelemetry/api`, and `portico --otel` exits 2 with it.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RUNTIMES } from '../clients/runtimes.ts'
import { ROOT } from '../integration/suite.ts'

interface DistResult {
  body: string
  spans: { name: string; attributes: Record<string, unknown> }[]
  durations: { attributes: Record<string, unknown>; count: number }[]
}

const MISSING = /^OpenTelemetryUnavailableError: telemetry needs @opentelemetry\/api: npm install @opentelemetry\/api, then register an OpenTelemetry SDK \(.*@opentelemetry\/api.*\)$/

/** Serves with `telemetry: true` and prints how ready() ended, as one line. */
const CHECK_ESM = `import { serve } from 'portico/node'
const plain = serve(() => new Response('x'), { port: 0, hostname: '127.0.0.1', onListen() {} })
await plain.ready() // without telemetry, the missing peer is never looked for
await plain.close()
const server = serve(() => new Response('x'), { port: 0, hostname: '127.0.0.1', onListen() {}, telemetry: true })
await server.ready().then(() => console.log('listening'), (e) => console.log(e.name + ': ' + e.message))
await server.close()
`
const CHECK_CJS = `const { serve } = require('portico/node')
const server = serve(() => new Response('x'), { port: 0, hostname: '127.0.0.1', onListen() {}, telemetry: true })
server.ready().then(() => console.log('listening'), (e) => console.log(e.name + ': ' + e.message)).then(() => server.close())
`

describe('telemetry: true from the built package', () => {
  let build = ''
  let dist = ''
  let project = ''

  beforeAll(() => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true })
    build = mkdtempSync(join(ROOT, '.tmp/otel-dist-'))
    dist = join(build, 'dist')
    project = mkdtempSync(join(tmpdir(), 'portico-no-otel-'))
    execFileSync(join(ROOT, 'node_modules/.bin/tsup'), ['--silent', '--out-dir', dist], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 })
    // A project whose node_modules has portico (and tsx, its dependency) but not the peer.
    const portico = join(project, 'node_modules/portico')
    mkdirSync(portico, { recursive: true })
    cpSync(dist, join(portico, 'dist'), { recursive: true })
    cpSync(join(ROOT, 'bin'), join(portico, 'bin'), { recursive: true })
    cpSync(join(ROOT, 'package.json'), join(portico, 'package.json'))
    symlinkSync(join(ROOT, 'node_modules/tsx'), join(project, 'node_modules/tsx'))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'no-otel', version: '1.0.0', type: 'module' }))
    writeFileSync(join(project, 'check.mjs'), CHECK_ESM)
    writeFileSync(join(project, 'check.cjs'), CHECK_CJS)
    writeFileSync(join(project, 'app.js'), "export default () => new Response('x')\n")
  }, 180_000)
  afterAll(() => {
    if (build !== '') rmSync(build, { recursive: true, force: true })
    if (project !== '') rmSync(project, { recursive: true, force: true })
  })

  for (const format of ['esm', 'cjs']) {
    it(`records a span and a metric through the registered SDK (${format} build, node)`, () => {
      const output = execFileSync(process.execPath, ['tests/telemetry/otel-dist-fixture.mjs', format, dist], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 })
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as DistResult
      expect(result.body).toBe('item')
      expect(result.spans).toHaveLength(1)
      expect(result.spans[0]!.name).toBe('GET /items/:id')
      expect(result.spans[0]!.attributes).toMatchObject({ 'url.path': '/items/3', 'http.route': '/items/:id', 'http.response.status_code': 200 })
      expect(result.durations).toEqual([{ attributes: expect.objectContaining({ 'http.route': '/items/:id' }), count: 1 }])
    })
  }

  const missing = [
    { name: 'node, ESM build', command: process.execPath, args: ['check.mjs'], skip: undefined },
    { name: 'node, CJS build', command: process.execPath, args: ['check.cjs'], skip: undefined },
    ...RUNTIMES.filter((r) => r.name !== 'node').map((r) => ({ name: `${r.name}, ESM build`, command: r.command, args: r.args('check.mjs'), skip: r.skip })),
  ]
  for (const { name, command, args, skip } of missing) {
    it.skipIf(skip !== undefined)(`fails ready() with the install hint when @opentelemetry/api is missing (${name})`, () => {
      const output = execFileSync(command, args, { cwd: project, encoding: 'utf8', timeout: 30_000 })
      expect(output.trim()).toMatch(MISSING)
    })
  }

  it('portico --otel exits 2 with the install hint when @opentelemetry/api is missing', () => {
    const result = spawnSync(process.execPath, ['node_modules/portico/bin/portico.mjs', 'app.js', '--otel', '--port', '0'], { cwd: project, encoding: 'utf8', timeout: 30_000 })
    expect(result.status).toBe(2)
    expect(result.stderr.trim()).toMatch(/^portico: --otel: telemetry needs @opentelemetry\/api: npm install @opentelemetry\/api, then register/)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})
