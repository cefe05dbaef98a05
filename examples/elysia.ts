// A plain Elysia app; Portico serves it as is because it has `fetch`:
//   npx portico examples/elysia.ts --port 8000
import { Elysia } from 'elysia'

const app = new Elysia()
  .get('/', () => 'Hello from Elysia')
  .get('/users/:id', ({ params }) => ({ id: params.id }))
  .post('/echo', ({ body }) => ({ echo: body }))
  .get('/search', ({ query }) => ({ q: query.q ?? '' }))

export default app
