/**
 * The shared integration suite (srvx's `_tests.ts`): every case runs against the fixture
 * spawned under each runtime, from Node's vitest, with raw bytes over TCP
 * (tests/helpers/raw-client.ts), Node's fetch, and curl. The per-runtime test files only say
 * how to spawn the fixture. A runtime gap is marked inline, by runtime name, with its reason.
 * Every wait has a deadline and everything targets 127.0.0.1.
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchange, header, headerValues, parseResponses, RawConnection, type Target } from '../helpers/raw-client.ts'

/** The repository root, the cwd of every fixture. */
export const ROOT: string = fileURLToPath(new URL('../..', import.meta.url))
/** The fixture, relative to ROOT. */
export const FIXTURE: string = 'tests/integration/fixture.ts'
const CERT: string = readFileSync(new URL('./certs/cert.pem', import.meta.url), 'utf8')
const CURL: string | null = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].find((p) => existsSync(p)) ?? null

/** A spawned fixture. */
export interface Fixture {
  pid: number
  /** `http://127.0.0.1:<port>/` */
  url: string
  port: number
  /** Set when the fixture was asked for TLS and the runtime could. */
  tlsUrl?: string
  /** Set when the fixture was asked for a unix socket and the runtime could. */
  unixPath?: string
  /** Listener name → why the runtime could not start it. */
  skipped: Record<string, string>
  /** Resolves with the exit code (null if killed by a signal). */
  exited: Promise<number | null>
  /** Stdout and stderr so far, for failure messages. */
  output(): string
  kill(signal?: NodeJS.Signals): void
}

/** Spawns the fixture with extra environment; resolves at its `LISTENING` line. */
export type StartFixture = (env?: Record<string, string>) => Promise<Fixture>

/** Starts fixtures with `command args…` and kills them all, by PID, in `killAll`. */
export function fixtureLauncher(command: string, args: readonly string[]): { start: StartFixture; killAll: () => void } {
  const children: ChildProcess[] = []
  const start: StartFixture = (env = {}) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let out = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    return new Promise<Fixture>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('no LISTENING line within 20 s')), 20_000)
      const fail = (error: Error): void => {
        clearTimeout(timer)
        reject(new Error(`${error.message}\n--- fixture output ---\n${out}`))
      }
      child.on('error', fail)
      void exited.then((code) => fail(new Error(`fixture exited with ${code} before listening`)))
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (out += text))
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        out += text
        const lines = out.split('\n')
        const main = lines.find((line) => line.startsWith('LISTENING '))
        if (main === undefined) return
        clearTimeout(timer)
        const url = main.slice('LISTENING '.length).trim()
        const value = (prefix: string): string | undefined =>
          lines.find((line) => line.startsWith(prefix))?.slice(prefix.length).trim()
        const skipped: Record<string, string> = {}
        for (const line of lines.filter((l) => l.startsWith('SKIPPED '))) {
          const [, name = '', ...reason] = line.trim().split(' ')
          skipped[name] = reason.join(' ')
        }
        resolve({
          pid: child.pid!,
          url,
          port: Number(new URL(url).port),
          tlsUrl: value('LISTENING_TLS '),
          unixPath: value('LISTENING_UNIX '),
          skipped,
          exited,
          output: () => out,
          kill: (signal = 'SIGKILL') => {
            if (child.exitCode !== null || child.signalCode !== null) return
            process.kill(child.pid!, signal)
          },
        })
      })
    })
  }
  const killAll = (): void => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // Exited between the check and the kill.
      }
    }
  }
  return { start, killAll }
}

/** What a per-runtime test file passes in. */
export interface SuiteOptions {
  runtime: 'node' | 'deno' | 'bun'
  start: StartFixture
  /** Skip the whole suite, with the reason (e.g. the driver does not exist yet). */
  skip?: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 50 ms until it is true; rejects after `ms`. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`not true within ${ms} ms: ${what}`)
}

/** Runs curl; resolves with stdout. */
function curl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CURL!, ['-sS', '--max-time', '10', ...args], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`curl ${args.join(' ')}: ${error.message} ${stderr}`)) : resolve(stdout),
    )
  })
}

/** GET over HTTPS, trusting only the test certificate. */
function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca: CERT, agent: false, timeout: 5000 }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (text: string) => (body += text))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('https request timed out')))
    request.on('error', reject)
  })
}

function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`
}

function post(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`
}

/** Registers the shared suite for one runtime. */
export function defineServerSuite({ runtime, start, skip }: SuiteOptions): void {
  const title = skip === undefined ? `server on ${runtime}` : `server on ${runtime} (skipped: ${skip})`
  describe.skipIf(skip !== undefined)(title, () => {
    let fixture: Fixture
    let tcp: Target
    const unixPath = join(tmpdir(), `portico-${runtime}-${process.pid}.sock`)
    const url = (path: string): string => new URL(path, fixture.url).href

    beforeAll(async () => {
      rmSync(unixPath, { force: true })
      fixture = await start({ PORTICO_TLS: '1', PORTICO_UNIX: unixPath })
      tcp = { port: fixture.port }
    }, 30_000)
    afterAll(() => {
      fixture?.kill()
      rmSync(unixPath, { force: true })
    })

    describe('basics', () => {
      it('answers fetch', async () => {
        const response = await fetch(url('/'))
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('hello')
      })

      it('passes the connection info and an absolute request.url', async () => {
        const body = (await (await fetch(url('/info?x=1'))).json()) as {
          info: { remoteAddress: string; localPort: number; remoteAddr: { transport: string } }
          url: string
        }
        expect(body.url).toBe(url('/info?x=1'))
        expect(body.info.remoteAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
        expect(body.info.localPort).toBe(fixture.port)
        expect(body.info.remoteAddr.transport).toBe('tcp')
      })

      it('streams a body of unknown length with chunked encoding', async () => {
        const { responses } = await exchange(tcp, get('/stream?n=3&size=4'), { responses: 1 })
        expect(responses[0]!.chunked).toBe(true)
        expect(responses[0]!.body.toString()).toBe('aaaabbbbcccc')
      })

      it('echoes a 1 MB body with fetch', async () => {
        const body = 'x'.repeat(1 << 20)
        const response = await fetch(url('/echo'), { method: 'POST', body })
        expect((await response.text()).length).toBe(body.length)
      })

      it('downloads with a Content-Length from the app', async () => {
        const response = await fetch(url('/download?bytes=200000'))
        expect(response.headers.get('content-length')).toBe('200000')
        expect((await response.arrayBuffer()).byteLength).toBe(200_000)
      })
    })

    describe('persistent connections', () => {
      it('reuses one socket for two requests (keep-alive)', async () => {
        const connection = await RawConnection.connect(tcp)
        try {
          await connection.write(get('/info'))
          const [first] = await connection.responses(1)
          await connection.write(get('/info'))
          const [, second] = await connection.responses(2)
          expect(header(first!, 'connection')).not.toBe('close')
          // The server saw the same client port both times: one TCP connection.
          const port = (r: typeof first): number => (JSON.parse(r!.body.toString()) as { info: { remotePort: number } }).info.remotePort
          expect(port(second)).toBe(port(first))
          expect(connection.closed).toBe(false)
        } finally {
          connection.destroy()
        }
      })

      it('answers three pipelined requests in order', async () => {
        const bytes = get('/info?n=1') + post('/length', 'abc') + get('/cookies')
        const { responses } = await exchange(tcp, bytes, { responses: 3 })
        expect(responses.map((r) => r.status)).toEqual([200, 200, 200])
        expect(responses[0]!.body.toString()).toContain('/info?n=1')
        expect(responses[1]!.body.toString()).toBe('3')
        expect(responses[2]!.body.toString()).toBe('cookies')
      })

      it('drains an unread body and serves the next pipelined request', async () => {
        const bytes = post('/no-read', 'hello') + 'POST /no-read HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' + get('/')
        const { responses, closed } = await exchange(tcp, bytes, { responses: 3 })
        expect(responses.map((r) => r.body.toString())).toEqual(['not read', 'not read', 'hello'])
        expect(closed).toBe(false)
      })

      it('closes after a request with Connection: close, and after HTTP/1.0 by default', async () => {
        for (const bytes of [get('/', 'Connection: close\r\n'), 'GET / HTTP/1.0\r\n\r\n']) {
          const { responses, closed } = await exchange(tcp, bytes)
          expect(closed).toBe(true)
          expect(responses.map((r) => [r.body.toString(), header(r, 'connection')])).toEqual([['hello', 'close']])
        }
      })

      it('answers a client that half-closes after its request', async () => {
        const connection = await RawConnection.connect(tcp)
        try {
          await connection.end(get('/slow?ms=200'))
          const [response] = await connection.responses(1)
          expect(response!.body.toString()).toBe('slow done')
        } finally {
          connection.destroy()
        }
      })

      it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
        const connection = await RawConnection.connect(tcp, { timeoutMs: 6000 })
        try {
          await connection.write(get('/'))
          await connection.responses(1)
          const started = Date.now()
          await connection.untilClosed()
          // keepAliveTimeout is 2000 ms in the fixture; the sweep adds up to a quarter of it.
          expect(Date.now() - started).toBeGreaterThan(1500)
        } finally {
          connection.destroy()
        }
      })
    })

    describe('request bodies', () => {
      it('reads a chunked upload', async () => {
        const bytes = 'POST /length HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
        const { responses } = await exchange(tcp, bytes, { responses: 1 })
        expect(responses[0]!.status).toBe(200)
        expect(responses[0]!.body.toString()).toBe('11')
      })

      it('reads a chunked upload sent in pieces', async () => {
        const pieces = ['POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n', '3\r\nabc\r\n', '3\r\ndef\r\n', '0\r\n\r\n']
        const { responses } = await exchange(tcp, pieces, { responses: 1, delayMs: 30 })
        expect(responses[0]!.body.toString()).toBe('abcdef')
      })

      it('streams a fetch upload of unknown length', async () => {
        const chunk = new Uint8Array(10_000)
        let left = 10
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (left-- === 0) controller.close()
            else controller.enqueue(chunk)
          },
        })
        const response = await fetch(url('/upload'), { method: 'POST', body, duplex: 'half' } as RequestInit)
        expect(await response.text()).toBe('100000')
      })

      it('sends 100 Continue when the app reads the body', async () => {
        const connection = await RawConnection.connect(tcp)
        try {
          await connection.write('POST /length HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n')
          await connection.until(() => connection.received.includes('\r\n\r\n'), '100 Continue')
          expect(connection.received.toString('latin1')).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/)
          await connection.write('hello')
          const responses = parseResponses(connection.received).responses
          const [final] = await connection.responses(1)
          expect(responses[0]?.status).toBe(100)
          expect(final!.status).toBe(200)
          expect(final!.body.toString()).toBe('5')
        } finally {
          connection.destroy()
        }
      })

      it('sends no 100 Continue when the app answers without reading, then closes', async () => {
        const connection = await RawConnection.connect(tcp)
        try {
          await connection.write('POST /no-read HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n')
          const [final] = await connection.responses(1)
          const all = parseResponses(connection.received).responses
          expect(all.map((r) => r.status)).toEqual([200])
          expect(final!.body.toString()).toBe('not read')
          // The body never came, so the connection cannot be reused (RFC 9110 §10.1.1).
          expect(header(final!, 'connection')).toBe('close')
          await connection.untilClosed()
        } finally {
          connection.destroy()
        }
      })
    })

    describe('responses', () => {
      it('answers HEAD with the headers and no body', async () => {
        const bytes = `HEAD / HTTP/1.1\r\nHost: test\r\n\r\nHEAD /stream?n=2 HTTP/1.1\r\nHost: test\r\n\r\n${get('/')}`
        const { responses, rest } = await exchange(tcp, bytes, { responses: 3, methods: ['HEAD', 'HEAD', 'GET'] })
        expect(header(responses[0]!, 'content-length')).toBe('5')
        expect(responses[0]!.body.length).toBe(0)
        expect(responses[1]!.status).toBe(200)
        // The GET after them parses cleanly, so no body bytes were sent for either HEAD.
        expect(responses[2]!.body.toString()).toBe('hello')
        expect(rest.length).toBe(0)
      })

      it('keeps several Set-Cookie fields apart', async () => {
        const { responses } = await exchange(tcp, get('/cookies'), { responses: 1 })
        expect(headerValues(responses[0]!, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2, with comma; HttpOnly'])
        const response = await fetch(url('/cookies'))
        expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2, with comma; HttpOnly'])
      })

      for (const path of ['/throw', '/reject', '/not-response']) {
        it(`answers 500 for ${path} and keeps serving the same connection`, async () => {
          const connection = await RawConnection.connect(tcp)
          try {
            await connection.write(get(path))
            const [failed] = await connection.responses(1)
            expect(failed!.status).toBe(500)
            await connection.write(get('/'))
            const [, next] = await connection.responses(2)
            expect(next!.status).toBe(200)
            expect(next!.body.toString()).toBe('hello')
          } finally {
            connection.destroy()
          }
        })
      }

      it('aborts the connection when the body stream fails mid-way (truncated chunked)', async () => {
        const { responses, rest, closed } = await exchange(tcp, get('/stream-error'))
        expect(closed).toBe(true)
        expect(responses).toEqual([])
        const text = rest.toString('latin1')
        expect(text).toMatch(/^HTTP\/1\.1 200 /)
        expect(text).toContain('first chunk')
        // No last-chunk: the client can tell the body is incomplete.
        expect(text).not.toContain('\r\n0\r\n\r\n')
        await expect(fetch(url('/stream-error')).then((r) => r.text())).rejects.toThrow()
      })
    })

    describe('client disconnects', () => {
      it('fires request.signal when the client leaves while the app runs', async () => {
        const id = `get-${Date.now()}`
        const connection = await RawConnection.connect(tcp)
        await connection.write(get(`/abort?id=${id}`))
        await sleep(100)
        connection.destroy()
        await eventually(async () => (await (await fetch(url(`/aborted?id=${id}`))).text()) === 'true', 'signal aborted')
      })

      it('fires request.signal when the client leaves mid-body', async () => {
        const id = `body-${Date.now()}`
        const connection = await RawConnection.connect(tcp)
        await connection.write(`POST /abort?id=${id} HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly ten b`)
        await sleep(100)
        connection.destroy()
        await eventually(async () => (await (await fetch(url(`/aborted?id=${id}`))).text()) === 'true', 'signal aborted')
      })
    })

    describe('timeouts and limits', () => {
      it('drops a slowloris connection at headersTimeout while serving others', async () => {
        const connection = await RawConnection.connect(tcp, { timeoutMs: 6000 })
        try {
          const started = Date.now()
          const pieces = ['GET / HTTP/1.1\r\n', ...Array.from({ length: 30 }, (_, i) => `X-Slow-${i}: y\r\n`)]
          const trickling = connection.trickle(pieces, 150)
          // Another client is served while the slow one holds its connection.
          const response = await fetch(url('/'))
          expect(await response.text()).toBe('hello')
          await connection.untilClosed()
          const elapsed = Date.now() - started
          await trickling
          // headersTimeout is 1000 ms; the sweep runs every 250 ms.
          expect(elapsed).toBeGreaterThanOrEqual(900)
          expect(elapsed).toBeLessThan(3000)
          const { responses } = parseResponses(connection.received, [], true)
          if (responses.length > 0) expect(responses[0]!.status).toBe(408)
        } finally {
          connection.destroy()
        }
      })

      it('answers 501 to methods Fetch cannot represent (TRACE, CONNECT)', async () => {
        for (const bytes of ['TRACE / HTTP/1.1\r\nHost: test\r\n\r\n', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n']) {
          const { responses } = await exchange(tcp, bytes, { responses: 1 })
          expect(responses.map((r) => r.status)).toEqual([501])
        }
      })

      const limitCases: Array<[string, string, number]> = [
        ['a huge request line', get(`/${'a'.repeat(9000)}`), 414],
        ['a huge header', get('/', `X-Big: ${'b'.repeat(17_000)}\r\n`), 431],
        ['Content-Length with Transfer-Encoding (smuggling)', 'POST /length HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      ]
      for (const [name, bytes, status] of limitCases) {
        it(`answers ${status} to ${name}, closes, and keeps serving`, async () => {
          const { responses, closed } = await exchange(tcp, bytes)
          expect(closed).toBe(true)
          expect(responses.map((r) => r.status)).toEqual([status])
          expect(header(responses[0]!, 'connection')).toBe('close')
          expect(await (await fetch(url('/'))).text()).toBe('hello')
        })
      }
    })

    describe('listeners', () => {
      it('serves HTTPS', async (context) => {
        if (fixture.tlsUrl === undefined) return context.skip(`no TLS listener: ${fixture.skipped['tls'] ?? 'not started'}`)
        const response = await httpsGet(new URL('/', fixture.tlsUrl).href)
        expect(response).toEqual({ status: 200, body: 'hello' })
      })

      it('serves a unix socket', async (context) => {
        if (fixture.unixPath === undefined) return context.skip(`no unix listener: ${fixture.skipped['unix'] ?? 'not started'}`)
        const { responses } = await exchange({ path: fixture.unixPath }, get('/info'), { responses: 1 })
        const body = JSON.parse(responses[0]!.body.toString()) as { info: { remoteAddr: { transport: string } } }
        expect(body.info.remoteAddr.transport).toBe('unix')
      })
    })

    describe.skipIf(CURL === null)(CURL === null ? 'curl (skipped: no curl binary found)' : 'curl', () => {
      it('GETs and reuses the connection for a second URL', async () => {
        const out = await curl(['-w', ' %{num_connects}\n', url('/'), url('/')])
        // curl prints each body followed by the number of new connections it made for it.
        expect(out).toBe('hello 1\nhello 0\n')
      })

      it('uploads chunked', async () => {
        const out = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', 'chunky body', url('/length')])
        expect(out).toBe('11')
      })

      it('sends a body after 100 Continue', async () => {
        const out = await curl(['-H', 'Expect: 100-continue', '--expect100-timeout', '5', '--data-binary', 'abcdef', url('/length')])
        expect(out).toBe('6')
      })

      it('sends HEAD', async () => {
        const out = await curl(['-I', url('/')])
        expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
        expect(out.toLowerCase()).toContain('content-length: 5\r\n')
      })

      it('reports a truncated body as an error', async () => {
        await expect(curl([url('/stream-error')])).rejects.toThrow(/curl/)
      })

      it('speaks HTTPS', async (context) => {
        if (fixture.tlsUrl === undefined) return context.skip('no TLS listener')
        const certFile = fileURLToPath(new URL('./certs/cert.pem', import.meta.url))
        expect(await curl(['--cacert', certFile, new URL('/', fixture.tlsUrl).href])).toBe('hello')
      })

      it('speaks over a unix socket', async (context) => {
        if (fixture.unixPath === undefined) return context.skip('no unix listener')
        expect(await curl(['--unix-socket', fixture.unixPath, 'http://localhost/'])).toBe('hello')
      })
    })

    describe('graceful close', () => {
      it('finishes the in-flight response, closes idle connections, refuses new ones, exits', async () => {
        const own = await start()
        try {
          const target: Target = { port: own.port }
          const idle = await RawConnection.connect(target)
          await idle.write(get('/'))
          await idle.responses(1)
          const busy = await RawConnection.connect(target)
          await busy.write(get('/slow?ms=1500'))
          await sleep(300)
          own.kill('SIGTERM')
          await idle.untilClosed(3000)
          // Polled: Deno closes a listener's socket only once its pending accept() is
          // cancelled, so for a moment a connection can still be accepted (and is then aborted).
          await eventually(async () => {
            const late = await RawConnection.connect(target, { timeoutMs: 1000 }).catch((error: Error) => error)
            if (late instanceof RawConnection) late.destroy()
            return late instanceof Error && /ECONNREFUSED/.test(late.message)
          }, 'new connections refused', 2000)
          const [slow] = await busy.responses(1)
          expect(slow!.status).toBe(200)
          expect(slow!.body.toString()).toBe('slow done')
          expect(header(slow!, 'connection')).toBe('close')
          await busy.untilClosed(1000)
          const code = await Promise.race([own.exited, sleep(5000).then(() => 'timeout')])
          expect(code).toBe(0)
        } finally {
          own.kill()
        }
      }, 15_000)
    })
  })
}
