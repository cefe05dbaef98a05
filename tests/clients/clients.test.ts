/**
 * Real command-line clients against the integration fixture (tests/integration/fixture.ts) on
 * each runtime: curl, Python's http.client, and ApacheBench. Each client is skipped, with the
 * reason, when its binary is not on PATH (.ci/run installs curl and apache2-utils).
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE, type Fixture, fixtureLauncher } from '../integration/suite.ts'
import { run, RUNTIMES, which } from './runtimes.ts'

const CURL = which('curl')
const PYTHON = which('python3')
const AB = which('ab')

const curl = (args: readonly string[]): Promise<string> => run(CURL!, ['-sS', '--max-time', '10', ...args])

/**
 * One HTTPConnection for everything: three GETs of /info (the server reports the client port it
 * saw, so equal ports mean one TCP connection), a POST with Content-Length, and a chunked POST.
 */
const PYTHON_SCRIPT = `
import http.client, json, sys
conn = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)
out = {'ports': [], 'statuses': []}
for i in range(3):
    conn.request('GET', '/info?i=%d' % i)
    r = conn.getresponse()
    out['statuses'].append(r.status)
    out['ports'].append(json.loads(r.read())['info']['remotePort'])
    out['version'] = r.version
sock = conn.sock
conn.request('POST', '/echo', body=b'\\x00\\x01binary\\xff' * 100, headers={'Content-Type': 'application/octet-stream'})
r = conn.getresponse()
out['post'] = {'status': r.status, 'echoed': r.read() == b'\\x00\\x01binary\\xff' * 100}
conn.request('POST', '/length', body=iter([b'hello ', b'chunked ', b'world']), headers={'Transfer-Encoding': 'chunked'}, encode_chunked=True)
r = conn.getresponse()
out['chunked'] = {'status': r.status, 'length': r.read().decode()}
out['sameSocket'] = conn.sock is sock
conn.close()
print(json.dumps(out))
`

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `real clients against Portico on ${runtime.name}` : `real clients against Portico on ${runtime.name} (skipped: ${runtime.skip})`
  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let dir: string
    const url = (path: string): string => new URL(path, fixture.url).href

    beforeAll(async () => {
      fixture = await launcher.start()
      dir = mkdtempSync(join(tmpdir(), 'portico-clients-'))
    }, 40_000)

    afterAll(() => {
      launcher.killAll()
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })

    describe.skipIf(CURL === null)(CURL === null ? 'curl (skipped: no curl on PATH)' : 'curl', () => {
      it('fetches several URLs over one kept-alive HTTP/1.1 connection', async () => {
        const out = await curl(['--http1.1', '-w', ' %{http_version} %{num_connects}\\n', url('/'), url('/cookies'), url('/')])
        // Each body is followed by the HTTP version and the number of new connections curl made for it.
        expect(out).toBe('hello 1.1 1\ncookies 1.1 0\nhello 1.1 0\n')
      })

      it('POSTs binary data with --data-binary and gets it echoed', async () => {
        const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256))
        const input = join(dir, 'post.bin')
        const output = join(dir, 'post.out')
        writeFileSync(input, bytes)
        await curl(['--data-binary', `@${input}`, '-H', 'Content-Type: application/octet-stream', '-o', output, url('/echo')])
        expect(readFileSync(output).equals(bytes)).toBe(true)
      })

      it('uploads a file with Transfer-Encoding: chunked', async () => {
        const input = join(dir, 'chunked.bin')
        writeFileSync(input, Buffer.alloc(200_000, 0x61))
        const out = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${input}`, url('/length')])
        expect(out).toBe('200000')
      })

      it('sends HEAD with -I', async () => {
        const out = await curl(['-I', url('/')])
        expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
        expect(out.toLowerCase()).toContain('content-length: 5\r\n')
      })
    })

    describe.skipIf(PYTHON === null)(PYTHON === null ? 'python3 http.client (skipped: no python3 on PATH)' : 'python3 http.client', () => {
      it('reuses one HTTPConnection for GETs, a POST and a chunked POST', async () => {
        const result = JSON.parse(await run(PYTHON!, ['-c', PYTHON_SCRIPT, String(fixture.port)])) as {
          ports: number[]
          statuses: number[]
          version: number
          post: { status: number; echoed: boolean }
          chunked: { status: number; length: string }
          sameSocket: boolean
        }
        expect(result.statuses).toEqual([200, 200, 200])
        expect(result.version).toBe(11)
        expect(new Set(result.ports).size).toBe(1)
        expect(result.post).toEqual({ status: 200, echoed: true })
        expect(result.chunked).toEqual({ status: 200, length: String('hello chunked world'.length) })
        expect(result.sameSocket).toBe(true)
      })
    })

    describe.skipIf(AB === null)(AB === null ? 'ab (skipped: no ab on PATH; Debian package apache2-utils)' : 'ab', () => {
      it('serves 2000 keep-alive requests from 20 concurrent clients without a failure', async () => {
        const out = await run(AB!, ['-n', '2000', '-c', '20', '-k', '-s', '10', '-q', url('/')], 60_000)
        const field = (name: string): string | undefined => new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(out)?.[1]
        expect(field('Complete requests'), out).toBe('2000')
        expect(field('Failed requests'), out).toBe('0')
        // ab prints this line only when some response was not 2xx.
        expect(field('Non-2xx responses') ?? '0', out).toBe('0')
        // ab -k speaks HTTP/1.0 with Connection: Keep-Alive, and the server keeps every one open.
        expect(field('Keep-Alive requests'), out).toBe('2000')
      }, 60_000)
    })
  })
}
