/**
 * Real HTTP/2 command-line clients against the integration fixture (tests/integration/fixture.ts)
 * on each runtime, over cleartext with prior knowledge (h2c) on the fixture's ordinary port:
 * curl `--http2-prior-knowledge`, nghttp and h2load (Debian nghttp2-client), and Python's httpx
 * with h2 (Debian python3-httpx, python3-h2). Plain curl on the same port still gets HTTP/1.1.
 * Each client is skipped, with the reason, when it is missing (.ci/run installs them).
 * Node's own http2 client is in http2-node.test.ts; TLS with ALPN in http2-tls.test.ts.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE, type Fixture, fixtureLauncher } from '../integration/suite.ts'
import { run, RUNTIMES, which } from './runtimes.ts'

const CURL = which('curl')
const NGHTTP = which('nghttp')
const H2LOAD = which('h2load')
/** Debian's python3-httpx lives beside the system Python, not a pyenv one earlier on PATH. */
const PYTHON = '/usr/bin/python3'

const curlH2c = (args: readonly string[]): Promise<string> => run(CURL!, ['-sS', '--max-time', '10', '--http2-prior-knowledge', ...args])

/** Why curl cannot speak HTTP/2 here, if it cannot (Debian's curl is built with nghttp2). */
function curlSkip(): string | undefined {
  if (CURL === null) return 'no curl on PATH'
  const version = spawnSync(CURL, ['--version'], { encoding: 'utf8' }).stdout
  return /\bHTTP2\b/.test(version) ? undefined : 'this curl is built without HTTP/2'
}

function httpxSkip(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`
  const probe = spawnSync(PYTHON, ['-c', 'import httpx, h2'], { timeout: 10_000 })
  return probe.status === 0 ? undefined : 'httpx or h2 is missing (Debian python3-httpx python3-h2; .ci/run installs them)'
}

const skips = {
  curl: curlSkip(),
  nghttp: NGHTTP === null ? 'no nghttp on PATH (Debian nghttp2-client)' : undefined,
  h2load: H2LOAD === null ? 'no h2load on PATH (Debian nghttp2-client)' : undefined,
  httpx: httpxSkip(),
}
const titled = (name: keyof typeof skips): string => (skips[name] === undefined ? name : `${name} (skipped: ${skips[name]})`)

/**
 * httpx with `http1=False, http2=True` speaks h2c with prior knowledge (httpcore picks HTTP/2
 * without ALPN when HTTP/1.1 is off). One client, so one connection: /info reports the client
 * port the server saw, and every request must report the same one. Then an AsyncClient sends
 * 100 POSTs at once.
 */
const HTTPX_SCRIPT = `
import asyncio, httpx, json, sys
base = sys.argv[1]
out = {'versions': [], 'ports': []}
with httpx.Client(http1=False, http2=True, timeout=10) as client:
    for i in range(3):
        r = client.get(base + 'info?i=%d' % i)
        out['versions'].append(r.http_version)
        out['ports'].append(r.json()['info']['remotePort'])
    body = bytes(range(256)) * 400
    r = client.post(base + 'echo', content=body, headers={'content-type': 'application/octet-stream'})
    out['post'] = {'status': r.status_code, 'echoed': r.content == body}
    with client.stream('GET', base + 'stream?n=4&size=8') as r:
        out['stream'] = {'status': r.status_code, 'chunks': [c.decode() for c in r.iter_bytes() if c]}
    r = client.get(base + 'missing')
    out['missing'] = {'status': r.status_code, 'text': r.text}

async def concurrent():
    # 100 POSTs in flight at once on one AsyncClient: multiplexed on one connection.
    async with httpx.AsyncClient(http1=False, http2=True, timeout=10) as client:
        bodies = [('request %d ' % i).encode() * (1 + i) for i in range(100)]
        answers = await asyncio.gather(*[client.post(base + 'echo', content=b) for b in bodies])
        return {'echoed': sum(r.content == b for r, b in zip(answers, bodies)), 'versions': sorted({r.http_version for r in answers})}
out['concurrent'] = asyncio.run(concurrent())
print(json.dumps(out))
`

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `HTTP/2 clients (h2c) against Portico on ${runtime.name}` : `HTTP/2 clients on ${runtime.name} (skipped: ${runtime.skip})`
  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let dir: string
    const url = (path: string): string => new URL(path, fixture.url).href

    beforeAll(async () => {
      fixture = await launcher.start()
      dir = mkdtempSync(join(tmpdir(), 'portico-h2-clients-'))
    }, 40_000)

    afterAll(() => {
      launcher.killAll()
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })

    describe.skipIf(skips.curl !== undefined)(titled('curl'), () => {
      it('GETs over h2c, and %{http_version} says 2', async () => {
        expect(await curlH2c(['-w', ' %{http_version} %{response_code}', url('/')])).toBe('hello 2 200')
      })

      it('sends the response headers: content-type, content-length, date', async () => {
        const head = await curlH2c(['-D', '-', '-o', '/dev/null', url('/')])
        const lines = head.split('\r\n')
        expect(lines[0]).toBe('HTTP/2 200 ')
        expect(lines).toContain('content-type: text/plain;charset=UTF-8')
        expect(lines).toContain('content-length: 5')
        const date = lines.find((line) => line.startsWith('date: '))
        expect(date).toMatch(/^date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
        expect(Math.abs(Date.parse(date!.slice(6)) - Date.now())).toBeLessThan(60_000)
      })

      it('POSTs a binary body and gets it echoed', async () => {
        const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256))
        const input = join(dir, 'post.bin')
        const output = join(dir, 'post.out')
        writeFileSync(input, bytes)
        const out = await curlH2c(['--data-binary', `@${input}`, '-H', 'content-type: application/octet-stream', '-o', output, '-w', '%{http_version} %{response_code}', url('/echo')])
        expect(out).toBe('2 200')
        expect(readFileSync(output).equals(bytes)).toBe(true)
      })

      it('receives a streamed response', async () => {
        // /stream sends n chunks of `size` bytes, 'a' then 'b' …, with a pause between them.
        expect(await curlH2c([url('/stream?n=5&size=4')])).toBe('aaaabbbbccccddddeeee')
      })

      it('sends HEAD with -I: the head, no body', async () => {
        const out = await curlH2c(['-I', url('/')])
        expect(out).toMatch(/^HTTP\/2 200 \r\n/)
        expect(out).toContain('content-length: 5\r\n')
        expect(out.endsWith('\r\n\r\n')).toBe(true)
      })

      it('gets a 404 for an unknown path', async () => {
        expect(await curlH2c(['-w', ' %{http_version} %{response_code}', url('/missing')])).toBe('not found 2 404')
      })

      it('sends a 40 KB header field: HEADERS + CONTINUATION, decoded and answered', async () => {
        // Huffman-coded to ~25 KB, more than one 16 KB frame; below maxHeaderListSize (64 KiB).
        const out = await curlH2c(['-H', `x-big: ${'a'.repeat(40_000)}`, '-w', ' %{http_version} %{response_code}', url('/')])
        expect(out).toBe('hello 2 200')
      })

      it('still gets HTTP/1.1 on the same port without --http2-prior-knowledge', async () => {
        const out = await run(CURL!, ['-sS', '--max-time', '10', '-w', ' %{http_version}', url('/')])
        expect(out).toBe('hello 1.1')
      })
    })

    describe.skipIf(skips.nghttp !== undefined)(titled('nghttp'), () => {
      it('exchanges SETTINGS (ours ACKed) and gets the response', async () => {
        const out = await run(NGHTTP!, ['-nv', '-t', '10', url('/')])
        // The server's SETTINGS, then its ACK of ours. (nghttp's ACK of the server's is not
        // asserted: when the response comes in the same read, nghttp may say GOAWAY first.)
        expect(out).toMatch(/recv SETTINGS frame <length=\d+, flags=0x00, stream_id=0>/)
        expect(out).toMatch(/SETTINGS_MAX_CONCURRENT_STREAMS\(0x03\):100/)
        expect(out).toMatch(/recv SETTINGS frame <length=0, flags=0x01, stream_id=0>\s+; ACK/)
        expect(out).toMatch(/recv \(stream_id=13\) :status: 200/)
        expect(out).toMatch(/recv \(stream_id=13\) content-length: 5/)
        expect(out).toMatch(/recv DATA frame <length=5, flags=0x01, stream_id=13>/)
        // No connection error from either side.
        expect(out).not.toMatch(/GOAWAY frame[^\n]*\n[^\n]*error_code=(?!NO_ERROR)/)
      })

      it('multiplexes several URIs on one connection: a fast stream overtakes slow ones', async () => {
        const out = await run(NGHTTP!, ['-nv', '-t', '10', url('/slow?ms=400&i=1'), url('/slow?ms=400&i=2'), url('/stream?n=4&size=16')])
        expect(out.match(/\] Connected/g)).toHaveLength(1)
        const lines = out.split('\n')
        const sent = lines.flatMap((line, i) => (/send HEADERS frame/.test(line) ? [i] : []))
        const statuses = lines.flatMap((line) => /recv \(stream_id=(\d+)\) :status: (\d+)/.exec(line)?.slice(1, 3) ?? [])
        expect(sent).toHaveLength(3)
        // All three requests are out before the first answer, and the streamed one (stream 17,
        // sent last) is answered first although the two /slow ones started earlier.
        expect(Math.max(...sent)).toBeLessThan(lines.findIndex((line) => line.includes(':status:')))
        expect(statuses).toHaveLength(6)
        expect(statuses[0]).toBe('17')
        expect(new Set(statuses.filter((_, i) => i % 2 === 0))).toEqual(new Set(['13', '15', '17']))
        expect(statuses.filter((_, i) => i % 2 === 1)).toEqual(['200', '200', '200'])
      })

      it('uploads a 3 MB file with -d', async () => {
        const input = join(dir, 'nghttp.bin')
        writeFileSync(input, Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 10)) % 256)))
        // /length answers how many body bytes the app read.
        expect(await run(NGHTTP!, ['-t', '10', '-d', input, url('/length')], 30_000)).toBe(String(3 * 1024 * 1024))
      })
    })

    describe.skipIf(skips.h2load !== undefined)(titled('h2load'), () => {
      it('completes 2000 requests over 4 connections × 50 streams, none errored', async () => {
        const out = await run(H2LOAD!, ['-n', '2000', '-c', '4', '-m', '50', '-T', '20', url('/')], 60_000)
        expect(out, out).toMatch(/requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout/)
        expect(out, out).toMatch(/status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx/)
      }, 60_000)

      it('completes 1000 POSTs with a body', async () => {
        const input = join(dir, 'h2load-post.bin')
        writeFileSync(input, Buffer.alloc(4096, 0x62))
        const out = await run(H2LOAD!, ['-n', '1000', '-c', '2', '-m', '20', '-T', '20', '-d', input, url('/length')], 60_000)
        expect(out, out).toMatch(/requests: 1000 total, 1000 started, 1000 done, 1000 succeeded, 0 failed, 0 errored, 0 timeout/)
        // Each answer is "4096": four bytes of DATA per request.
        expect(out, out).toMatch(/traffic: .* 3\.91KB \(4000\) data/)
      }, 60_000)
    })

    describe.skipIf(skips.httpx !== undefined)(titled('httpx'), () => {
      it('speaks h2c with prior knowledge: GETs, a POST echoed, a stream and a 404 on one connection; 100 POSTs at once', async () => {
        const result = JSON.parse(await run(PYTHON, ['-c', HTTPX_SCRIPT, url('/')])) as {
          versions: string[]
          ports: number[]
          post: { status: number; echoed: boolean }
          stream: { status: number; chunks: string[] }
          missing: { status: number; text: string }
          concurrent: { echoed: number; versions: string[] }
        }
        expect(result.versions).toEqual(['HTTP/2', 'HTTP/2', 'HTTP/2'])
        expect(new Set(result.ports).size).toBe(1)
        expect(result.post).toEqual({ status: 200, echoed: true })
        expect(result.stream.status).toBe(200)
        expect(result.stream.chunks.join('')).toBe('aaaaaaaabbbbbbbbccccccccdddddddd')
        expect(result.missing).toEqual({ status: 404, text: 'not found' })
        expect(result.concurrent).toEqual({ echoed: 100, versions: ['HTTP/2'] })
      })
    })
  })
}
