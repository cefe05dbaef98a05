// The response writer on a pull body (a file from the static handler): the same sink calls
// as for the same chunks in a ReadableStream, head and body in one write when one pull reads
// it all, HEAD, and the failures (before the first byte: a 500; mid-way: the message fails).
import { describe, expect, it } from 'vitest'
import { LightResponse } from '../../../core/fetch/light-response.ts'
import { PullBody, type ChunkSource } from '../../../core/fetch/pull-body.ts'
import { writeResponse, type ResponseHead, type ResponseSink } from '../../../core/server/response-writer.ts'

const R = LightResponse as unknown as typeof Response
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A sink that records what it is asked to write, as text. */
function recordingSink(): ResponseSink & { calls: string[] } {
  const calls: string[] = []
  let written = false
  const text = (bytes: Uint8Array | string | null): string => (bytes === null ? 'null' : typeof bytes === 'string' ? bytes : decoder.decode(bytes))
  const headOf = (head: ResponseHead): string => `${head.status} ${head.headers.join(',')}`
  return {
    calls,
    whole(head, body) {
      written = true
      calls.push(`whole ${headOf(head)} ${text(body)}`)
      return body === null ? 0 : typeof body === 'string' ? body.length : body.length
    },
    start(head, first) {
      written = true
      calls.push(`start ${headOf(head)} ${text(first)}`)
    },
    data: (bytes) => void calls.push(`data ${text(bytes)}`),
    end: () => void calls.push('end'),
    get canRespond() {
      return !written
    },
    fail: () => void calls.push('fail'),
  }
}

/** A source of `chunks` (an Error fails that pull), recording cancels. */
function source(chunks: (string | Error)[]): ChunkSource & { cancels: number } {
  let next = 0
  return {
    cancels: 0,
    get done() {
      return next >= chunks.length
    },
    pull() {
      if (next >= chunks.length) return Promise.resolve(null)
      const chunk = chunks[next++]!
      return chunk instanceof Error ? Promise.reject(chunk) : Promise.resolve(encoder.encode(chunk))
    },
    cancel() {
      this.cancels++
      next = chunks.length
    },
  }
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  let next = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(encoder.encode(chunks[next++]!))
      else controller.close()
    },
  }, { highWaterMark: 0 })
}

const init = { status: 200, headers: [['content-length', '6']] as [string, string][] }
const pulled = (chunks: (string | Error)[]): Response => new R(new PullBody(source(chunks)) as unknown as BodyInit, init)

async function write(response: Response, method = 'GET'): Promise<{ calls: string[]; sent: number; logged: string[] }> {
  const sink = recordingSink()
  const logged: string[] = []
  const sent = await writeResponse(response, method, sink, (message) => void logged.push(message))
  return { calls: sink.calls, sent, logged }
}

describe('writeResponse with a pull body', () => {
  it('writes the same as the same chunks in a stream', async () => {
    const chunks = ['ab', 'cd', 'ef']
    const direct = await write(pulled(chunks))
    const viaStream = await write(new Response(streamOf(chunks), init))
    expect(direct.calls).toEqual(['start 200 content-length,6 ab', 'data cd', 'data ef', 'end'])
    expect(direct.calls).toEqual(viaStream.calls)
    expect(direct.sent).toBe(6)
  })

  it('a body read in one pull goes out with its head in one write', async () => {
    expect((await write(pulled(['abcdef']))).calls).toEqual(['whole 200 content-length,6 abcdef'])
  })

  it('HEAD: the head, and the source cancelled after its first chunk', async () => {
    const s = source(['ab', 'cd', 'ef'])
    const { calls } = await write(new R(new PullBody(s) as unknown as BodyInit, init), 'HEAD')
    expect(calls).toEqual(['start 200 content-length,6 ab', 'end'])
    expect(s.cancels).toBe(1)
  })

  it('a failure before the first byte is a 500', async () => {
    const { calls, logged } = await write(pulled([new Error('EACCES')]))
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatch(/^whole 500 /)
    expect(logged).toEqual(['response body failed before its first byte'])
  })

  it('a failure mid-way fails the message (truncated, never complete-looking)', async () => {
    const { calls, logged } = await write(pulled(['ab', new Error('EIO'), 'ef']))
    expect(calls).toEqual(['start 200 content-length,6 ab', 'fail'])
    expect(logged).toEqual(['response body failed mid-way; connection aborted'])
  })

  it('a write that fails (the client left) cancels the source, with nothing logged', async () => {
    const s = source(['ab', 'cd', 'ef'])
    const sink = recordingSink()
    sink.data = () => Promise.reject(new Error('socket closed'))
    const logged: string[] = []
    await writeResponse(new R(new PullBody(s) as unknown as BodyInit, init), 'GET', sink, (message) => void logged.push(message))
    expect(sink.calls).toEqual(['start 200 content-length,6 ab', 'fail'])
    expect(s.cancels).toBe(1)
    expect(logged).toEqual([])
  })
})
