/**
 * Response compression on node:zlib, which Node, Deno and Bun all have: gzip, brotli, and
 * zstd where zlib has it (Node 22.15 / 23.8 and later, Deno, Bun; not Node 20). Core takes it
 * as `Runtime.compression` and decides when to use it (core/server/compression.ts).
 * https://nodejs.org/api/zlib.html
 * @module
 */
import zlib from 'node:zlib'
import { concatBytes } from '../core/http/ascii.ts'
import type { ContentCoding } from '../core/http/accept-encoding.ts'
import type { CompressionCodecs, Compressor } from '../core/server/compression.ts'

type ZlibStream = zlib.Gzip | zlib.BrotliCompress
// Typed locally: @types/node 20 does not know zstd.
type ZstdZlib = {
  createZstdCompress?(options: { params: Record<number, number> }): ZlibStream
  zstdCompress?(bytes: Uint8Array, options: { params: Record<number, number> }, done: (error: Error | null, out: Uint8Array) => void): void
}
const zstd = zlib as unknown as ZstdZlib
const C = zlib.constants as typeof zlib.constants & { ZSTD_e_flush?: number; ZSTD_c_compressionLevel?: number }
const hasZstd = typeof zstd.createZstdCompress === 'function' && typeof zstd.zstdCompress === 'function'

function createStream(coding: ContentCoding, level: number): ZlibStream {
  if (coding === 'gzip') return zlib.createGzip({ level })
  if (coding === 'br') return zlib.createBrotliCompress({ params: { [C.BROTLI_PARAM_QUALITY]: level } })
  return zstd.createZstdCompress!({ params: { [C.ZSTD_c_compressionLevel!]: level } })
}

/** The flush that ends a chunk decodably without resetting the dictionary (gzip's full flush would). */
function syncFlush(coding: ContentCoding): number {
  return coding === 'gzip' ? C.Z_SYNC_FLUSH : coding === 'br' ? C.BROTLI_OPERATION_FLUSH : C.ZSTD_e_flush!
}

/** A compressor over one zlib stream: each write is flushed, end() finishes. */
function zlibCompressor(coding: ContentCoding, level: number): Compressor {
  const stream = createStream(coding, level)
  const flushKind = syncFlush(coding)
  let chunks: Uint8Array[] = []
  let failure: Error | null = null
  stream.on('data', (chunk: Uint8Array) => void chunks.push(chunk))
  stream.on('error', (error) => (failure = error))
  const take = (): Uint8Array => {
    const out = chunks.length === 1 ? chunks[0]! : concatBytes(chunks)
    chunks = []
    return out
  }
  return {
    write(chunk) {
      return new Promise((resolve, reject) => {
        stream.write(chunk)
        stream.flush(flushKind, () => (failure !== null ? reject(failure) : resolve(take())))
      })
    },
    end() {
      return new Promise((resolve, reject) => {
        stream.once('end', () => resolve(take())).once('error', reject)
        stream.end()
      })
    },
    close() {
      stream.destroy()
    },
  }
}

function compressWhole(coding: ContentCoding, bytes: Uint8Array, level: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, out: Uint8Array): void => (error !== null ? reject(error) : resolve(out))
    if (coding === 'gzip') zlib.gzip(bytes, { level }, done)
    else if (coding === 'br') zlib.brotliCompress(bytes, { params: { [C.BROTLI_PARAM_QUALITY]: level, [C.BROTLI_PARAM_SIZE_HINT]: bytes.length } }, done)
    else zstd.zstdCompress!(bytes, { params: { [C.ZSTD_c_compressionLevel!]: level } }, done)
  })
}

/** `CompressionCodecs` on node:zlib. */
export const zlibCompression: CompressionCodecs = {
  codings: hasZstd ? ['br', 'zstd', 'gzip'] : ['br', 'gzip'],
  create: zlibCompressor,
  compress: compressWhole,
}
