/**
 * HTTP/2 over TLS, negotiated by ALPN, with real clients against the integration fixture's
 * HTTPS listener (`PORTICO_TLS=1`, the self-signed tests/integration/certs) on each runtime:
 * curl `--http2` gets h2 and `--http1.1` gets HTTP/1.1 on the same port; h2load; httpx with h2
 * and without; Node's http2.connect; and headless Chromium, whose navigation and fetch timing
 * entries must say `nextHopProtocol: 'h2'`. Certificates are not checked (curl -k, httpx
 * verify=False, Chromium --ignore-certificate-errors): what is under test is the protocol.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { ClientHttp2Session } from 'node:http2'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumSkip, launchChromium } from '../helpers/chromium.ts'
import { closeH2, connectH2, h2Request } from '../helpers/h2-node-client.ts'
import { FIXTURE, type Fixture, fixtureLauncher } from '../integration/suite.ts'
import { run, RUNTIMES, which } from './runtimes.ts'

const CURL = which('curl')
const H2LOAD = which('h2load')
const PYTHON = '/usr/bin/python3'

const curlSkip = CURL === null ? 'no curl on PATH' : /\bHTTP2\b/.test(spawnSync(CURL, ['--version'], { encoding: 'utf8' }).stdout) ? undefined : 'this curl is built without HTTP/2'
const httpxSkip = !existsSync(PYTHON)
  ? `${PYTHON} is missing`
  : spawnSync(PYTHON, ['-c', 'import httpx, h2'], { timeout: 10_000 }).status === 0
    ? undefined
    : 'httpx or h2 is missing (Debian python3-httpx python3-h2; .ci/run installs them)'

const curlTls = (args: readonly string[]): Promise<string> => run(CURL!, ['-sS', '-k', '--max-time', '10', ...args])

/** Two clients: one offering h2 (ALPN h2, http/1.1), one HTTP/1.1 only. */
const HTTPX_SCRIPT = `
import httpx, json, sys
base = sys.argv[1]
out = {}
with httpx.Client(http2=True, verify=False, timeout=10) as client:
    r = client.get(base)
    out['h2'] = [r.http_version, r.status_code, r.text]
    body = bytes(range(256)) * 1000
    r = client.post(base + 'echo', content=body)
    out['post'] = [r.http_version, r.status_code, r.content == body]
with httpx.Client(verify=False, timeout=10) as client:
    r = client.get(base)
    out['h1'] = [r.http_version, r.status_code, r.text]
print(json.dumps(out))
`

let browser: Browser | undefined

afterAll(async () => {
  await browser?.close()
})

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `HTTP/2 over TLS (ALPN) against Portico on ${runtime.name}` : `HTTP/2 over TLS on ${runtime.name} (skipped: ${runtime.skip})`
  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let tlsUrl: string
    const url = (path: string): string => new URL(path, tlsUrl).href

    beforeAll(async () => {
      fixture = await launcher.start({ PORTICO_TLS: '1' })
      if (fixture.tlsUrl === undefined) throw new Error(`no TLS listener on ${runtime.name}: ${fixture.skipped['tls'] ?? fixture.output()}`)
      tlsUrl = fixture.tlsUrl
    }, 40_000)

    afterAll(() => launcher.killAll())

    describe.skipIf(curlSkip !== undefined)(curlSkip === undefined ? 'curl' : `curl (skipped: ${curlSkip})`, () => {
      it('--http2 negotiates h2: GET, a POST echoed, a 404', async () => {
        expect(await curlTls(['--http2', '-w', ' %{http_version} %{response_code}', url('/')])).toBe('hello 2 200')
        expect(await curlTls(['--http2', '--data-binary', 'ping over h2', '-w', ' %{http_version}', url('/echo')])).toBe('ping over h2 2')
        expect(await curlTls(['--http2', '-w', ' %{http_version} %{response_code}', url('/missing')])).toBe('not found 2 404')
      })

      it('--http1.1 gets HTTP/1.1 on the same port', async () => {
        expect(await curlTls(['--http1.1', '-w', ' %{http_version}', url('/')])).toBe('hello 1.1')
        const head = await curlTls(['--http1.1', '-I', url('/')])
        expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      })
    })

    describe.skipIf(H2LOAD === null)(H2LOAD === null ? 'h2load (skipped: no h2load on PATH; Debian nghttp2-client)' : 'h2load', () => {
      it('negotiates h2 and completes 2000 requests over 2 connections × 50 streams', async () => {
        const out = await run(H2LOAD!, ['-n', '2000', '-c', '2', '-m', '50', '-T', '20', url('/')], 60_000)
        expect(out, out).toMatch(/Application protocol: h2\n/)
        expect(out, out).toMatch(/requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout/)
      }, 60_000)
    })

    describe.skipIf(httpxSkip !== undefined)(httpxSkip === undefined ? 'httpx' : `httpx (skipped: ${httpxSkip})`, () => {
      it('negotiates h2 when it offers it, HTTP/1.1 when it does not', async () => {
        const result = JSON.parse(await run(PYTHON, ['-c', HTTPX_SCRIPT, url('/')])) as Record<string, unknown[]>
        expect(result).toEqual({
          h2: ['HTTP/2', 200, 'hello'],
          post: ['HTTP/2', 200, true],
          h1: ['HTTP/1.1', 200, 'hello'],
        })
      })
    })

    describe("node's http2.connect", () => {
      let session: ClientHttp2Session | undefined
      afterAll(() => closeH2(session))

      it('agrees on h2 and runs concurrent streams', async () => {
        session = await connectH2(tlsUrl)
        expect(session.alpnProtocol).toBe('h2')
        const paths = ['/', '/stream?n=3&size=2', `/download?bytes=${256 * 1024}`, '/missing']
        const responses = await Promise.all(paths.map((path) => h2Request(session!, { ':path': path })))
        expect(responses.map((r) => [r.status, r.bytes])).toEqual([
          [200, 5],
          [200, 6],
          [200, 256 * 1024],
          [404, 9],
        ])
      })
    })

    describe.skipIf(chromiumSkip !== undefined)(chromiumSkip === undefined ? 'headless Chromium' : `headless Chromium (skipped: ${chromiumSkip})`, () => {
      let context: BrowserContext | undefined
      afterAll(() => context?.close())

      it("loads the page and fetches over h2 (nextHopProtocol 'h2')", async () => {
        // The self-signed certificate is for localhost and 127.0.0.1; Chromium would still refuse it.
        browser ??= await launchChromium(['--ignore-certificate-errors'])
        context = await browser.newContext({ ignoreHTTPSErrors: true })
        context.setDefaultTimeout(10_000)
        const page = await context.newPage()
        const response = await page.goto(url('/'))
        expect(response?.status()).toBe(200)
        const seen = await page.evaluate(async () => {
          const echoed = await (await fetch('/echo', { method: 'POST', body: 'from the page' })).text()
          const streamed = await (await fetch('/stream?n=3&size=2')).text()
          // The page itself and the two fetches (Chromium may also have asked for /favicon.ico).
          const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[]
          const protocols = entries
            .filter((entry) => entry.initiatorType === 'navigation' || entry.initiatorType === 'fetch')
            .map((entry) => [entry.name.replace(location.origin, ''), entry.nextHopProtocol])
          return { body: document.body.innerText, echoed, streamed, protocols }
        })
        expect(seen).toEqual({
          body: 'hello',
          echoed: 'from the page',
          streamed: 'aabbcc',
          protocols: [
            ['/', 'h2'],
            ['/echo', 'h2'],
            ['/stream?n=3&size=2', 'h2'],
          ],
        })
      }, 60_000)
    })
  })
}
