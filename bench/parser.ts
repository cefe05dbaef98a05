/**
 * Request-parser throughput: Portico's engine vs Node's llhttp binding vs http-parser-js.
 * Run with `npm run bench:parser`. Prints a markdown table and replaces the "## Parser"
 * section of bench/RESULTS.md. Every parser does the same job per message: method, target,
 * header list and body bytes handed to the caller.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { createRequire } from 'node:module'
import { Connection } from '../core/http1/connection.ts'
import { NEED_DATA, PAUSED, type ResponseEvent } from '../core/http1/events.ts'

const require = createRequire(import.meta.url)
// process.binding('http_parser') is deprecated (DEP0111) but is the only handle on llhttp.
process.noDeprecation = true
const { HTTPParser: NativeParser, methods: nativeMethods } = (process as any).binding('http_parser')
const { HTTPParser: JsParser } = require('http-parser-js')

const WARMUP_MS = 1000
const RUN_MS = 2000
const REPS = 3

// ---- Inputs ----------------------------------------------------------------------------

const GET = Buffer.from(
  [
    'GET /products/trail-runner?size=43 HTTP/1.1',
    'Host: shop.example.com',
    'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Language: en-US,en;q=0.9',
    'Accept-Encoding: gzip, deflate, br, zstd',
    'Cookie: sid=7f3a9c2e41d8; theme=dark',
    'Sec-Fetch-Dest: document',
    'Sec-Fetch-Mode: navigate',
    'Connection: keep-alive',
    '',
    '',
  ].join('\r\n'),
  'latin1',
)

// 4 KiB of body in uneven chunks, as a streaming client would send it.
const BODY_SIZES = [1500, 1500, 1096]
const POST = Buffer.concat([
  Buffer.from(
    'POST /api/upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/octet-stream\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n',
    'latin1',
  ),
  ...BODY_SIZES.flatMap((n) => [Buffer.from(n.toString(16) + '\r\n'), Buffer.alloc(n, 0x61), Buffer.from('\r\n')]),
  Buffer.from('0\r\n\r\n'),
])
const CASES = [
  { name: `GET ${GET.length} B`, bytes: GET, method: 'GET', bodyBytes: 0 },
  { name: `chunked POST ${POST.length} B`, bytes: POST, method: 'POST', bodyBytes: 4096 },
]

// ---- Parsers: each returns a function parsing one message into `out` --------------------

interface Parsed { method: string; url: string; headers: string[]; body: Uint8Array[]; done: boolean }
type Parse = (bytes: Buffer) => Parsed
const fresh = (): Parsed => ({ method: '', url: '', headers: [], body: [], done: false })
let out = fresh() // the message being parsed; written by the llhttp/http-parser-js callbacks

/** Both callback-style parsers report failure by returning an Error from execute(). */
const executor = (p: { execute(b: Buffer): number | Error }): Parse => (bytes) => {
  out = fresh()
  const r = p.execute(bytes)
  if (typeof r !== 'number') throw r
  return out
}

function llhttp(): Parse {
  const p = new NativeParser()
  p.initialize(NativeParser.REQUEST, {})
  // Only called when a head has more than 32 fields; kept so the job stays complete.
  p[NativeParser.kOnHeaders] = (h: string[], url: string) => {
    out.headers.push(...h)
    out.url += url
  }
  p[NativeParser.kOnHeadersComplete] = (
    _maj: number, _min: number, headers: string[] | undefined, method: number, url: string,
  ) => {
    out.method = nativeMethods[method]
    if (headers) out.headers = headers
    if (url) out.url = url
  }
  p[NativeParser.kOnBody] = (b: Buffer) => void out.body.push(b)
  p[NativeParser.kOnMessageComplete] = () => void (out.done = true)
  return executor(p)
}

function httpParserJs(): Parse {
  // Default (0.12-style) callbacks: the head arrives as one info object.
  const p = new JsParser(JsParser.REQUEST)
  p[JsParser.kOnHeadersComplete] = (info: { method: number; url: string; headers: string[] }) => {
    out.method = JsParser.methods[info.method]
    out.url = info.url
    out.headers = info.headers
  }
  p[JsParser.kOnBody] = (b: Buffer, start: number, len: number) =>
    void out.body.push(b.subarray(start, start + len))
  p[JsParser.kOnMessageComplete] = () => void (out.done = true)
  return executor(p)
}

/** Portico: one Connection cycled through keep-alive exchanges. */
function portico(): { parse: Parse; respond: () => number } {
  const conn = new Connection()
  const head: ResponseEvent = { type: 'response', status: 200, headers: [], contentLength: 0 }
  const end: ResponseEvent = { type: 'end' }
  // The connection will not parse the next request until this one is answered.
  const respond = () => conn.send(head).length + conn.send(end).length
  const parse: Parse = (bytes) => {
    out = fresh()
    conn.receive(bytes)
    for (;;) {
      const ev = conn.next()
      if (ev === NEED_DATA || ev === PAUSED) throw new Error(`unexpected ${String(ev)}`)
      if (ev.type === 'request') {
        out.method = ev.method
        out.url = ev.target
        out.headers = ev.headers
      } else if (ev.type === 'data') out.body.push(ev.bytes)
      else if (ev.type === 'end') break
      else throw new Error(`unexpected ${ev.type}`)
    }
    out.done = true
    return out
  }
  return { parse, respond }
}

// ---- Timing ----------------------------------------------------------------------------

let sink = 0 // consumed results, so the JIT cannot drop the work

/** Calls `fn` in batches until `ms` has elapsed; returns calls per second. */
function rate(fn: () => void, ms: number): number {
  const limit = BigInt(ms) * 1_000_000n
  const t0 = process.hrtime.bigint()
  let n = 0
  let dt = 0n
  do {
    for (let i = 0; i < 256; i++) fn()
    n += 256
    dt = process.hrtime.bigint() - t0
  } while (dt < limit)
  return (n * 1e9) / Number(dt)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

/** Warms every loop, then times them round-robin so a noisy neighbour hits all alike. */
function measure(loops: (() => void)[]): number[] {
  for (const fn of loops) rate(fn, WARMUP_MS)
  const runs = loops.map((): number[] => [])
  for (let r = 0; r < REPS; r++) loops.forEach((fn, i) => runs[i]!.push(rate(fn, RUN_MS)))
  return runs.map(median)
}

function check(label: string, c: (typeof CASES)[number], m: Parsed): void {
  const body = m.body.reduce((s, b) => s + b.length, 0)
  if (!m.done || m.method !== c.method || !m.url.startsWith('/') || m.headers.length < 6 || body !== c.bodyBytes) {
    throw new Error(`${label} mis-parsed ${c.name}: ${JSON.stringify({ ...m, body })}`)
  }
}

// ---- Run -------------------------------------------------------------------------------

const rows: { parser: string; case: string; rate: number; bytes: number }[] = []
const notes: string[] = []
const parsers: [string, () => Parse][] = [
  ['llhttp (node binding)', llhttp],
  ['http-parser-js', httpParserJs],
]
const pc = portico()

// What two back-to-back hrtime reads measure on their own, subtracted from timed sends.
let timerNs = 0n
for (let i = 0; i < 1e6; i++) timerNs -= process.hrtime.bigint() - process.hrtime.bigint()
const timerOverhead = Number(timerNs) / 1e6

for (const c of CASES) {
  console.error(`measuring ${c.name}…`)
  const labels: string[] = []
  const loops: (() => void)[] = []
  for (const [label, make] of parsers) {
    const parse = make()
    check(label, c, parse(c.bytes))
    check(label, c, parse(c.bytes)) // second message on the same parser: keep-alive works
    labels.push(label)
    loops.push(() => {
      const m = parse(c.bytes)
      sink += m.headers.length + m.body.length
    })
  }
  for (let i = 0; i < 2; i++) { check('Portico', c, pc.parse(c.bytes)); pc.respond() }
  labels.push('Portico (incl. send)')
  loops.push(() => {
    const m = pc.parse(c.bytes)
    sink += pc.respond() + m.headers.length + m.body.length
  })
  // The same loop with the send timed: measured on a connection in the state a real
  // exchange leaves it in. Its own rate is not reported.
  let sendNs = 0n
  let sends = 0
  loops.push(() => {
    const m = pc.parse(c.bytes)
    const t = process.hrtime.bigint()
    const n = pc.respond()
    sendNs += process.hrtime.bigint() - t
    sends++
    sink += n + m.headers.length + m.body.length
  })
  const rates = measure(loops)
  labels.forEach((parser, i) => rows.push({ parser, case: c.name, rate: rates[i]!, bytes: c.bytes.length }))
  const send = Math.max(0, Number(sendNs) / sends - timerOverhead) / 1e9
  const parseOnly = 1 / (1 / rates[labels.length - 1]! - send)
  rows.push({ parser: 'Portico (parse only)', case: c.name, rate: parseOnly, bytes: c.bytes.length })
  notes.push(`${c.name}: send of the 200 response + end ≈ ${Math.round(send * 1e9)} ns`)
}

// ---- Report ----------------------------------------------------------------------------

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const lines = ['| parser | case | parses/s | MB/s | ratio vs llhttp |', '| --- | --- | ---: | ---: | ---: |']
for (const r of rows) {
  const base = rows.find((b) => b.case === r.case && b.parser.startsWith('llhttp'))!.rate
  lines.push(`| ${r.parser} | ${r.case} | ${fmt(r.rate)} | ${((r.rate * r.bytes) / 1e6).toFixed(1)} | ${(r.rate / base).toFixed(2)}× |`)
}
const cpu = cpus()[0]?.model ?? 'unknown CPU' // from /proc/cpuinfo on Linux
const load = `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} at the end` // other work skews rates
const section = [
  '## Parser',
  '',
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} (${load}). ` +
    `\`npm run bench:parser\`: median of ${REPS} × ${RUN_MS / 1000} s (parsers interleaved) after ${WARMUP_MS / 1000} s warm-up; MB = 10⁶ bytes.`,
  '',
  ...lines,
  '',
  'What bounds each number (one message per call, from memory, one thread, no socket I/O):',
  '- llhttp: C, but each message crosses into C++ and back to JS for the head and again per body ' +
    'chunk; header strings are built in C++ and body chunks copied into new Buffers.',
  '- http-parser-js: plain JS over latin1 strings; body chunks are views of the input.',
  '- Portico: plain JS over Uint8Array; body data events are views of the input. "incl. send" also ' +
    'serializes the minimal 200 response each request needs before the connection reads the next; ' +
    '"parse only" subtracts that send cost, timed separately inside the same loop:',
  ...notes.map((n) => `  - ${n}`),
  '',
].join('\n')

console.log(lines.join('\n'))
const path = new URL('./RESULTS.md', import.meta.url)
const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n\n'
const re = /^## Parser\n[\s\S]*?(?=^## |(?![\s\S]))/m
const updated = re.test(old) ? old.replace(re, section + '\n') : old.trimEnd() + '\n\n' + section
writeFileSync(path, updated.trimEnd() + '\n')
if (sink === 0) console.error('unreachable: keeps `sink` live')
