// h2spec's case list through the whole server, not the bare engine: each vector of
// tests/vectors/h2spec.ts is sent step by step over a test connection to a real app, and the
// errors the server writes (RST_STREAM and GOAWAY codes) must be exactly the ones the engine
// vectors expect. This is what an outside h2spec run sees: the session's consume/respond/flush
// around the engine must not add, lose or change an error. Each runs over h2c (the preface
// recognised on a port shared with HTTP/1.1) and as over TLS with ALPN h2.
import { describe, expect, test } from 'vitest'
import { HpackDecoder } from '../../../core/http2/hpack/mod.ts'
import { createTestServer } from '../../../testing/mod.ts'
import { describeFrames } from '../../helpers/h2-frames.ts'
import type { H2Vector } from '../../helpers/h2-feed.ts'
import { generic, hpack, http2, http2Semantics } from '../../vectors/h2spec.ts'

const isError = (line: string): boolean => line.startsWith('RST_STREAM') || (line.startsWith('GOAWAY') && !line.endsWith('NO_ERROR'))

/** The server's error frames for `vector`, in order. */
async function errorsFromServer(vector: H2Vector, alpnProtocol: string | null): Promise<string[]> {
  const body = vector.body ?? ''
  const server = createTestServer(async (request) => {
    // Read every body, as the engine harness does (a request body is consumed, windows reopen).
    if (request.body !== null) await request.arrayBuffer()
    return new Response(body)
  }, { http2: vector.limits ?? true })
  const conn = server.connect({ alpnProtocol })
  for (const step of vector.steps) {
    conn.send(step)
    await server.settle()
  }
  await server.settle()
  // Stream ids in GOAWAY lines depend on where the engine stood, as in the engine vectors.
  return describeFrames(conn.output, new HpackDecoder()).filter(isError)
}

const suites: [string, H2Vector[]][] = [
  ['h2spec generic', generic],
  ['h2spec http2 (framing, streams, flow control)', http2],
  ['h2spec http2 (HTTP semantics)', http2Semantics],
  ['h2spec hpack', hpack],
]

/** Over h2c, bytes that are not the preface are an HTTP/1.1 request on the shared port. */
const NOT_HTTP2_ON_H2C = new Set(['http2/3.5/2: invalid connection preface'])

describe.each([['h2c', null], ['TLS with ALPN h2', 'h2']] as const)('over %s', (_, alpn) => {
  describe.each(suites)('%s through the server', (_, vectors) => {
    test.each(vectors.map((v) => [v.name, v] as const))('%s', async (_, vector) => {
      if (alpn === null && NOT_HTTP2_ON_H2C.has(vector.name)) return expect(await firstBytes(vector)).toMatch(/^HTTP\/1\.1 400 /)
      const errors = await errorsFromServer(vector, alpn)
      if (vector.frames !== undefined) {
        expect(errors.sort()).toEqual(vector.frames.filter(isError).sort())
      } else {
        expect(errors).toEqual(expect.arrayContaining((vector.framesInclude ?? []).filter(isError)))
      }
    })
  })
})

/** What an HTTP/1.1-speaking server answers to the vector's bytes. */
async function firstBytes(vector: H2Vector): Promise<string> {
  const server = createTestServer(() => new Response('ok'))
  const conn = server.connect()
  for (const step of vector.steps) conn.send(step)
  await server.settle()
  return conn.text
}
