/**
 * Response compression, for every protocol: the app's Response in, a compressed Response
 * out (or the same one), before the protocol's sink writes it. The compressor itself comes
 * from the driver (`Runtime.compression`), as DEFLATE for
 * WebSocket does; this file decides when and how.
 *
 * Compressed: a response whose Content-Type is compressible (mime-db's flag, see
 * `static/media-type.ts`), to a request whose Accept-Encoding accepts one of our codings.
 * Left alone: 1xx/204/206/304, a body already encoded (Content-Encoding) or ranged
 * (Content-Range), `Cache-Control: no-transform` (RFC 9110 §7.7), and known lengths under
 * `minBytes`. A compressed response gets `Vary: Accept-Encoding`, a weak ETag (§8.8.3.3: the
 * bytes are no longer those the strong tag named) and no Content-Length.
 *
 * HEAD: RFC 9110 §9.3.2 asks for the fields a GET would get, so a HEAD goes through the same
 * decision and gets the same Vary, Content-Encoding and weak ETag, with no body compressed.
 * Its length is judged from its Content-Length (a HEAD response's body, if the app gave one,
 * is never sent), which is then dropped: the compressed length is known only by compressing,
 * and §9.3.2 lets a HEAD omit what is "determined only while generating the content".
 *
 * Streaming: a complete body (string or bytes) is compressed in one call; a streamed body is
 * compressed chunk by chunk with a sync flush after each, so every chunk the app writes
 * (a server-sent event, say) reaches the client decodable at once. The compressed stream
 * pulls one app chunk per read: the writer's backpressure reaches the app unchanged.
 * @module
 */
import { pulledResponseParts, responseParts, LightResponse } from '../fetch/light-response.ts'
import { toBytes } from '../fetch/response-body.ts'
import { negotiateEncoding, type ContentCoding } from '../http/accept-encoding.ts'
import { utf8Encode } from '../http/ascii.ts'
import { fieldValues, headerList, type HeaderList } from '../http/field-list.ts'
import { isCompressible } from '../static/media-type.ts'

/** One compression stream, for one response body. */
export interface Compressor {
  /** Compresses `chunk` and flushes (sync flush): the result decodes on its own. */
  write(chunk: Uint8Array): Promise<Uint8Array>
  /** Finishes the stream; the last bytes. The compressor is then spent. */
  end(): Promise<Uint8Array>
  /** Frees the compressor early (the client left). */
  close(): void
}

/** What a driver offers for compression (see `runtimes/zlib-compression.ts`). */
export interface CompressionCodecs {
  /** The codings this runtime has. */
  codings: readonly ContentCoding[]
  /** A streaming compressor; `level` is the coding's own scale. */
  create(coding: ContentCoding, level: number): Compressor
  /** A whole body in one call (off the main thread where the runtime can). */
  compress(coding: ContentCoding, bytes: Uint8Array, level: number): Promise<Uint8Array>
}

/** `ServeOptions.compression` as an object. */
export interface CompressionOptions {
  /** Codings offered, in order of preference. Default `['br', 'zstd', 'gzip']` (zstd where the runtime has it). */
  encodings?: readonly ContentCoding[]
  /** Bodies of a known length under this many bytes are sent as they are. Default 1024. */
  minBytes?: number
  /** Level per coding. Default gzip 6, br 4, zstd 3 (fast enough for dynamic responses). */
  level?: Partial<Record<ContentCoding, number>>
}

/** Resolved compression settings. */
export interface CompressionSettings {
  codings: readonly ContentCoding[]
  minBytes: number
  level: Record<ContentCoding, number>
  codecs: CompressionCodecs
}

const DEFAULT_ENCODINGS: readonly ContentCoding[] = ['br', 'zstd', 'gzip']
const DEFAULT_LEVEL: Readonly<Record<ContentCoding, number>> = { gzip: 6, br: 4, zstd: 3 }

/** Resolves `compression` for a runtime's codecs; null when off. Throws on an unknown coding. */
export function resolveCompression(option: boolean | CompressionOptions | undefined, codecs: CompressionCodecs | undefined): CompressionSettings | null {
  if (option === undefined || option === false) return null
  if (codecs === undefined) throw new TypeError('compression needs a runtime with compressors (Runtime.compression)')
  const options = option === true ? {} : option
  for (const coding of options.encodings ?? []) {
    if (!(coding in DEFAULT_LEVEL)) throw new TypeError(`unknown compression encoding "${coding}" (br, zstd or gzip)`)
  }
  // A coding the runtime lacks (zstd on older runtimes) is dropped, not an error: the
  // same options work everywhere.
  const codings = (options.encodings ?? DEFAULT_ENCODINGS).filter((c) => codecs.codings.includes(c))
  return { codings, minBytes: options.minBytes ?? 1024, level: { ...DEFAULT_LEVEL, ...options.level }, codecs }
}

/** The response to send for `response`: compressed, or `response` itself. */
export function compressResponse(response: Response, method: string, requestHeaders: HeaderList, settings: CompressionSettings): Response | Promise<Response> {
  const isHead = method === 'HEAD'
  const status = response.status
  if (status < 200 || status === 204 || status === 206 || status === 304) return response
  const parts = responseParts(response)
  // A pull body (a static file) is left unread when it is not compressed: the writer pulls it.
  const pulled = parts === null ? pulledResponseParts(response) : null
  const headers = parts !== null ? parts.headers : pulled !== null ? pulled.headers : headerList(response.headers)
  let contentType: string | undefined
  let contentLength: string | undefined
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase()
    const value = headers[i + 1]!
    if (name === 'content-encoding' || name === 'content-range') return response
    if (name === 'cache-control' && /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(value)) return response
    if (name === 'content-type') contentType = value
    else if (name === 'content-length') contentLength = value
  }
  if (contentType === undefined || !isCompressible(contentType)) return response
  const body = parts !== null ? parts.body : undefined
  const noBody = body === null || (parts === null && pulled === null && response.body === null)
  if (noBody && !isHead) return response
  const knownLength = body != null ? body.length : contentLength !== undefined ? Number(contentLength) : -1
  if (knownLength >= 0 && knownLength < settings.minBytes) return response

  const coding = negotiateEncoding(fieldValues(requestHeaders, 'accept-encoding').join(','), settings.codings)
  const outHeaders = compressedHeaders(headers, coding)
  if (coding === null) {
    if (pulled !== null) return light(pulled.body as unknown as BodyInit, status, response.statusText, outHeaders)
    return withHeaders(response, parts, outHeaders)
  }
  if (isHead) {
    if (body === undefined) void response.body?.cancel().catch(() => {})
    return light(null, status, response.statusText, outHeaders)
  }
  const level = settings.level[coding]
  if (body != null) {
    const bytes = typeof body === 'string' ? utf8Encode(body) : body
    // A compressor that fails leaves the body as it was (with Vary: it still varies).
    return settings.codecs.compress(coding, bytes, level).then(
      (out) => light(out, status, response.statusText, outHeaders),
      () => withHeaders(response, parts, compressedHeaders(headers, null)),
    )
  }
  return light(compressStream(response.body!, settings.codecs.create(coding, level)), status, response.statusText, outHeaders)
}

/** The app's fields with Vary added, and for a compressed body the encoding, no length and a weak tag. */
function compressedHeaders(headers: HeaderList, coding: ContentCoding | null): HeaderList {
  const out: HeaderList = []
  let vary = false
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!
    let value = headers[i + 1]!
    const lower = name.toLowerCase()
    if (lower === 'vary') {
      if (!/(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(value)) value += ', accept-encoding'
      vary = true
    } else if (coding !== null) {
      if (lower === 'content-length') continue
      if (lower === 'etag' && value.startsWith('"')) value = 'W/' + value
    }
    out.push(name, value)
  }
  if (!vary) out.push('vary', 'accept-encoding')
  if (coding !== null) out.push('content-encoding', coding)
  return out
}

/** `response` with other fields and the same body (uncompressed: the client accepts none). */
function withHeaders(response: Response, parts: ReturnType<typeof responseParts>, headers: HeaderList): Response {
  return light(parts !== null ? parts.body : response.body, response.status, response.statusText, headers)
}

function light(body: BodyInit | Uint8Array | null, status: number, statusText: string, headers: HeaderList): Response {
  const pairs: [string, string][] = []
  for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!])
  return new LightResponse(body as BodyInit | null, { status, statusText, headers: pairs }) as unknown as Response
}

/** The app's body, compressed one chunk per pull, each chunk flushed. */
function compressStream(source: ReadableStream<Uint8Array>, compressor: Compressor): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  let ended = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Loop: a chunk may compress to nothing (an empty chunk); a pull must enqueue or end.
        for (;;) {
          const next = await reader.read()
          if (next.done) {
            ended = true
            const last = await compressor.end()
            if (last.length > 0) controller.enqueue(last)
            controller.close()
            return
          }
          const out = await compressor.write(toBytes(next.value))
          if (out.length > 0) return controller.enqueue(out)
        }
      } catch (error) {
        compressor.close()
        controller.error(error)
        void reader.cancel(error).catch(() => {})
      }
    },
    cancel(reason) {
      if (!ended) compressor.close()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}
