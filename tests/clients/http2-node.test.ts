/**
 * Node's own HTTP/2 client (`http2.connect`, h2c with prior knowledge) against the integration
 * fixture (tests/integration/fixture.ts) on each runtime: 100 concurrent streams on one
 * session, a 5 MB upload and download, a cancelled stream whose request.signal fires in the
 * app, apps that throw or fail mid-body while other streams on the session complete, and a
 * graceful stop (SIGTERM) that sends GOAWAY and lets the stream in flight finish.
 * @module
 */
import http2, { type ClientHttp2Session } from 'node:http2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeH2, connectH2, h2Request, type H2Response } from '../helpers/h2-node-client.ts'
import { FIXTURE, type Fixture, fixtureLauncher } from '../integration/suite.ts'
import { RUNTIMES } from './runtimes.ts'

const MB = 1024 * 1024
const STREAMS = 100

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Stream `i` of the concurrent batch: what it asks and the body it must get back. */
function streamFor(i: number): { headers: http2.OutgoingHttpHeaders; body?: string; expected: string } {
  switch (i % 3) {
    case 0:
      return { headers: { ':path': `/?i=${i}` }, expected: 'hello' }
    case 1: {
      const body = `stream ${i} `.repeat(1 + (i % 50))
      return { headers: { ':method': 'POST', ':path': '/echo' }, body, expected: body }
    }
    default: {
      const size = 1 + ((i * 977) % 100_000)
      return { headers: { ':path': `/download?bytes=${size}` }, expected: '\0'.repeat(size) }
    }
  }
}

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `node:http2 client against Portico on ${runtime.name}` : `node:http2 client on ${runtime.name} (skipped: ${runtime.skip})`
  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let session: ClientHttp2Session

    beforeAll(async () => {
      fixture = await launcher.start()
      session = await connectH2(fixture.url)
    }, 40_000)

    afterAll(async () => {
      await closeH2(session)
      launcher.killAll()
    })

    it(`runs ${STREAMS} concurrent streams on one session, every answer right`, async () => {
      const cases = Array.from({ length: STREAMS }, (_, i) => streamFor(i))
      const responses = await Promise.all(cases.map(({ headers, body }) => h2Request(session, headers, { body })))
      const wrong = responses.flatMap((response, i) =>
        response.status === 200 && response.body.toString('latin1') === cases[i]!.expected ? [] : [`stream ${i}: ${response.status} ${response.body.length} bytes`],
      )
      expect(wrong).toEqual([])
      // All on this one session: it never closed or reconnected.
      expect(session.closed || session.destroyed).toBe(false)
    })

    it('uploads 5 MB and gets it echoed byte for byte', async () => {
      const bytes = Buffer.from(Array.from({ length: 5 * MB }, (_, i) => (i * 131 + (i >> 12)) % 256))
      const response = await h2Request(session, { ':method': 'POST', ':path': '/echo', 'content-type': 'application/octet-stream' }, { body: bytes })
      expect(response.status).toBe(200)
      expect(response.bytes).toBe(bytes.length)
      expect(response.body.equals(bytes)).toBe(true)
    })

    it('downloads 5 MB with content-length', async () => {
      const response = await h2Request(session, { ':path': `/download?bytes=${5 * MB}` })
      expect(response.status).toBe(200)
      expect(response.headers['content-length']).toBe(String(5 * MB))
      expect(response.bytes).toBe(5 * MB)
      expect(response.body.every((byte) => byte === 0)).toBe(true)
    })

    it("aborts the app's request.signal when the client cancels the stream", async () => {
      const id = `${runtime.name}-${Date.now()}`
      const stream = session.request({ ':path': `/abort?id=${id}` })
      stream.on('error', () => {})
      // /abort waits for its signal; give the app time to start before cancelling.
      await sleep(300)
      stream.close(http2.constants.NGHTTP2_CANCEL)
      let seen = ''
      for (const deadline = Date.now() + 5000; Date.now() < deadline && seen !== 'true'; await sleep(50)) {
        seen = (await h2Request(session, { ':path': `/aborted?id=${id}` })).body.toString()
      }
      expect(seen, 'the app saw request.signal abort').toBe('true')
    })

    it('answers 500 to an app that throws while the other streams complete', async () => {
      const paths = ['/throw', '/reject', '/not-response', '/stream?n=3&size=4', '/slow?ms=200', '/']
      const responses = await Promise.all(paths.map((path) => h2Request(session, { ':path': path })))
      const seen = responses.map((response: H2Response) => [response.status, response.status === 500 ? '' : response.body.toString()])
      expect(seen).toEqual([
        [500, ''],
        [500, ''],
        [500, ''],
        [200, 'aaaabbbbcccc'],
        [200, 'slow done'],
        [200, 'hello'],
      ])
    })

    it('resets only the stream whose body fails after its head, and keeps the session', async () => {
      const [failed, ok] = await Promise.allSettled([h2Request(session, { ':path': '/stream-error' }), h2Request(session, { ':path': '/slow?ms=200' })])
      expect(failed.status).toBe('rejected')
      // RST_STREAM with INTERNAL_ERROR (RFC 9113 §8.1: a response cut short is reset, not ended).
      expect(String((failed as PromiseRejectedResult).reason)).toMatch(/NGHTTP2_INTERNAL_ERROR/)
      expect(ok.status === 'fulfilled' && ok.value.body.toString()).toBe('slow done')
      expect((await h2Request(session, { ':path': '/' })).body.toString()).toBe('hello')
    })

    it('on SIGTERM sends GOAWAY, finishes the stream in flight, then exits', async () => {
      // A fixture of its own: this one is stopped.
      const stopping = await launcher.start()
      const client = await connectH2(stopping.url)
      try {
        const goaways: Array<[number, number]> = []
        client.on('goaway', (code: number, lastStreamId: number) => goaways.push([code, lastStreamId]))
        const inFlight = h2Request(client, { ':path': '/slow?ms=800' })
        await sleep(200)
        stopping.kill('SIGTERM')
        const response = await inFlight
        expect([response.status, response.body.toString()]).toEqual([200, 'slow done'])
        expect(await stopping.exited).toBe(0)
        // RFC 9113 §6.8: two-phase shutdown, first "no new streams soon" with the largest id,
        // then the real last stream id (1, the one that finished).
        expect(goaways).toEqual([
          [http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1],
          [http2.constants.NGHTTP2_NO_ERROR, 1],
        ])
      } finally {
        client.destroy()
        stopping.kill()
      }
    }, 20_000)
  })
}
