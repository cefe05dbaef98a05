/**
 * End to end: spawns `node bin/portico.mjs` as npm users run it and talks to it over TCP.
 * Every child is killed by PID in afterEach, and every wait has a deadline.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { FLAGS } from '../../cli/args.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const children: ChildProcess[] = []
const scratch = mkdtempSync(join(tmpdir(), 'portico-cli-'))

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // Already gone between the check and the kill.
      }
    }
  }
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

interface Cli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the first stdout line matching `pattern`, rejects after `ms`. */
  waitForLine: (pattern: RegExp, ms?: number) => Promise<string>
  /** Resolves with the exit code, rejects after `ms`. */
  exited: (ms?: number) => Promise<number | null>
}

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, ['bin/portico.mjs', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  const lineWaiters: Array<() => void> = []
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    out += text
    for (const wake of lineWaiters) wake()
  })
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    err += text
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForLine: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = out.split('\n').find((l) => pattern.test(l))
          if (line !== undefined) resolve(line)
          return line !== undefined
        }
        if (check()) return
        const timer = setTimeout(() => reject(new Error(`no line ${pattern} in ${ms} ms; stdout: ${out} stderr: ${err}`)), ms)
        lineWaiters.push(() => {
          if (check()) clearTimeout(timer)
        })
        void exit.then(() => {
          setTimeout(() => {
            if (!check()) reject(new Error(`exited before ${pattern}; stdout: ${out} stderr: ${err}`))
          }, 50)
        })
      }),
    exited: (ms = 10_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running after ${ms} ms; stderr: ${err}`)), ms).unref()
        ),
      ]),
  }
}

async function listen(args: string[]): Promise<{ run: Cli; url: string }> {
  const run = cli(args)
  const line = await run.waitForLine(/^Listening on /)
  return { run, url: line.slice('Listening on '.length) }
}

function writeApp(name: string, source: string): string {
  const path = join(scratch, name)
  writeFileSync(path, source)
  return path
}

/** GET over a unix socket or HTTPS with a self-signed certificate, which fetch cannot do. */
function get(options: { socketPath?: string; url?: string; body?: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
    }
    const method = options.body === undefined ? 'GET' : 'POST'
    const req = options.socketPath !== undefined
      ? httpRequest({ socketPath: options.socketPath, path: '/', method }, onResponse)
      : httpsRequest(options.url!, { rejectUnauthorized: false, method }, onResponse)
    req.on('error', reject)
    req.setTimeout(5_000, () => req.destroy(new Error('request timed out')))
    req.end(options.body)
  })
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0

describe('portico CLI (node)', () => {
  it('serves the app, prints one Listening line with the real port, and exits 0 on SIGTERM', async () => {
    const { run, url } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1'])
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(url).not.toBe('http://127.0.0.1:0')
    const response = await fetch(`${url}/`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('Hello, World!')
    expect(run.stdout()).toBe(`Listening on ${url}\n`)

    run.child.kill('SIGTERM')
    expect(await run.exited(5_000)).toBe(0)
  })

  it('exits 0 on SIGINT', async () => {
    const { run } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1'])
    run.child.kill('SIGINT')
    expect(await run.exited(5_000)).toBe(0)
  })

  it('lets an in-flight request finish before exiting on SIGTERM', async () => {
    const app = writeApp('slow.ts', `export default async (): Promise<Response> => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return new Response('late but whole')
    }\n`)
    const { run, url } = await listen([app, '--port', '0', '--host', '127.0.0.1'])
    const pending = fetch(url).then((r) => r.text())
    await new Promise((resolve) => setTimeout(resolve, 100))
    run.child.kill('SIGTERM')
    expect(await pending).toBe('late but whole')
    expect(await run.exited(5_000)).toBe(0)
  })

  it('writes Common Log Format lines with --access-log', async () => {
    const { run, url } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1', '--access-log'])
    await (await fetch(`${url}/path?x=1`)).text()
    const line = await run.waitForLine(/"GET /, 5_000)
    expect(line).toMatch(
      /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/path\?x=1 HTTP\/1\.1" 200 13$/,
    )
  })

  it('writes JSON lines with --access-log=json', async () => {
    const { run, url } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1', '--access-log=json'])
    await (await fetch(`${url}/json`, { headers: { 'user-agent': 'portico-test' } })).text()
    const line = await run.waitForLine(/^\{/, 5_000)
    const entry = JSON.parse(line) as Record<string, unknown>
    expect(entry).toMatchObject({
      remoteAddress: '127.0.0.1', method: 'GET', target: '/json', version: '1.1', status: 200, bytes: 13,
      userAgent: 'portico-test',
    })
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time)
    expect(typeof entry.durationMs).toBe('number')
  })

  it('accepts a default-exported handler function and a named fetch export', async () => {
    const fn = writeApp('fn.ts', `export default (request: Request): Response => new Response('fn ' + new URL(request.url).pathname)\n`)
    const named = writeApp('named.ts', `export function fetch(): Response { return new Response('named') }\n`)
    const a = await listen([fn, '--port', '0', '--host', '127.0.0.1'])
    const b = await listen([named, '--port', '0', '--host', '127.0.0.1'])
    expect(await (await fetch(`${a.url}/x`)).text()).toBe('fn /x')
    expect(await (await fetch(b.url)).text()).toBe('named')
  })

  it('--help exits 0 and mentions every flag', async () => {
    const run = cli(['--help'])
    expect(await run.exited()).toBe(0)
    for (const flag of FLAGS) expect(run.stdout()).toContain(`--${flag.name}`)
  })

  it('--version prints the package version', async () => {
    const run = cli(['--version'])
    expect(await run.exited()).toBe(0)
    expect(run.stdout()).toMatch(/^portico \d+\.\d+\.\d+/)
  })

  it.each([
    [['examples/hello.ts', '--prot', '80'], /unknown option --prot/],
    [['examples/hello.ts', '--port', '99999'], /--port/],
    [['examples/hello.ts', '--tls-cert', 'cert.pem'], /--tls-key/],
    [['examples/hello.ts', '--workers', '0'], /--workers/],
    [[], /missing the app module/],
  ])('exits 2 with one line on stderr for %j', async (args, message) => {
    const run = cli(args)
    expect(await run.exited()).toBe(2)
    expect(run.stderr()).toMatch(message)
    expect(run.stderr().trimEnd().split('\n')).toHaveLength(1)
    expect(run.stdout()).toBe('')
  })

  it('exits 2 when the app cannot be loaded or has no handler', async () => {
    const missing = cli([join(scratch, 'nope.ts')])
    const broken = cli([writeApp('broken.ts', 'export default {\n')])
    const throwing = cli([writeApp('throwing.ts', `throw new Error('boom at import')\n`)])
    const empty = cli([writeApp('empty.ts', 'export const answer = 42\n')])
    const tlsMissing = cli(['examples/hello.ts', '--tls-cert', join(scratch, 'c.pem'), '--tls-key', join(scratch, 'k.pem')])
    for (const run of [missing, broken, throwing, empty, tlsMissing]) {
      expect(await run.exited()).toBe(2)
      expect(run.stderr()).toMatch(/^portico: /)
    }
    for (const run of [missing, empty, tlsMissing]) expect(run.stderr().trimEnd().split('\n')).toHaveLength(1)
    // The place first, then the source line of a syntax error or the stack of a thrown error.
    expect(broken.stderr()).toMatch(/^portico: cannot load .*broken\.ts: .*broken\.ts:\d+:\d+: SyntaxError: /)
    expect(throwing.stderr()).toMatch(/^portico: cannot load .*throwing\.ts: .*throwing\.ts:1:7: Error: boom at import\n {4}at /)
    expect(empty.stderr()).toContain('fetch')
  })

  it('exits 1 with a message when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (blocker.address() as { port: number }).port
      const run = cli(['examples/hello.ts', '--port', String(port), '--host', '127.0.0.1'])
      expect(await run.exited()).toBe(1)
      expect(run.stderr()).toBe(`portico: cannot listen on 127.0.0.1:${port}: the port is in use by another program (EADDRINUSE)\n`)
      expect(run.stdout()).toBe('')
    } finally {
      blocker.close()
    }
  })

  it('listens on a unix socket with --unix', async () => {
    const socketPath = join(scratch, 'portico.sock')
    const { run, url } = await listen(['examples/hello.ts', '--unix', socketPath])
    expect(url).toMatch(/^http\+unix:\/\//)
    expect(await get({ socketPath })).toEqual({ status: 200, text: 'Hello, World!' })
    run.child.kill('SIGTERM')
    expect(await run.exited(5_000)).toBe(0)
  })

  it('is a file server with --static alone, compressing with --compress', async () => {
    const dir = join(scratch, 'public')
    mkdirSync(join(dir, 'docs'), { recursive: true })
    writeFileSync(join(dir, 'docs', 'index.html'), '<p>docs</p>'.repeat(200))
    const { url } = await listen(['--static', dir, '--static-prefix', '/assets', '--compress', '--port', '0', '--host', '127.0.0.1'])
    const page = await fetch(`${url}/assets/docs/`, { headers: { 'accept-encoding': 'gzip' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-encoding')).toBe('gzip')
    expect(await page.text()).toBe('<p>docs</p>'.repeat(200))
    expect((await fetch(`${url}/assets/nope.txt`)).status).toBe(404)
    expect((await fetch(`${url}/docs/`)).status).toBe(404)
  })

  it('passes --max-body-size to the server (413 past it)', async () => {
    const { url } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1', '--max-body-size', '4'])
    expect((await fetch(url, { method: 'POST', body: 'abcd' })).status).toBe(200)
    expect((await fetch(url, { method: 'POST', body: 'abcde' })).status).toBe(413)
  })

  it.skipIf(!hasOpenssl)('serves HTTPS with --tls-cert and --tls-key', async () => {
    const cert = join(scratch, 'cert.pem')
    const key = join(scratch, 'key.pem')
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost',
    ], { timeout: 15_000 })
    expect(made.status).toBe(0)
    const { url } = await listen(['examples/hello.ts', '--port', '0', '--host', '127.0.0.1', '--tls-cert', cert, '--tls-key', key])
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await get({ url })).toEqual({ status: 200, text: 'Hello, World!' })
  })
})
