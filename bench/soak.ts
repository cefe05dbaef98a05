/**
 * Soak: a long run of mixed load against the test fixture (tests/integration/fixture.ts) on
 * one runtime, looking for a memory leak. SOAK_CONCURRENCY client loops (default 16) each
 * repeat, in turn: a keep-alive GET, a keep-alive POST with a Content-Length body, a chunked
 * upload, three pipelined requests on a fresh socket, a download aborted after its first
 * bytes, and an upload aborted halfway through its body. The server's RSS (VmRSS from
 * /proc/<pid>/status) is sampled every SOAK_SAMPLE_SECONDS (default 10); the report gives
 * the least-squares slope of RSS over time after the warm-up (the first fifth of the run)
 * and a verdict. Writes the `## Soak` section of bench/RESULTS.md and leaves the others.
 *
 * Run by hand: `npm run bench:soak`. Environment: SOAK_SECONDS (default 600),
 * SOAK_RUNTIME (node | deno | bun, default node), SOAK_CONCURRENCY, SOAK_SAMPLE_SECONDS,
 * SOAK_MAX_SLOPE_MB_PER_MIN (verdict threshold, default 1), SOAK_WRITE=0 to skip RESULTS.md.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResponses } from '../tests/helpers/raw-client.ts'
import { procStatus, sleep, startFixture } from './fixture-process.ts'
import { replaceSection } from './results-file.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench/RESULTS.md')

function envNumber(name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}

const SECONDS = envNumber('SOAK_SECONDS', 600)
const CONCURRENCY = envNumber('SOAK_CONCURRENCY', 16)
const SAMPLE_SECONDS = envNumber('SOAK_SAMPLE_SECONDS', 10)
const MAX_SLOPE_MB_PER_MIN = envNumber('SOAK_MAX_SLOPE_MB_PER_MIN', 1)
const RUNTIME = (process.env['SOAK_RUNTIME'] ?? 'node') as 'node' | 'deno' | 'bun'


const MB = 1024 * 1024
const mb = (bytes: number): string => (bytes / MB).toFixed(1)

/** Least-squares slope of y over x, and its standard error. */
function slope(points: Array<[number, number]>): { slope: number; error: number } {
  const n = points.length
  if (n < 3) return { slope: NaN, error: NaN }
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  const b = num / den
  const residuals = points.reduce((s, [x, y]) => s + (y - my - b * (x - mx)) ** 2, 0)
  return { slope: b, error: Math.sqrt(residuals / (n - 2) / den) }
}

type Kind = 'get' | 'post' | 'chunked' | 'pipelined' | 'abort-download' | 'abort-upload'
const KINDS: Kind[] = ['get', 'post', 'chunked', 'pipelined', 'abort-download', 'abort-upload']

interface Stats {
  ok: Record<Kind, number>
  failures: Record<Kind, number>
  firstFailures: string[]
}

const stats: Stats = {
  ok: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>,
  failures: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>,
  firstFailures: [],
}

/** One request through the keep-alive agent; resolves with status and body. */
function request(agent: http.Agent, port: number, method: string, path: string, body?: Buffer | Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body)
    const headers: http.OutgoingHttpHeaders = chunked ? { 'transfer-encoding': 'chunked' } : body ? { 'content-length': body.length } : {}
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers, timeout: 15_000 }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (chunk: Buffer) => parts.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('latin1') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    if (chunked) for (const part of body) req.write(part)
    else if (body) req.write(body)
    req.end()
  })
}

/** Opens a raw socket, runs `use`, and always destroys it. */
function rawSocket<T>(port: number, use: (socket: net.Socket, done: (value: T) => void, fail: (e: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const timer = setTimeout(() => fail(new Error('raw socket timed out')), 15_000)
    const done = (value: T): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(value)
    }
    const fail = (error: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    socket.on('error', fail)
    socket.on('connect', () => use(socket, done, fail))
  })
}

const POST_BODY = Buffer.alloc(2048, 0x70)
const CHUNKS = [Buffer.alloc(1000, 0x61), Buffer.alloc(3000, 0x62), Buffer.alloc(500, 0x63)]
const PIPELINED = Buffer.from(
  'GET / HTTP/1.1\r\nHost: soak\r\n\r\n' +
    'POST /length HTTP/1.1\r\nHost: soak\r\nContent-Length: 5\r\n\r\nhello' +
    'GET /info?soak=1 HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n',
  'latin1',
)

async function once(kind: Kind, agent: http.Agent, port: number): Promise<void> {
  const expect = (cond: boolean, what: string): void => {
    if (!cond) throw new Error(what)
  }
  switch (kind) {
    case 'get': {
      const r = await request(agent, port, 'GET', '/')
      return expect(r.status === 200 && r.body === 'hello', `GET / → ${r.status} ${r.body.slice(0, 40)}`)
    }
    case 'post': {
      const r = await request(agent, port, 'POST', '/length', POST_BODY)
      return expect(r.status === 200 && r.body === String(POST_BODY.length), `POST /length → ${r.status} ${r.body}`)
    }
    case 'chunked': {
      const r = await request(agent, port, 'POST', '/upload', CHUNKS)
      return expect(r.status === 200 && r.body === '4500', `chunked /upload → ${r.status} ${r.body}`)
    }
    case 'pipelined': {
      const responses = await rawSocket<number[]>(port, (socket, done, fail) => {
        let received = Buffer.alloc(0)
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk])
          try {
            const parsed = parseResponses(received).responses
            if (parsed.length >= 3) done(parsed.map((r) => r.status))
          } catch (error) {
            fail(error as Error)
          }
        })
        socket.on('end', () => fail(new Error(`pipelined: closed after ${received.length} bytes`)))
        socket.write(PIPELINED)
      })
      return expect(responses.join() === '200,200,200', `pipelined → ${responses.join()}`)
    }
    case 'abort-download':
      // The server is mid-body (4 MB) when the client goes away.
      await rawSocket<void>(port, (socket, done) => {
        socket.once('data', () => done())
        socket.write('GET /download?bytes=4194304 HTTP/1.1\r\nHost: soak\r\n\r\n')
      })
      return
    case 'abort-upload':
      // Half of a declared 64 KiB body, then the client goes away.
      await rawSocket<void>(port, (socket, done) => {
        socket.write('POST /upload HTTP/1.1\r\nHost: soak\r\nContent-Length: 65536\r\n\r\n')
        socket.write(Buffer.alloc(32_768, 0x75), () => setTimeout(() => done(), 5))
      })
      return
  }
}

async function clientLoop(index: number, port: number, until: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  let turn = index
  try {
    while (Date.now() < until) {
      const kind = KINDS[turn++ % KINDS.length]!
      try {
        await once(kind, agent, port)
        stats.ok[kind]++
      } catch (error) {
        stats.failures[kind]++
        if (stats.firstFailures.length < 10) stats.firstFailures.push(`${kind}: ${(error as Error).message}`)
        await sleep(50)
      }
    }
  } finally {
    agent.destroy()
  }
}


async function main(): Promise<void> {
  // Long enough that the soak's own keep-alive sockets are never timed out between requests.
  const fixture = await startFixture(RUNTIME, { KEEP_ALIVE_TIMEOUT: '30000' })
  console.log(`soak: ${RUNTIME} fixture pid ${fixture.pid} on port ${fixture.port}; ${SECONDS} s, ${CONCURRENCY} client loops`)
  const started = Date.now()
  const until = started + SECONDS * 1000
  const samples: Array<[number, number]> = []
  const sample = (): void => {
    const t = (Date.now() - started) / 1000
    const rss = procStatus(fixture.pid, 'VmRSS')
    samples.push([t, rss])
    const total = Object.values(stats.ok).reduce((a, b) => a + b, 0)
    const failed = Object.values(stats.failures).reduce((a, b) => a + b, 0)
    console.log(`t=${t.toFixed(0).padStart(4)} s  rss ${mb(rss).padStart(6)} MB  ok ${total}  failed ${failed}`)
  }
  sample()
  const sampler = setInterval(sample, SAMPLE_SECONDS * 1000)
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => clientLoop(i, fixture.port, until)))
  } finally {
    clearInterval(sampler)
  }
  sample()
  // The server still answers after the run, and its RSS once idle.
  await sleep(2000)
  const after = await request(new http.Agent({ keepAlive: false }), fixture.port, 'GET', '/').catch((e: Error) => ({ status: 0, body: e.message }))
  const idleRss = procStatus(fixture.pid, 'VmRSS')
  const peak = procStatus(fixture.pid, 'VmHWM')
  fixture.kill()

  const elapsed = (Date.now() - started) / 1000
  const warmup = SECONDS / 5
  const steady = samples.filter(([t]) => t >= warmup)
  const fit = slope(steady)
  const slopeMbPerMin = (fit.slope * 60) / MB
  const errorMbPerMin = (fit.error * 60) / MB
  const total = Object.values(stats.ok).reduce((a, b) => a + b, 0)
  const failed = Object.values(stats.failures).reduce((a, b) => a + b, 0)
  const growthOk = Number.isFinite(slopeMbPerMin) && slopeMbPerMin < MAX_SLOPE_MB_PER_MIN
  const verdict =
    steady.length < 3
      ? `inconclusive: only ${steady.length} samples after the warm-up`
      : growthOk
        ? `no growth trend (slope ${slopeMbPerMin.toFixed(3)} MB/min < ${MAX_SLOPE_MB_PER_MIN} MB/min after ${warmup.toFixed(0)} s warm-up)`
        : `GROWTH: slope ${slopeMbPerMin.toFixed(3)} MB/min ≥ ${MAX_SLOPE_MB_PER_MIN} MB/min after ${warmup.toFixed(0)} s warm-up`
  const rows = KINDS.map((k) => `| ${k} | ${stats.ok[k].toLocaleString('en-US')} | ${stats.failures[k]} |`)
  const rssValues = samples.map(([, r]) => r)
  const cpu = cpus()
  const body = [
    `${new Date().toISOString().slice(0, 10)}, ${RUNTIME} (${RUNTIME === 'node' ? process.version : 'node_modules/.bin/' + RUNTIME}); ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} CPUs, shared; load average ${loadavg()[0]!.toFixed(2)} at the end).`,
    `\`npm run bench:soak\` (SOAK_SECONDS=${SECONDS}, SOAK_RUNTIME=${RUNTIME}): the test fixture under ${CONCURRENCY} client loops on 127.0.0.1 for`,
    `${elapsed.toFixed(0)} s, each cycling keep-alive GET, keep-alive POST (2 KiB), chunked upload (3 chunks), 3 pipelined requests on a new`,
    'socket, a 4 MB download dropped after its first bytes, and a 64 KiB upload dropped halfway. RSS is VmRSS sampled every',
    `${SAMPLE_SECONDS} s; the slope is a least-squares fit over the samples after the warm-up (the first fifth of the run).`,
    '',
    '| operation | completed | failed |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **total** | ${total.toLocaleString('en-US')} (${(total / elapsed).toFixed(0)}/s) | ${failed} |`,
    '',
    `RSS: start ${mb(rssValues[0]!)} MB, min ${mb(Math.min(...rssValues))} MB, max ${mb(Math.max(...rssValues))} MB, end of load ${mb(rssValues.at(-1)!)} MB, idle 2 s later ${mb(idleRss)} MB; peak (VmHWM) ${mb(peak)} MB.`,
    `Slope after warm-up: ${slopeMbPerMin.toFixed(3)} ± ${errorMbPerMin.toFixed(3)} MB/min (± one standard error) over ${steady.length} samples. After the run the server answered \`GET /\` with ${after.status}.`,
    '',
    `**Verdict: ${verdict}.**`,
    '',
    '<details><summary>RSS samples (s → MB)</summary>',
    '',
    samples.map(([t, r]) => `${t.toFixed(0)}→${mb(r)}`).join(', '),
    '',
    '</details>',
    ...(stats.firstFailures.length > 0 ? ['', 'First failures:', '', ...stats.firstFailures.map((f) => `- ${f}`)] : []),
    '',
  ].join('\n')
  console.log(`\n## Soak\n\n${body}`)
  if (process.env['SOAK_WRITE'] !== '0') {
    writeFileSync(RESULTS, replaceSection(readFileSync(RESULTS, 'utf8'), '## Soak', body))
    console.log(`wrote the ## Soak section of ${RESULTS}`)
  }
  if (!growthOk || failed > 0 || after.status !== 200) process.exitCode = 1
}

await main()
