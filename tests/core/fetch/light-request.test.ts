// LightRequest behaves as the standard Request: cached members directly, the rest through the
// real Request it builds on demand.
import { describe, expect, it } from 'vitest'
import { abortRequest, LightRequest } from '../../../core/fetch/light-request.ts'

const enc = new TextEncoder()

function request(body: string[] | null, headers: string[] = ['Host', 'a', 'Content-Type', 'text/plain']): Request {
  const chunks = body === null ? null : body.map((c) => enc.encode(c))
  // Odd chunks are "already buffered", even ones need a read: both paths get exercised.
  let turn = 0
  const next = (): Uint8Array | null => (chunks!.length > 0 ? chunks!.shift()! : null)
  const source = chunks === null ? null : {
    read: async () => next(),
    readBuffered: () => (turn++ % 2 === 0 ? undefined : next()),
  }
  return new LightRequest('POST', 'http://a/p?q=1', headers, source) as unknown as Request
}

describe('LightRequest', () => {
  it('is a Request', () => {
    const r = request(null)
    expect(r instanceof Request).toBe(true)
    expect(Object.prototype.toString.call(r)).toBe('[object Request]')
  })

  it('answers method, url and headers', () => {
    const r = request(null, ['Host', 'a', 'X-Thing', 'v1', 'x-thing', 'v2'])
    expect(r.method).toBe('POST')
    expect(r.url).toBe('http://a/p?q=1')
    expect(r.headers.get('x-THING')).toBe('v1, v2')
    expect(r.headers).toBe(r.headers)
  })

  it.each([
    ['text', 'hello world'],
    ['json', { a: 1 }],
  ] as const)('reads the body with %s() and then refuses a second read', async (method, expected) => {
    const r = request(method === 'json' ? ['{"a"', ':1}'] : ['hello ', 'world'])
    expect(r.bodyUsed).toBe(false)
    expect(await r[method]()).toEqual(expected)
    expect(r.bodyUsed).toBe(true)
    await expect(r.text()).rejects.toThrow(TypeError)
  })

  it('reads arrayBuffer, bytes and blob as copies', async () => {
    expect(new TextDecoder().decode(await request(['ab', 'c']).arrayBuffer())).toBe('abc')
    const bytes = await request(['xyz']).bytes()
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect([...bytes]).toEqual([120, 121, 122])
    const blob = await request(['q']).blob()
    expect(blob.type).toBe('text/plain')
    expect(await blob.text()).toBe('q')
  })

  it('streams the body and then counts it as used', async () => {
    const r = request(['a', 'b'])
    const reader = r.body!.getReader()
    const parts: string[] = []
    for (let x = await reader.read(); !x.done; x = await reader.read()) parts.push(new TextDecoder().decode(x.value))
    expect(parts.join('')).toBe('ab')
    expect(r.bodyUsed).toBe(true)
  })

  it('has no body without one', async () => {
    const r = request(null)
    expect(r.body).toBe(null)
    expect(await r.text()).toBe('')
  })

  it('clones through the real Request, both copies readable', async () => {
    const r = request(['same'])
    const copy = r.clone()
    expect(copy instanceof Request).toBe(true)
    expect(await copy.text()).toBe('same')
    expect(await r.text()).toBe('same')
  })

  it('parses formData through the real Request', async () => {
    const form = await request(['a=1&b=two'], ['Host', 'a', 'Content-Type', 'application/x-www-form-urlencoded']).formData()
    expect(form.get('b')).toBe('two')
  })

  it('answers the remaining members with the standard defaults', () => {
    const r = request(null)
    expect(r.cache).toBe('default')
    expect(r.credentials).toBe('same-origin')
    expect(r.redirect).toBe('follow')
  })

  it('aborts its signal when the client leaves, before or after the signal is read', () => {
    const early = request(null)
    const signal = early.signal
    expect(signal.aborted).toBe(false)
    abortRequest(early as unknown as LightRequest)
    expect(signal.aborted).toBe(true)
    const late = request(null)
    abortRequest(late as unknown as LightRequest)
    expect(late.signal.aborted).toBe(true)
    expect(late.signal).toBe(late.signal)
  })
})
