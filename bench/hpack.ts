/**
 * HPACK micro benchmark: decoding a browser's request blocks and encoding a server's
 * response blocks, in ns per block. Run with `node --import tsx bench/hpack.ts`. Prints
 * to stdout only (no results file): the numbers are for comparing HPACK changes on one
 * machine, not a peer comparison.
 *
 * Each case replays what one connection does: the first block fills the dynamic table
 * (cold), later ones mostly reference it (warm). "Warm" decodes 1000 consecutive request
 * blocks of one connection with one decoder, paths and cookies varying as a browser's do;
 * "cold" is a fresh decoder per first block, construction included.
 */
import { cpus } from 'node:os'
import { HpackDecoder } from '../core/http2/hpack/decoder.ts'
import { HpackEncoder } from '../core/http2/hpack/encoder.ts'

const RUN_MS = 1500
const REPS = 3

/** A Chrome-like navigation request (pseudo-headers first, as RFC 9113 §8.3 wants). */
function request(n: number): string[] {
  return [
    ':method', 'GET', ':authority', 'shop.example.com', ':scheme', 'https', ':path', `/products/trail-runner-${n}?size=43`,
    'sec-ch-ua', '"Chromium";v="131", "Not_A Brand";v="24"', 'sec-ch-ua-mobile', '?0', 'sec-ch-ua-platform', '"Linux"',
    'upgrade-insecure-requests', '1',
    'user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'sec-fetch-site', 'same-origin', 'sec-fetch-mode', 'navigate', 'sec-fetch-user', '?1', 'sec-fetch-dest', 'document',
    'referer', `https://shop.example.com/products?page=${n}`, 'accept-encoding', 'gzip, deflate, br, zstd',
    'accept-language', 'en-US,en;q=0.9', 'cookie', `sid=7f3a9c2e41d8${n % 10}; theme=dark; cart=${n}`,
  ]
}

/** A typical dynamic response head. */
function response(n: number): string[] {
  return [
    ':status', '200', 'content-type', 'text/html; charset=utf-8', 'content-length', String(10_000 + n),
    'date', 'Mon, 21 Oct 2013 20:13:21 GMT', 'server', 'portico', 'cache-control', 'private, max-age=0',
    'vary', 'accept-encoding', 'etag', `W/"${(n * 7919).toString(16)}"`, 'x-content-type-options', 'nosniff',
  ]
}

/** Runs `op` (which does `perCall` blocks) for RUN_MS, REPS times; returns the best ns per block. */
function measure(op: () => void, perCall: number): number {
  const warmUntil = performance.now() + 500
  while (performance.now() < warmUntil) op()
  let best = Infinity
  for (let rep = 0; rep < REPS; rep++) {
    let calls = 0
    const start = performance.now()
    let now = start
    while (now - start < RUN_MS) {
      for (let i = 0; i < 20; i++) op()
      calls += 20
      now = performance.now()
    }
    best = Math.min(best, ((now - start) * 1e6) / (calls * perCall))
  }
  return best
}

const CONNECTION_BLOCKS = 1000
const encoder = new HpackEncoder()
const requestBlocks = Array.from({ length: CONNECTION_BLOCKS }, (_, n) => encoder.encode(request(n)))
const firstRequest = requestBlocks[0]!
let sink = 0

const results: [string, number, string][] = []
results.push([
  'decode request, warm (one connection)',
  measure(() => {
    const decoder = new HpackDecoder()
    for (const block of requestBlocks) sink += decoder.decode(block)!.length
  }, CONNECTION_BLOCKS),
  `${Math.round(requestBlocks.slice(1).reduce((s, b) => s + b.length, 0) / (CONNECTION_BLOCKS - 1))} B/block`,
])
results.push([
  'decode request, cold (first block)',
  measure(() => {
    sink += new HpackDecoder().decode(firstRequest)!.length
  }, 1),
  `${firstRequest.length} B`,
])

const responses = Array.from({ length: CONNECTION_BLOCKS }, (_, n) => response(n))
let responseBytes = 0
results.push([
  'encode response, warm (one connection)',
  measure(() => {
    const responseEncoder = new HpackEncoder()
    responseBytes = 0
    for (const fields of responses) responseBytes += responseEncoder.encode(fields).length
  }, CONNECTION_BLOCKS),
  '',
])
results[results.length - 1]![2] = `${Math.round(responseBytes / CONNECTION_BLOCKS)} B/block`
const firstResponse = responses[0]!
let firstResponseBytes = 0
results.push([
  'encode response, cold (first block)',
  measure(() => {
    firstResponseBytes = new HpackEncoder().encode(firstResponse).length
  }, 1),
  '',
])
results[results.length - 1]![2] = `${firstResponseBytes} B`

console.log(`HPACK, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (best of ${REPS} × ${RUN_MS} ms)`)
for (const [name, ns, size] of results) console.log(`${name.padEnd(42)} ${ns.toFixed(0).padStart(7)} ns/op   ${size}`)
if (sink < 0) console.log(sink)
