// A plain h3 (v2) app; Portico serves it as is because it has `fetch`:
//   npx portico examples/h3.ts --port 8000
import { getQuery, getRouterParam, H3, readBody } from 'h3'

const app = new H3()
  .get('/', () => 'Hello from h3')
  .get('/users/:id', (event) => ({ id: getRouterParam(event, 'id') }))
  .post('/echo', async (event) => ({ echo: await readBody(event) }))
  .get('/search', (event) => ({ q: getQuery(event).q ?? '' }))

export default app
