/**
 * What bench/run.ts asks of each server before loading it: the right answers, so that a fast
 * wrong server never makes a row. Per scenario: one fetch with the expected body; for the
 * pipelined scenario, 16 requests in one write and the same cut mid-head and mid-body across
 * three writes, each answered once, in order (GETs and POSTs of distinct lengths alternate so
 * that order shows); for the Hono app, a few of its routes with their JSON.
 * @module
 */
import { exchange, type RawResponse } from '../tests/helpers/raw-client.ts'

/** The problem found, or null when the answers were right. */
export type Check = (port: number) => Promise<string | null>

const decoder = new TextDecoder()

/** One request by fetch; `expect` judges the body. */
export function fetchCheck(path: string, init: RequestInit, expect: (body: string) => boolean): Check {
  return async (port) => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(5000) })
      const body = new Uint8Array(await response.arrayBuffer())
      if (response.status !== 200 || !expect(decoder.decode(body))) return `status ${response.status}, ${body.length} bytes`
      return null
    } catch (error) {
      return String(error)
    }
  }
}

/** 16 pipelined requests: `GET /plaintext` and `POST /post` with bodies of 1, 2, … 8 × 100 bytes. */
function pipelinedRequests(): { wire: string; expected: string[]; methods: string[] } {
  let wire = ''
  const expected: string[] = []
  const methods: string[] = []
  for (let i = 0; i < 16; i++) {
    if (i % 2 === 0) {
      wire += 'GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\nConnection: keep-alive\r\n\r\n'
      expected.push('Hello, World!')
      methods.push('GET')
    } else {
      const length = (i + 1) * 50
      wire += `POST /post HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${length}\r\n\r\n${'b'.repeat(length)}`
      expected.push(String(length))
      methods.push('POST')
    }
  }
  return { wire, expected, methods }
}

function wrongAnswers(responses: RawResponse[], expected: string[]): string | null {
  if (responses.length !== expected.length) return `${responses.length} of ${expected.length} answers`
  for (const [i, response] of responses.entries()) {
    const body = response.body.toString('latin1')
    if (response.status !== 200 || body !== expected[i]) return `answer ${i + 1}: status ${response.status}, body ${JSON.stringify(body.slice(0, 40))}, wanted ${JSON.stringify(expected[i])}`
  }
  return null
}

/** 16 requests in one write, then cut into three writes (mid-head, mid-body), 30 ms apart. */
export const pipelineCheck: Check = async (port) => {
  const { wire, expected, methods } = pipelinedRequests()
  const cuts = [wire.indexOf('Host', wire.length >> 2), wire.indexOf('bbbb', wire.length >> 1) + 2]
  const ways: [string, string | string[]][] = [
    ['one write', wire],
    ['three writes', [wire.slice(0, cuts[0]), wire.slice(cuts[0], cuts[1]), wire.slice(cuts[1])]],
  ]
  for (const [how, data] of ways) {
    try {
      const { responses } = await exchange({ port }, data, { responses: expected.length, methods, delayMs: 30 })
      const wrong = wrongAnswers(responses, expected)
      if (wrong !== null) return `pipelined, ${how}: ${wrong}`
    } catch (error) {
      return `pipelined, ${how}: ${String(error).slice(0, 300)}`
    }
  }
  return null
}

/** A few routes of bench/servers/hono-app.ts, with what each must answer (`expect` reads the parsed JSON). */
const HONO_ROUTES: { method: string; path: string; body?: unknown; status: number; expect: (json: any) => boolean }[] = [
  { method: 'GET', path: '/api/users/42', status: 200, expect: (u) => u.id === 42 && u.email === 'user42@example.com' },
  { method: 'GET', path: '/api/posts?limit=10&offset=20', status: 200, expect: (p) => p.total === 200 && p.items.length === 10 && p.items[0].id === 21 },
  { method: 'POST', path: '/api/users', body: { name: 'Ada', email: 'ada@example.com' }, status: 201, expect: (u) => u.name === 'Ada' && u.id >= 1000 },
  { method: 'POST', path: '/api/orders', body: { items: [{ sku: 'SKU-0003', quantity: 2 }] }, status: 201, expect: (o) => o.totalCents === 2 * 699 },
  { method: 'GET', path: '/api/posts/17/comments', status: 200, expect: (c) => c.length === 5 && c.every((m: any) => m.postId === 17) },
  { method: 'GET', path: '/api/nowhere', status: 404, expect: (e) => e.path === '/api/nowhere' },
]

/** The Hono app's routes answer their JSON, and the middleware's headers are there. */
export const honoCheck: Check = async (port) => {
  for (const route of HONO_ROUTES) {
    try {
      const init: RequestInit = route.body === undefined ? { method: route.method }
        : { method: route.method, body: JSON.stringify(route.body), headers: { 'content-type': 'application/json' } }
      const response = await fetch(`http://127.0.0.1:${port}${route.path}`, { ...init, signal: AbortSignal.timeout(5000) })
      const text = await response.text()
      if (response.status !== route.status || !route.expect(JSON.parse(text))) return `${route.method} ${route.path}: status ${response.status} (wanted ${route.status}), ${text.slice(0, 80)}`
      if (!response.headers.get('server-timing') || !response.headers.get('x-request-id')) return `${route.method} ${route.path}: no middleware headers`
    } catch (error) {
      return `${route.method} ${route.path}: ${String(error)}`
    }
  }
  return null
}
