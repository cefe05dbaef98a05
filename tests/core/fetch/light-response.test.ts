// LightResponse behaves as the standard Response, and the server can read its parts directly.
import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { LightResponse, responseParts } from '../../../core/fetch/light-response.ts'

const R = LightResponse as unknown as typeof Response

describe('LightResponse', () => {
  it('is a Response, and real Responses are LightResponses', () => {
    const light = new R('x')
    expect(light instanceof Response).toBe(true)
    expect(light instanceof R).toBe(true)
    expect(new Response('y') instanceof R).toBe(true)
    expect(Object.prototype.toString.call(light)).toBe('[object Response]')
  })

  it('answers status, statusText, ok and headers from its init', () => {
    const r = new R('hi', { status: 201, statusText: 'Made', headers: { 'X-A': '1' } })
    expect([r.status, r.statusText, r.ok]).toEqual([201, 'Made', true])
    expect(r.headers.get('x-a')).toBe('1')
    expect(r.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(new R(null, { status: 404 }).ok).toBe(false)
  })

  it('takes another Response as its init, status and headers included, as Hono\'s c.header() after next() does', async () => {
    for (const first of [new R('made', { status: 201, statusText: 'Made', headers: { 'x-a': '1' } }), new Response('made', { status: 201, statusText: 'Made', headers: { 'x-a': '1' } })]) {
      const copy = new R(first.body, first)
      copy.headers.set('x-b', '2')
      expect([copy.status, copy.statusText, copy.headers.get('x-a'), copy.headers.get('x-b')]).toEqual([201, 'Made', '1', '2'])
      // The real Response built from it (for text(), clone(), …) keeps them too.
      expect([copy.clone().status, await copy.text()]).toEqual([201, 'made'])
      expect(R.json({}, first).status).toBe(201)
    }
  })

  it('reads its body through the real Response', async () => {
    expect(await new R('text').text()).toBe('text')
    expect(await R.json({ a: [1] }).json()).toEqual({ a: [1] })
    expect(new Uint8Array(await new R(new Uint8Array([1, 2])).arrayBuffer())).toEqual(new Uint8Array([1, 2]))
    const r = new R('once')
    await r.text()
    expect(r.bodyUsed).toBe(true)
    await expect(r.text()).rejects.toThrow(TypeError)
  })

  it('clones', async () => {
    const r = new R('twice')
    const c = r.clone()
    expect([await r.text(), await c.text()]).toEqual(['twice', 'twice'])
  })

  it('validates like the standard constructor', () => {
    expect(() => new R('x', { status: 99 })).toThrow(RangeError)
    expect(() => new R('x', { status: 600 })).toThrow(RangeError)
    expect(() => new R('x', { status: 204 })).toThrow(TypeError)
    expect(() => R.json(undefined)).toThrow(TypeError)
  })

  it('delegates error() and redirect()', () => {
    expect(R.error().type).toBe('error')
    expect(R.redirect('http://a/', 302).headers.get('location')).toBe('http://a/')
  })

  it('gives the server its parts, with header changes made after construction', () => {
    const r = new R('hello', { headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']] })
    expect(responseParts(r)).toEqual({
      status: 200, statusText: '', body: 'hello',
      headers: ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'content-type', 'text/plain;charset=UTF-8'],
    })
    r.headers.set('x-late', 'yes')
    expect(responseParts(r)!.headers).toContain('x-late')
    expect(responseParts(new Response('real'))).toBe(null)
    expect(responseParts(new R(new ReadableStream()))).toBe(null)
  })

  it('gives up its parts once the real Response exists', async () => {
    const r = new R('x')
    void r.clone()
    expect(responseParts(r)).toBe(null)
  })

  it('hands out its body as a byte stream, read once', async () => {
    const r = new R('héllo')
    expect([r.bodyUsed, r.body === r.body, r.body instanceof ReadableStream]).toEqual([false, true, true])
    const { value } = await r.body!.getReader().read()
    expect(new TextDecoder().decode(value)).toBe('héllo')
    expect(r.bodyUsed).toBe(true)
    await expect(r.text()).rejects.toThrow(TypeError)
    const bytes = new R(new Uint8Array([1, 2, 3]))
    const reader = bytes.body!.getReader({ mode: 'byob' })
    expect((await reader.read(new Uint8Array(8))).value).toEqual(new Uint8Array([1, 2, 3]))
    expect(new R(null).body).toBe(null)
  })

  it('reads a Buffer body through its stream without touching the Buffer or its neighbours in the pool', async () => {
    // A byte stream's enqueue() transfers the chunk's buffer; a Buffer's slice() is a view, and
    // small Buffers share one pooled ArrayBuffer: the stream must enqueue a real copy.
    const neighbour = Buffer.from('neighbour')
    const body = Buffer.from('body bytes')
    const { value } = await new R(body).body!.getReader().read()
    expect(new TextDecoder().decode(value)).toBe('body bytes')
    expect([body.toString(), neighbour.toString(), body.buffer.byteLength > 0]).toEqual(['body bytes', 'neighbour', true])
  })

  it('lets a response built from its unread body stay light (Hono\'s new Response(r.body, r)); the stream is read once', async () => {
    const first = new R('made', { status: 201, headers: { 'x-a': '1' } })
    const copy = new R(first.body, first)
    expect(copy.body).toBe(first.body)
    copy.headers.set('x-b', '2')
    expect(responseParts(copy)).toEqual({
      status: 201, statusText: '', body: 'made',
      headers: ['content-type', 'text/plain;charset=UTF-8', 'x-a', '1', 'x-b', '2'],
    })
    // Written once: the stream both share counts as read, and neither is written again.
    expect([first.bodyUsed, copy.bodyUsed, responseParts(first), responseParts(copy)]).toEqual([true, true, null, null])
    // Built from a stream, a body gets no default Content-Type.
    const bare = new R(new R('x').body)
    expect([bare.headers.get('content-type'), await bare.text()]).toEqual([null, 'x'])
    // Read before it is adopted: the new response reads the (empty, used) stream as the standard's would.
    const read = new R('gone')
    await read.text()
    expect(() => new Response(read.body)).toThrow(TypeError)
  })

  it('reads an adopted body through the real Response, and then the first one is used too', async () => {
    const first = new R('twice?')
    const copy = new R(first.body, first)
    expect(await copy.text()).toBe('twice?')
    expect(first.bodyUsed).toBe(true)
    await expect(first.text()).rejects.toThrow(TypeError)
  })
})
