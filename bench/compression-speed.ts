/**
 * Compression throughput of node:zlib on the running runtime, at Portico's default levels
 * (gzip 6, br 4, zstd 3) and brotli's maximum (11, for precompressing at build time): MB of
 * input per second, one core, on 1 MiB of this repository's README and TypeScript, no file twice. Prints one
 * JSON line; bench/static.ts runs it under node, deno and bun.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MiB = 1024 * 1024

function corpus(): Uint8Array {
  const parts = [readFileSync(join(ROOT, 'README.md'))]
  for (const folder of ['core', 'runtimes', 'cli', 'tests', 'bench']) {
    for (const name of readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })) {
      if (name.endsWith('.ts')) parts.push(readFileSync(join(ROOT, folder, name)))
    }
  }
  // No file twice: a repeat would reward brotli's and zstd's large windows over gzip's 32 KiB.
  const all = new Uint8Array(MiB)
  let at = 0
  for (const part of parts) {
    if (at === MiB) break
    const piece = part.subarray(0, MiB - at)
    all.set(piece, at)
    at += piece.length
  }
  if (at < MiB) throw new Error(`only ${at} bytes of source for the corpus`)
  return all
}

type Codec = (input: Uint8Array) => Uint8Array
const C = zlib.constants as typeof zlib.constants & { ZSTD_c_compressionLevel?: number }
const zstdSync = (zlib as unknown as { zstdCompressSync?: (input: Uint8Array, options: object) => Uint8Array }).zstdCompressSync
const codecs: Record<string, Codec | null> = {
  'gzip-6': (input) => zlib.gzipSync(input, { level: 6 }),
  'br-4': (input) => zlib.brotliCompressSync(input, { params: { [C.BROTLI_PARAM_QUALITY]: 4 } }),
  'br-11': (input) => zlib.brotliCompressSync(input, { params: { [C.BROTLI_PARAM_QUALITY]: 11 } }),
  'zstd-3': zstdSync === undefined ? null : (input) => zstdSync(input, { params: { [C.ZSTD_c_compressionLevel!]: 3 } }),
}

const input = corpus()
const results: Record<string, { mbPerSecond: number; ratio: number } | null> = {}
for (const [name, codec] of Object.entries(codecs)) {
  if (codec === null) {
    results[name] = null
    continue
  }
  let size = codec(input).length // warm-up
  const start = performance.now()
  let rounds = 0
  while (performance.now() - start < 1000 || rounds < 2) {
    size = codec(input).length
    rounds++
  }
  const seconds = (performance.now() - start) / 1000
  results[name] = { mbPerSecond: (rounds * input.length) / MiB / seconds, ratio: input.length / size }
}
console.log(JSON.stringify(results))
