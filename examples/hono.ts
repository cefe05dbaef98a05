// A plain Hono app; Portico serves it as is because it has `fetch`:
//   npx portico examples/hono.ts --port 8000
import { Hono } from 'hono'

const app = new Hono()

app.get('/', (c) => c.text('Hello from Hono'))
app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
app.post('/echo', async (c) => c.json({ echo: await c.req.json() }))
app.get('/search', (c) => c.json({ q: c.req.query('q') ?? '' }))

export default app
