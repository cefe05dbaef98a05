// A plain itty-router AutoRouter; Portico serves it as is because it has `fetch`:
//   npx portico examples/itty-router.ts --port 8000
import { AutoRouter, text } from 'itty-router'

const router = AutoRouter()

router
  .get('/', () => text('Hello from itty-router'))
  .get('/users/:id', ({ params }) => ({ id: params.id }))
  .post('/echo', async (request) => ({ echo: await request.json() }))
  .get('/search', ({ query }) => ({ q: query.q ?? '' }))

export default router
