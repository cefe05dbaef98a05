// A light response with a pull body: the server takes its source (pulledResponseParts);
// anyone else who reads `body` gets a real ReadableStream over the same source, which the
// server then leaves alone.
import { describe, expect, it } from 'vitest'
import { LightResponse, pulledResponseParts, responseParts } from '../../../core/fetch/light-response.ts'
import { PullBody, sourceStream, type ChunkSource } from '../../../core/fetch/pull-body.ts'

const R = LightResponse as unknown as typeof Response
const encoder = new TextEncoder()

/** A source of `chunks`, recording pulls and cancels. */
function source(chunks: string[]): ChunkSource & { pulls: number; cancels: number } {
  let next = 0
  return {
    pulls: 0,
    cancels: 0,
    get done() {
      return next >= chunks.length
    },
    pull() {
      this.pulls++
      return Promise.resolve(next < chunks.length ? encoder.encode(chunks[next++]!) : null)
    },
    cancel() {
      this.cancels++
      next = chunks.length
    },
  }
}

describe('sourceStream', () => {
  it('reads one chunk per pull, nothing ahead, and closes with the last chunk', async () => {
    const s = source(['ab', 'cd'])
    const reader = sourceStream(s).getReader()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(s.pulls).toBe(0)
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('ab')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('cd')
    expect((await reader.read()).done).toBe(true)
    expect(s.pulls).toBe(2) // closed by the pull that returned the last chunk, not by a third
  })

  it('cancel cancels the source; a failed pull errors the stream', async () => {
    const s = source(['ab', 'cd'])
    await sourceStream(s).cancel()
    expect(s.cancels).toBe(1)
    const failing: ChunkSource = { done: false, pull: () => Promise.reject(new Error('EIO')), cancel: () => {} }
    await expect(sourceStream(failing).getReader().read()).rejects.toThrow('EIO')
  })
})

describe('a light response with a PullBody', () => {
  it('hands the server its head and source, with no stream built', () => {
    const s = source(['hello'])
    const response = new R(new PullBody(s) as unknown as BodyInit, { status: 206, headers: [['content-length', '5']] })
    expect(responseParts(response)).toBeNull()
    const parts = pulledResponseParts(response)!
    expect([parts.status, parts.headers, parts.body.source]).toEqual([206, ['content-length', '5'], s])
    expect(pulledResponseParts(new R('text'))).toBeNull()
    expect(pulledResponseParts(new Response('real'))).toBeNull()
  })

  it('is a real ReadableStream to whoever reads body, and then no longer the server\'s to pull', async () => {
    const s = source(['hel', 'lo'])
    const response = new R(new PullBody(s) as unknown as BodyInit, { headers: { 'x-a': '1' } })
    response.headers.set('x-b', '2')
    expect(response.body).toBeInstanceOf(ReadableStream)
    expect(pulledResponseParts(response)).toBeNull()
    expect(await response.text()).toBe('hello')
    expect([response.headers.get('x-a'), response.headers.get('x-b')]).toEqual(['1', '2'])
  })

  it('with a stream of its own, a reader gets that stream and the source is cancelled unread', async () => {
    const s = source(['pooled'])
    const response = new R(new PullBody(s, () => sourceStream(source(['fresh']))) as unknown as BodyInit)
    expect(await response.text()).toBe('fresh')
    expect([s.pulls, s.cancels]).toEqual([0, 1])
  })

  it('keeps header changes made before the server reads it', () => {
    const response = new R(new PullBody(source(['x'])) as unknown as BodyInit, { headers: { 'x-a': '1' } })
    response.headers.set('x-b', '2')
    expect(pulledResponseParts(response)!.headers).toEqual(['x-a', '1', 'x-b', '2'])
  })
})
