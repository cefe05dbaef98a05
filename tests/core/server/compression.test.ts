// core/server/compression.ts with the real node:zlib codecs (runtimes/zlib-compression.ts):
// when a response is compressed, what its fields become, and that a streamed body's chunks
// decode one by one as they leave (server-sent events).
import { brotliDecompressSync, createGunzip, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LightResponse, pulledResponseParts } from '../../../core/fetch/light-response.ts'
import { PullBody, type ChunkSource } from '../../../core/fetch/pull-body.ts'
import { compressResponse, resolveCompression, type CompressionSettings } from '../../../core/server/compression.ts'
import { zlibCompression } from '../../../runtimes/zlib-compression.ts'

const settings: CompressionSettings = resolveCompression(true, zlibCompression)!
const TEXT = 'hello compression '.repeat(200)
const GZIP = ['accept-encoding', 'gzip']

function light(body: BodyInit | null, init: ResponseInit = {}): Response {
  return new LightResponse(body, { headers: { 'content-type': 'text/plain', ...init.headers as Record<string, string> }, status: init.status }) as unknown as Response
}

async function compress(response: Response, request: string[] = GZIP, method = 'GET'): Promise<Response> {
  return await compressResponse(response, method, request, settings)
}

describe('when a response is compressed', () => {
  it('a compressible body over minBytes, for a client that accepts the coding', async () => {
    const out = await compress(light(TEXT, { headers: { etag: '"v1"', 'content-length': String(TEXT.length) } }))
    expect(out.headers.get('content-encoding')).toBe('gzip')
    expect(out.headers.get('vary')).toBe('accept-encoding')
    expect(out.headers.get('etag')).toBe('W/"v1"')
    expect(out.headers.get('content-length')).toBeNull()
    expect(gunzipSync(new Uint8Array(await out.arrayBuffer())).toString()).toBe(TEXT)
  })
  it('br by preference when the client takes both', async () => {
    const out = await compress(light(TEXT), ['accept-encoding', 'gzip, deflate, br'])
    expect(out.headers.get('content-encoding')).toBe('br')
    expect(brotliDecompressSync(new Uint8Array(await out.arrayBuffer())).toString()).toBe(TEXT)
  })
  it('an existing Vary is extended, not replaced', async () => {
    const out = await compress(light(TEXT, { headers: { vary: 'origin' } }))
    expect(out.headers.get('vary')).toBe('origin, accept-encoding')
  })
  it('not for a client that accepts none, but Vary says it could have been', async () => {
    const response = light(TEXT, { headers: { etag: '"v1"' } })
    const out = await compress(response, [])
    expect(out.headers.get('content-encoding')).toBeNull()
    expect(out.headers.get('vary')).toBe('accept-encoding')
    expect(out.headers.get('etag')).toBe('"v1"')
    expect(await out.text()).toBe(TEXT)
  })
  const untouched: [string, () => Response, string?][] = [
    ['a small body', () => light('tiny')],
    ['an incompressible type', () => light(TEXT, { headers: { 'content-type': 'image/png' } })],
    ['no content type', () => new LightResponse(new Uint8Array(5000)) as unknown as Response],
    ['Content-Encoding already set', () => light(TEXT, { headers: { 'content-encoding': 'br' } })],
    ['a range', () => light(TEXT, { status: 206, headers: { 'content-range': 'bytes 0-9/100' } })],
    ['Cache-Control: no-transform', () => light(TEXT, { headers: { 'cache-control': 'public, no-transform' } })],
    ['204', () => light(null, { status: 204 })],
    ['304', () => light(null, { status: 304 })],
    ['HEAD of a small body', () => light('tiny'), 'HEAD'],
    ['HEAD that says a small length', () => light(null, { headers: { 'content-length': '10' } }), 'HEAD'],
    ['a streamed body with a small known length', () => light(new Blob(['tiny']).stream(), { headers: { 'content-length': '4' } })],
  ]
  for (const [name, make, method] of untouched) {
    it(`not for ${name}`, async () => {
      const response = make()
      expect(await compress(response, GZIP, method)).toBe(response)
    })
  }
  it('drops zstd where the runtime lacks it, and refuses unknown codings', () => {
    expect(resolveCompression({ encodings: ['zstd', 'gzip'] }, { ...zlibCompression, codings: ['br', 'gzip'] })!.codings).toEqual(['gzip'])
    expect(() => resolveCompression({ encodings: ['deflate' as 'gzip'] }, zlibCompression)).toThrow(/unknown/)
    expect(resolveCompression(false, zlibCompression)).toBeNull()
  })
})

describe('streamed bodies', () => {
  it('each chunk the app writes decodes on arrival (sync flush), with backpressure', async () => {
    let pulls = 0
    const events = ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        if (pulls > events.length) return controller.close()
        controller.enqueue(new TextEncoder().encode(events[pulls - 1]))
      },
    }, { highWaterMark: 0 })
    const out = await compress(light(source, { headers: { 'content-type': 'text/event-stream' } }))
    expect(out.headers.get('content-encoding')).toBe('gzip')
    const reader = out.body!.getReader()
    const gunzip = createGunzip()
    const decoded: string[] = []
    gunzip.on('data', (chunk: Buffer) => decoded.push(chunk.toString()))
    for (let i = 0; i < events.length; i++) {
      const { value } = await reader.read()
      // Nothing read ahead: one pull of the app per chunk read.
      expect(pulls).toBe(i + 1)
      await new Promise<void>((resolve) => gunzip.write(value, () => resolve()))
      await new Promise((resolve) => setImmediate(resolve))
      expect(decoded.join('')).toBe(events.slice(0, i + 1).join(''))
    }
    const rest = await reader.read()
    if (!rest.done) gunzip.write(rest.value)
    gunzip.end()
    await new Promise((resolve) => gunzip.on('end', resolve))
    expect(decoded.join('')).toBe(events.join(''))
  })
  it('cancelling the compressed stream cancels the app body', async () => {
    let cancelled = false
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('x'.repeat(100))),
      cancel: () => void (cancelled = true),
    }, { highWaterMark: 0 })
    const out = await compress(light(source, { headers: { 'content-type': 'text/plain' } }))
    const reader = out.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect(cancelled).toBe(true)
  })
})

/** The fields a client sees, minus the date-free noise: name → value. */
const fields = (response: Response): Record<string, string> => Object.fromEntries(response.headers)

describe('HEAD gets the fields GET would (RFC 9110 §9.3.2)', () => {
  it('the same body as GET: the same Content-Encoding, Vary and weak ETag, no Content-Length, no body compressed', async () => {
    const init = { headers: { etag: '"v1"', 'content-length': String(TEXT.length) } }
    const get = await compress(light(TEXT, init))
    const head = await compress(light(TEXT, init), GZIP, 'HEAD')
    expect(fields(head)).toEqual(fields(get))
    expect(fields(head)).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding', etag: 'W/"v1"' })
    expect(head.body).toBeNull()
  })
  it('a HEAD answered without a body (as frameworks do) is judged by its Content-Length', async () => {
    const head = await compress(light(null, { headers: { 'content-length': '5000' } }), GZIP, 'HEAD')
    expect(head.headers.get('content-encoding')).toBe('gzip')
    expect(head.headers.get('content-length')).toBeNull()
  })
  it('a client that accepts no coding: Vary only, the length kept', async () => {
    const head = await compress(light(TEXT, { headers: { 'content-length': String(TEXT.length) } }), [], 'HEAD')
    expect(head.headers.get('content-encoding')).toBeNull()
    expect(head.headers.get('vary')).toBe('accept-encoding')
    expect(head.headers.get('content-length')).toBe(String(TEXT.length))
  })
  it("a streamed body is cancelled, not compressed (HEAD sends none)", async () => {
    let cancelled = false
    const source = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) })
    const head = await compress(light(source), GZIP, 'HEAD')
    expect(head.headers.get('content-encoding')).toBe('gzip')
    expect(head.body).toBeNull()
    expect(cancelled).toBe(true)
  })
})

describe('a client that refuses identity and every coding we have (RFC 9110 §12.5.3)', () => {
  // §12.5.3: "If a non-empty Accept-Encoding header field is present in a request and none of
  // the available representations for the response have a content coding that is listed as
  // acceptable, the origin server SHOULD send a response without any content coding unless the
  // identity coding is indicated as unacceptable." With identity refused the RFC sets no rule
  // (there is no 415 for responses: §15.5.16 is about request content); 406 is allowed but the
  // HTTP WG moved away from it on purpose in RFC 7231 (httpwg/http-core#980: less interoperable
  // than sending no coding). We send the identity: a body the client can ignore beats an error.
  const refusals: [string, string | null][] = [
    ['identity;q=0', null],
    ['*;q=0', null],
    ['deflate, identity;q=0', null],
    ['gzip;q=0, *;q=0', null],
    ['gzip, identity;q=0', 'gzip'],
    ['*;q=0, br', 'br'],
  ]
  for (const [accept, coding] of refusals) {
    it(`Accept-Encoding: ${accept} → ${coding ?? 'identity, 200'}`, async () => {
      const out = await compress(light(TEXT), ['accept-encoding', accept])
      expect(out.status).toBe(200)
      expect(out.headers.get('content-encoding')).toBe(coding)
      expect(out.headers.get('vary')).toBe('accept-encoding')
      if (coding === null) expect(await out.text()).toBe(TEXT)
    })
  }
})

describe('a pull body (a static file)', () => {
  const chunks = [TEXT.slice(0, 1000), TEXT.slice(1000)]
  const source = (): ChunkSource => {
    let next = 0
    return {
      get done() {
        return next >= chunks.length
      },
      pull: () => Promise.resolve(next < chunks.length ? new TextEncoder().encode(chunks[next++]!) : null),
      cancel: () => void (next = chunks.length),
    }
  }
  const file = (): Response =>
    light(new PullBody(source()) as unknown as BodyInit, { headers: { etag: '"f1"', 'content-length': String(TEXT.length) } })

  it('compressed: the bytes of its source, gzip, weak ETag, no length', async () => {
    const out = await compress(file())
    expect([out.headers.get('content-encoding'), out.headers.get('etag'), out.headers.get('content-length')]).toEqual(['gzip', 'W/"f1"', null])
    expect(gunzipSync(new Uint8Array(await out.arrayBuffer())).toString()).toBe(TEXT)
  })
  it('not compressed (the client accepts none): still a pull body the writer reads directly, with Vary', async () => {
    const out = await compress(file(), [])
    const parts = pulledResponseParts(out)
    expect(parts).not.toBeNull()
    expect(parts!.headers).toEqual(['content-type', 'text/plain', 'etag', '"f1"', 'content-length', String(TEXT.length), 'vary', 'accept-encoding'])
    expect(await out.text()).toBe(TEXT)
  })
  it('not compressible: the same response, untouched', async () => {
    const response = light(new PullBody(source()) as unknown as BodyInit, { headers: { 'content-type': 'image/png' } })
    expect(await compress(response)).toBe(response)
    expect(pulledResponseParts(response)).not.toBeNull()
  })
})
