// A real Hono app through the real engine: a middleware that sets a header after `next()`
// makes Hono rebuild the response as `new Response(res.body, res)`; its status must survive
// Portico's light Response (it once came out as 200).
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { request } from '../../../testing/mod.ts'
import { installLightResponse } from '../../../runtimes/shared.ts'

describe('a Hono middleware that sets a header after next()', () => {
  it('keeps the handler\'s status, headers and body', async () => {
    installLightResponse()
    const app = new Hono()
    app.use(async (c, next) => {
      await next()
      // The second call reads the rebuilt response's body, which builds its real Response.
      c.header('x-served-by', 'portico')
      c.header('x-request-id', '1')
    })
    app.post('/items', async (c) => c.json({ id: 7, ...(await c.req.json<object>()) }, 201))
    app.get('/gone', (c) => c.text('gone', 410))
    const created = await request(app, new Request('http://x/items', { method: 'POST', body: '{"name":"a"}', headers: { 'content-type': 'application/json' } }))
    expect([created.status, created.headers.get('x-served-by'), await created.json()]).toEqual([201, 'portico', { id: 7, name: 'a' }])
    const gone = await request(app, '/gone')
    expect([gone.status, await gone.text()]).toEqual([410, 'gone'])
  })
})
