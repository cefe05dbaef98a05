/**
 * The real-app scenario of `npm run bench`: one Hono app, served unchanged by Portico on Node,
 * Deno and Bun, by @hono/node-server, by Deno.serve(app.fetch) and by Bun.serve({ fetch }).
 * What a small JSON API does per request: a middleware on every route (a request id read or
 * made, a Server-Timing header), the router with path params and query strings, JSON bodies
 * parsed and answered, 201/204 statuses, and a JSON 404. Twenty routes over in-memory data,
 * the same on every server; bench/hono-mix.lua cycles wrk through a mix of them.
 * @module
 */
import { Hono } from 'hono'

interface User { id: number; name: string; email: string; role: 'admin' | 'member' }
interface Post { id: number; userId: number; title: string; body: string; tags: string[] }
interface Comment { id: number; postId: number; author: string; text: string }
interface Product { sku: string; name: string; category: string; priceCents: number; stock: number }

const users: User[] = Array.from({ length: 100 }, (_, i) => ({
  id: i + 1, name: `User ${i + 1}`, email: `user${i + 1}@example.com`, role: i % 10 === 0 ? 'admin' : 'member',
}))
const posts: Post[] = Array.from({ length: 200 }, (_, i) => ({
  id: i + 1, userId: (i % 100) + 1, title: `Post number ${i + 1}`,
  body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(3), tags: ['news', i % 2 ? 'tech' : 'life'],
}))
const comments: Comment[] = Array.from({ length: 1000 }, (_, i) => ({
  id: i + 1, postId: (i % 200) + 1, author: `User ${(i % 100) + 1}`, text: `Comment ${i + 1}: well said.`,
}))
const CATEGORIES = ['books', 'games', 'garden', 'kitchen', 'music']
const products: Product[] = Array.from({ length: 50 }, (_, i) => ({
  sku: `SKU-${String(i + 1).padStart(4, '0')}`, name: `Product ${i + 1}`, category: CATEGORIES[i % CATEGORIES.length]!,
  priceCents: 499 + i * 100, stock: (i * 7) % 23,
}))
// Indexes, as a database would have them: a request touches its rows, not the whole table.
const productBySku = new Map(products.map((p) => [p.sku, p]))
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}
const postsByUser = groupBy(posts, (p) => p.userId)
const commentsByPost = groupBy(comments, (c) => c.postId)
const productsByCategory = groupBy(products, (p) => p.category)
const lowerTitles = posts.map((p) => p.title.toLowerCase())

/** A positive integer path parameter, or null. */
function idParam(value: string): number | null {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : null
}
/** `?limit=&offset=` with bounds. */
function page(limit: string | undefined, offset: string | undefined): { limit: number; offset: number } {
  return { limit: Math.min(Math.max(Number(limit ?? 10) || 10, 1), 50), offset: Math.max(Number(offset ?? 0) || 0, 0) }
}

let nextUserId = 1000
let nextOrderId = 1
let requestCount = 0

export const app: Hono = new Hono()

// The middleware: every response carries a request id (the client's or a new one) and its time.
app.use('*', async (c, next) => {
  const started = performance.now()
  const requestId = c.req.header('x-request-id') ?? `req-${++requestCount}`
  await next()
  c.header('x-request-id', requestId)
  c.header('server-timing', `app;dur=${(performance.now() - started).toFixed(2)}`)
})

app.get('/', (c) => c.text('Hono bench app'))
app.get('/health', (c) => c.json({ status: 'ok' }))
app.get('/api/config', (c) => c.json({ version: '1.0.0', features: { search: true, orders: true }, pageSize: 10 }))
app.get('/api/users', (c) => {
  const { limit, offset } = page(c.req.query('limit'), c.req.query('offset'))
  return c.json({ total: users.length, items: users.slice(offset, offset + limit) })
})
app.get('/api/users/:id', (c) => {
  const user = users[(idParam(c.req.param('id')) ?? 0) - 1]
  return user ? c.json(user) : c.json({ error: 'no such user' }, 404)
})
app.post('/api/users', async (c) => {
  const body = await c.req.json<Partial<User>>()
  if (typeof body.name !== 'string' || typeof body.email !== 'string') return c.json({ error: 'name and email required' }, 400)
  return c.json({ id: nextUserId++, name: body.name, email: body.email, role: 'member' }, 201)
})
app.put('/api/users/:id', async (c) => {
  const user = users[(idParam(c.req.param('id')) ?? 0) - 1]
  if (!user) return c.json({ error: 'no such user' }, 404)
  const body = await c.req.json<Partial<User>>()
  return c.json({ ...user, name: body.name ?? user.name, email: body.email ?? user.email })
})
app.delete('/api/users/:id', (c) => (idParam(c.req.param('id')) ? c.body(null, 204) : c.json({ error: 'bad id' }, 400)))
app.get('/api/users/:id/posts', (c) => {
  const list = postsByUser.get(idParam(c.req.param('id')) ?? 0) ?? []
  return c.json(list.map(({ id, title, tags }) => ({ id, title, tags })))
})
app.get('/api/posts', (c) => {
  const { limit, offset } = page(c.req.query('limit'), c.req.query('offset'))
  const tag = c.req.query('tag')
  const list = tag ? posts.filter((p) => p.tags.includes(tag)) : posts
  return c.json({ total: list.length, items: list.slice(offset, offset + limit).map(({ body: _, ...p }) => p) })
})
app.get('/api/posts/:id', (c) => {
  const post = posts[(idParam(c.req.param('id')) ?? 0) - 1]
  return post ? c.json(post) : c.json({ error: 'no such post' }, 404)
})
app.get('/api/posts/:id/comments', (c) => c.json(commentsByPost.get(idParam(c.req.param('id')) ?? 0) ?? []))
app.post('/api/posts/:id/comments', async (c) => {
  const body = await c.req.json<{ author?: string; text?: string }>()
  if (!body.text) return c.json({ error: 'text required' }, 400)
  return c.json({ id: comments.length + 1, postId: idParam(c.req.param('id')), author: body.author ?? 'anonymous', text: body.text }, 201)
})
app.get('/api/search', (c) => {
  const q = (c.req.query('q') ?? '').toLowerCase()
  const hits = q ? posts.filter((_, i) => lowerTitles[i]!.includes(q)).slice(0, 10) : []
  return c.json({ q, hits: hits.map(({ id, title }) => ({ id, title })) })
})
app.get('/api/products', (c) => {
  const { limit, offset } = page(c.req.query('limit'), c.req.query('offset'))
  return c.json({ total: products.length, items: products.slice(offset, offset + limit) })
})
app.get('/api/products/:sku', (c) => {
  const product = productBySku.get(c.req.param('sku'))
  return product ? c.json(product) : c.json({ error: 'no such product' }, 404)
})
app.get('/api/categories', (c) => c.json(CATEGORIES))
app.get('/api/categories/:slug/products', (c) => c.json(productsByCategory.get(c.req.param('slug')) ?? []))
app.get('/api/orders/:id', (c) => {
  const id = idParam(c.req.param('id'))
  if (id === null) return c.json({ error: 'bad id' }, 400)
  const items = [products[id % 50]!, products[(id * 3) % 50]!].map((p) => ({ sku: p.sku, quantity: 1, priceCents: p.priceCents }))
  return c.json({ id, status: 'shipped', items, totalCents: items.reduce((sum, i) => sum + i.priceCents, 0) })
})
app.post('/api/orders', async (c) => {
  const body = await c.req.json<{ items?: { sku: string; quantity: number }[] }>()
  const lines = (body.items ?? []).map((i) => ({ ...i, product: productBySku.get(i.sku) }))
  if (lines.length === 0 || lines.some((l) => !l.product || !(l.quantity > 0))) return c.json({ error: 'bad items' }, 400)
  const totalCents = lines.reduce((sum, l) => sum + l.product!.priceCents * l.quantity, 0)
  return c.json({ id: nextOrderId++, status: 'created', totalCents }, 201)
})
app.notFound((c) => c.json({ error: 'not found', path: c.req.path }, 404))
