/**
 * HTTP/2 load and memory proof (issue 14), on each runtime, against the integration fixture
 * over h2c:
 * - 100 concurrent streams on one connection × 1,000 requests each (Node's http2 client):
 *   GET /, POST /echo with a body unique to the request, GET /download of a request-specific
 *   size. Every answer must be right and the session must stay open. Then the same count from
 *   h2load (`-n 100000 -c 1 -m 100`): all succeeded.
 * - A 1 GB upload and a 1 GB download, each over one stream, while the server's RSS (VmRSS from
 *   /proc/<pid>/status) grows by less than 64 MB, as for HTTP/1.1 in
 *   tests/integration/streaming.test.ts.
 * - A slow reader that opens every window wide (2^31-1, so flow control does not stop the
 *   server) and then stops reading its socket: TCP backpressure alone must stop the server,
 *   whose RSS stays flat; when the reader resumes, all 1 GB arrives.
 * Each part is bounded in time; fixtures are stopped by PID.
 * @module
 */
import type { ClientHttp2Session } from 'node:http2'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, RUNTIMES, which } from '../clients/runtimes.ts'
import { closeH2, connectH2, h2Request } from '../helpers/h2-node-client.ts'
import { concat, headers, PREFACE, settings, settingsAck, T, windowUpdate } from '../helpers/h2-frames.ts'
import { hasProcStatus, procMb, rss, rssGrowth } from '../helpers/process-memory.ts'
import { FIXTURE, type Fixture, fixtureLauncher } from '../integration/suite.ts'

const MB = 1024 * 1024
const GB = 1024 * MB
const STREAMS = 100
const REQUESTS_PER_STREAM = 1000
const MAX_GROWTH = 64 * MB
/** How long the slow reader reads nothing, while the server has 1 GB to send. */
const STALL_MS = 3000
/** RFC 9113 §6.9.1: the largest window. */
const MAX_WINDOW = 2 ** 31 - 1
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4

const H2LOAD = which('h2load')

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Request `r` of worker `w`: its headers, body, and the body its answer must have. */
function requestFor(w: number, r: number): { headers: Record<string, string>; body?: string; expected: string } {
  switch ((w + r) % 3) {
    case 0:
      return { headers: { ':path': '/' }, expected: 'hello' }
    case 1: {
      const body = `worker ${w} request ${r}`
      return { headers: { ':method': 'POST', ':path': '/echo' }, body, expected: body }
    }
    default: {
      const size = 1 + ((w * 7 + r) % 300)
      return { headers: { ':path': `/download?bytes=${size}` }, expected: '\0'.repeat(size) }
    }
  }
}

/**
 * A raw h2c client for one GET whose DATA it counts, reading nothing for `stallMs` after the
 * first DATA frame. It ACKs the server's SETTINGS, announces the largest windows, and never
 * sends WINDOW_UPDATE after: 1 GB fits in them. Resolves with the DATA bytes of stream 1 once
 * END_STREAM arrives; `onStall` runs while the socket is paused.
 */
function slowDownload(port: number, path: string, stallMs: number, onStall: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const timer = setTimeout(() => socket.destroy(new Error(`no END_STREAM within 120 s (${received} DATA bytes)`)), 120_000)
    let pending: Buffer = Buffer.alloc(0)
    let received = 0
    let stalled = false
    const finish = (error?: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(received)
    }
    socket.on('error', finish)
    socket.on('close', () => finish(new Error(`closed after ${received} DATA bytes`)))
    socket.on('connect', () => {
      socket.write(
        concat(
          PREFACE,
          settings([SETTINGS_INITIAL_WINDOW_SIZE, MAX_WINDOW]),
          windowUpdate(0, MAX_WINDOW - 65_535),
          headers(1, [':method', 'GET', ':scheme', 'http', ':path', path, ':authority', 'load'], { endStream: true }),
        ),
      )
    })
    // Frames are parsed only for their 9-byte headers; DATA payloads are counted, not kept.
    let skip = 0
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      for (;;) {
        if (skip > 0) {
          const n = Math.min(skip, pending.length)
          skip -= n
          pending = pending.subarray(n)
          if (skip > 0) return
        }
        if (pending.length < 9) return
        const length = pending.readUIntBE(0, 3)
        const type = pending[3]!
        const flags = pending[4]!
        const stream = pending.readUInt32BE(5) & 0x7fffffff
        if (type !== T.DATA && pending.length < 9 + length) return
        if (type === T.SETTINGS && (flags & 0x1) === 0) socket.write(settingsAck())
        if (type === T.GOAWAY || type === T.RST_STREAM) return finish(new Error(`server sent frame type ${type} after ${received} DATA bytes`))
        pending = pending.subarray(9)
        skip = length
        if (type === T.DATA && stream === 1) {
          received += length
          if ((flags & 0x1) !== 0) return finish()
          if (!stalled) {
            stalled = true
            socket.pause()
            void sleep(stallMs).then(() => {
              onStall()
              socket.resume()
            })
          }
        }
      }
    })
  })
}

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `HTTP/2 load on ${runtime.name}` : `HTTP/2 load on ${runtime.name} (skipped: ${runtime.skip})`
  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(runtime.command, runtime.args(FIXTURE))
    let fixture: Fixture
    let session: ClientHttp2Session

    beforeAll(async () => {
      fixture = await launcher.start({ HEADERS_TIMEOUT: '30000', KEEP_ALIVE_TIMEOUT: '30000' })
      session = await connectH2(fixture.url)
    }, 40_000)

    afterAll(async () => {
      await closeH2(session)
      launcher.killAll()
    })

    it(`${STREAMS} concurrent streams on one connection × ${REQUESTS_PER_STREAM} requests, nothing lost`, async () => {
      const started = Date.now()
      const failures: string[] = []
      let answered = 0
      await Promise.all(
        Array.from({ length: STREAMS }, async (_, w) => {
          try {
            for (let r = 0; r < REQUESTS_PER_STREAM; r++) {
              const { headers, body, expected } = requestFor(w, r)
              const response = await h2Request(session, headers, { body })
              if (response.status !== 200 || response.body.toString('latin1') !== expected) {
                throw new Error(`request ${r}: ${response.status} ${JSON.stringify(response.body.toString('latin1').slice(0, 60))}`)
              }
              answered++
            }
          } catch (error) {
            failures.push(`worker ${w}: ${(error as Error).message.slice(0, 300)}`)
          }
        }),
      )
      const ms = Date.now() - started
      console.log(
        `[h2 load] ${runtime.name}: ${answered} of ${STREAMS * REQUESTS_PER_STREAM} answered in ${ms} ms ` +
          `(${Math.round((answered * 1000) / Math.max(1, ms))} req/s)` +
          (hasProcStatus ? `, server peak RSS (VmHWM) ${procMb(fixture.pid, 'VmHWM').toFixed(1)} MB` : ''),
      )
      expect(failures.slice(0, 5), `${failures.length} of ${STREAMS} workers failed`).toEqual([])
      expect(answered).toBe(STREAMS * REQUESTS_PER_STREAM)
      expect(session.closed || session.destroyed).toBe(false)
    }, 180_000)

    it.skipIf(H2LOAD === null)(`h2load: ${STREAMS * REQUESTS_PER_STREAM} requests on one connection, ${STREAMS} streams at a time, all succeeded`, async () => {
      const total = STREAMS * REQUESTS_PER_STREAM
      const out = await run(H2LOAD!, ['-n', String(total), '-c', '1', '-m', String(STREAMS), '-T', '60', new URL('/', fixture.url).href], 120_000)
      console.log(`[h2 load] ${runtime.name}: h2load ${/finished in .*/.exec(out)?.[0] ?? out}`)
      expect(out, out).toMatch(new RegExp(`requests: ${total} total, ${total} started, ${total} done, ${total} succeeded, 0 failed, 0 errored, 0 timeout`))
      expect(out, out).toMatch(new RegExp(`status codes: ${total} 2xx, 0 3xx, 0 4xx, 0 5xx`))
    }, 150_000)

    describe.skipIf(!hasProcStatus)('memory', () => {
      beforeAll(async () => {
        // Warm up the JIT and the buffers, so the baseline is not the cold start.
        await h2Request(session, { ':method': 'POST', ':path': '/upload' }, { body: 16 * MB })
        await h2Request(session, { ':path': `/download?bytes=${16 * MB}` }, { discardBody: true })
      }, 60_000)

      it('uploads 1 GB over one stream with RSS growth under 64 MB', async () => {
        let answer = ''
        const growth = await rssGrowth(fixture.pid, async () => {
          const response = await h2Request(session, { ':method': 'POST', ':path': '/upload' }, { body: GB, timeoutMs: 150_000 })
          answer = `${response.status} ${response.body.toString()}`
        })
        console.log(`[h2 load] ${runtime.name}: 1 GB upload, server RSS grew ${(growth / MB).toFixed(1)} MB`)
        expect(answer).toBe(`200 ${GB}`)
        expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MAX_GROWTH)
      }, 180_000)

      it('downloads 1 GB over one stream with RSS growth under 64 MB', async () => {
        let seen: [number, number] = [0, 0]
        const growth = await rssGrowth(fixture.pid, async () => {
          const response = await h2Request(session, { ':path': `/download?bytes=${GB}` }, { discardBody: true, timeoutMs: 150_000 })
          seen = [response.status, response.bytes]
        })
        console.log(`[h2 load] ${runtime.name}: 1 GB download, server RSS grew ${(growth / MB).toFixed(1)} MB`)
        expect(seen).toEqual([200, GB])
        expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MAX_GROWTH)
      }, 180_000)

      it('stops sending to a reader that stops reading (windows wide open): RSS flat, then all 1 GB arrives', async () => {
        const base = rss(fixture.pid)
        let stalledGrowth = NaN
        let received = 0
        const growth = await rssGrowth(fixture.pid, async () => {
          received = await slowDownload(fixture.port, `/download?bytes=${GB}`, STALL_MS, () => (stalledGrowth = rss(fixture.pid) - base))
        })
        console.log(
          `[h2 load] ${runtime.name}: slow reader, server RSS grew ${(stalledGrowth / MB).toFixed(1)} MB while stalled, ` +
            `${(growth / MB).toFixed(1)} MB at peak`,
        )
        expect(received).toBe(GB)
        expect(stalledGrowth, `RSS grew ${(stalledGrowth / MB).toFixed(1)} MB while the reader read nothing`).toBeLessThan(MAX_GROWTH)
        expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MAX_GROWTH)
        // The server still answers on the long-lived session.
        expect((await h2Request(session, { ':path': '/' })).body.toString()).toBe('hello')
      }, 180_000)
    })
  })
}
