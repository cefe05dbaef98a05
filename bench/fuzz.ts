/**
 * Fuzz run (issue 7): FUZZ_INPUTS (default 10^6) generated and mutated inputs through
 * `Connection` via the vector harness (tests/helpers/feed.ts). Each input runs twice, whole
 * and cut at 1–4 random offsets. Two properties must hold for every input: nothing but a
 * `RemoteProtocolError` escapes `next()` (feed() rethrows anything else), and the outcome
 * (events, then error code and status) is the same both ways; an error must also carry a
 * status the server can send. Inputs come from a seeded PRNG (sfc32), so a run is
 * reproducible: FUZZ_SEED=<printed seed> repeats it exactly. Generators, in turn:
 * - mutated vector: a vector from tests/vectors (≤ 2 KiB) with 1–4 byte-level mutations
 *   (set, insert, delete, duplicate a run), biased to framing bytes;
 * - mutated pipeline: 2–3 vectors back to back, then mutated;
 * - fragment soup: HTTP-ish tokens ('Content-Length', '\r\n', 'chunked', '0', …) joined;
 * - random bytes: up to 300 uniform bytes;
 * - split-only: an unmodified vector of any size, only cut differently.
 * Small random limits are applied to one input in eight, so that the limit paths are hit.
 * Reports inputs/s and the outcome counts by error code, and writes the `## Fuzz` section of
 * bench/RESULTS.md (FUZZ_WRITE=0 to skip). Run by hand: `npm run bench:fuzz`.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Limits } from '../core/http1/limits.ts'
import { feed, latin1, sameOutcome, splitAt, type FeedInput, type Outcome } from '../tests/helpers/feed.ts'
import { chunked } from '../tests/vectors/chunked.ts'
import { contentLength } from '../tests/vectors/content-length.ts'
import { framing } from '../tests/vectors/framing.ts'
import { headers } from '../tests/vectors/headers.ts'
import { limits } from '../tests/vectors/limits.ts'
import { persistence } from '../tests/vectors/persistence.ts'
import { pipelining } from '../tests/vectors/pipelining.ts'
import { requestLine } from '../tests/vectors/request-line.ts'
import { replaceSection } from './results-file.ts'

const INPUTS = Number(process.env['FUZZ_INPUTS'] ?? 1_000_000)
const SEED = process.env['FUZZ_SEED'] !== undefined && process.env['FUZZ_SEED'] !== ''
  ? Number(process.env['FUZZ_SEED']) >>> 0
  : (Date.now() ^ (process.pid << 16)) >>> 0
const STATUSES = new Set([400, 413, 414, 431, 501, 505])

/** sfc32: a small, fast, seedable PRNG (PractRand-clean); seeded from one 32-bit number. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

const random = sfc32(SEED)
/** An integer in [0, n). */
const below = (n: number): number => random() % n
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!

interface Source extends FeedInput {
  name: string
  input: Uint8Array
}

const vectors: Source[] = [requestLine, headers, contentLength, chunked, framing, persistence, pipelining, limits]
  .flat()
  .map((v) => ({ ...v, input: latin1(v.input) }))
const small = vectors.filter((v) => v.input.length <= 2048)

/** Bytes that matter to HTTP/1.1 framing, favoured by the mutations. */
const INTERESTING = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x22, 0x00, 0x0b, 0x7f, 0xff, 0x30, 0x35, 0x61, 0x2c, 0x3d]
const FRAGMENTS = [
  'GET', 'POST', 'PUT', 'HEAD', 'CONNECT', 'OPTIONS', ' ', '  ', '/', '*', '/a?b=c', 'a:1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0',
  '\r\n', '\r', '\n', '\t', 'Host', 'Host: x', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Expect',
  'Trailer', ':', ': ', 'chunked', 'gzip', 'close', 'keep-alive', 'upgrade', '100-continue', '0', '5', 'f', 'ffffffffffffffff',
  ',', ';', '=', '"', 'hello', '\x00', '\x0b', '\xff', '\r\n\r\n', '0\r\n\r\n',
].map(latin1)

const randomByte = (): number => (below(2) === 0 ? pick(INTERESTING) : below(256))

function mutate(input: Uint8Array): Uint8Array {
  let out = Array.from(input)
  for (let n = 1 + below(4); n > 0; n--) {
    const at = below(out.length + 1)
    const length = 1 + below(16)
    switch (below(4)) {
      case 0:
        if (at < out.length) out[at] = randomByte()
        break
      case 1:
        out.splice(at, 0, randomByte())
        break
      case 2:
        out.splice(at, length)
        break
      default:
        out = [...out.slice(0, at), ...out.slice(at, at + length), ...out.slice(at)]
    }
  }
  return Uint8Array.from(out)
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Limits small enough to be hit by fuzz-sized inputs. */
function smallLimits(): Partial<Limits> {
  return {
    maxHeaderBytes: 16 + below(300),
    maxHeaderCount: 1 + below(8),
    maxRequestLineBytes: 8 + below(200),
    maxChunkExtensionBytes: below(64),
    maxTrailerBytes: below(128),
    maxBodyBytes: below(64),
  }
}

type Kind = 'mutated vector' | 'mutated pipeline' | 'fragment soup' | 'random bytes' | 'split-only'
const KINDS: Kind[] = ['mutated vector', 'mutated pipeline', 'fragment soup', 'random bytes', 'split-only']

function generate(kind: Kind): { input: FeedInput & { input: Uint8Array }; origin: string } {
  const eof = below(2) === 0
  const limited = below(8) === 0 ? smallLimits() : undefined
  switch (kind) {
    case 'mutated vector': {
      const v = pick(small)
      return { input: { input: mutate(v.input), eof, limits: limited ?? v.limits, anyEventsBeforeError: v.anyEventsBeforeError }, origin: v.name }
    }
    case 'mutated pipeline': {
      const parts = Array.from({ length: 2 + below(2) }, () => pick(small))
      return {
        input: { input: mutate(concat(parts.map((p) => p.input))), eof, limits: limited, anyEventsBeforeError: parts.some((p) => p.anyEventsBeforeError) },
        origin: parts.map((p) => p.name).join(' + '),
      }
    }
    case 'fragment soup':
      return { input: { input: concat(Array.from({ length: below(60) }, () => pick(FRAGMENTS))), eof, limits: limited }, origin: 'soup' }
    case 'random bytes':
      return { input: { input: Uint8Array.from({ length: below(301) }, () => below(256)), eof, limits: limited }, origin: 'random' }
    case 'split-only': {
      const v = pick(vectors)
      return { input: v, origin: v.name }
    }
  }
}

const counts = new Map<string, number>()
const byKind = new Map<Kind, number>()
const failures: string[] = []
let failureCount = 0
let bytesFed = 0

function fail(kind: Kind, index: number, origin: string, what: string, input: Uint8Array, offsets: number[]): void {
  failureCount++
  if (failures.length >= 20) return
  const hex = Buffer.from(input.subarray(0, 400)).toString('hex')
  failures.push(`#${index} ${kind} (${origin}): ${what}\n  offsets ${JSON.stringify(offsets)}; input (${input.length} bytes) ${hex}`)
}

const started = performance.now()
let lastReport = started
console.log(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} to repeat), ${INPUTS.toLocaleString('en-US')} inputs, ${vectors.length} vectors`)
for (let i = 0; i < INPUTS; i++) {
  const kind = KINDS[i % KINDS.length]!
  const { input, origin } = generate(kind)
  const offsets = Array.from({ length: 1 + below(4) }, () => below(input.input.length + 1))
  let whole: Outcome
  let split: Outcome
  try {
    whole = feed(input, [input.input])
    split = feed(input, splitAt(input.input, offsets))
  } catch (error) {
    counts.set('ESCAPED', (counts.get('ESCAPED') ?? 0) + 1)
    fail(kind, i, origin, `escaped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, input.input, offsets)
    continue
  }
  bytesFed += 2 * input.input.length
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
  const key = whole.error ? whole.error.code : 'no error'
  counts.set(key, (counts.get(key) ?? 0) + 1)
  if (whole.error && !STATUSES.has(whole.error.status)) fail(kind, i, origin, `status ${whole.error.status} for ${whole.error.code}`, input.input, offsets)
  const loose = whole.error?.code === 'body-too-large' || input.anyEventsBeforeError === true
  if (!sameOutcome(whole, split, loose)) {
    fail(kind, i, origin, `whole ${JSON.stringify(whole).slice(0, 300)} ≠ split ${JSON.stringify(split).slice(0, 300)}`, input.input, offsets)
  }
  const now = performance.now()
  if (now - lastReport > 5000) {
    lastReport = now
    console.log(`  ${(i + 1).toLocaleString('en-US')} inputs, ${Math.round(((i + 1) * 1000) / (now - started)).toLocaleString('en-US')}/s, ${failureCount} failures`)
  }
}
const seconds = (performance.now() - started) / 1000
const rate = INPUTS / seconds

for (const failure of failures) console.error(failure)
const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1])
const table = [
  '| outcome of the whole input | inputs | share |',
  '| --- | ---: | ---: |',
  ...sorted.map(([code, n]) => `| ${code === 'no error' ? 'no error' : `\`${code}\``} | ${n.toLocaleString('en-US')} | ${((100 * n) / INPUTS).toFixed(2)} % |`),
]
const cpu = cpus()
const body = [
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}; ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} CPUs, shared with other work).`,
  `\`npm run bench:fuzz\`: ${INPUTS.toLocaleString('en-US')} inputs from seed **${SEED}** (\`FUZZ_SEED=${SEED} npm run bench:fuzz\` repeats the run), an equal`,
  `share each of ${KINDS.join(', ')} (see bench/fuzz.ts); one in eight with small random limits. Each input is fed`,
  'to a fresh `Connection` whole and again cut at 1–4 random offsets (tests/helpers/feed.ts).',
  '',
  `- **${Math.round(rate).toLocaleString('en-US')} inputs/s** (${seconds.toFixed(1)} s; ${(bytesFed / 1024 / 1024 / seconds).toFixed(1)} MB/s fed, both runs counted).`,
  `- Escaped exceptions other than \`RemoteProtocolError\`: **${counts.get('ESCAPED') ?? 0}**.`,
  `- Whole ≠ split, or an error without a sendable status: **${failureCount - (counts.get('ESCAPED') ?? 0)}**.`,
  '',
  ...table,
  '',
]
if (failures.length > 0) body.push('First failures:', '', '```', ...failures, '```', '')
console.log(`\n## Fuzz\n\n${body.join('\n')}`)


if (process.env['FUZZ_WRITE'] !== '0') {
  const path = new URL('./RESULTS.md', import.meta.url)
  writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), '## Fuzz', body.join('\n')))
  console.log('wrote the ## Fuzz section of bench/RESULTS.md')
}
if (failureCount > 0) process.exitCode = 1
