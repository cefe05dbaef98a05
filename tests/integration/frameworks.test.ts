/**
 * Frameworks unchanged: each example app (Hono, Elysia, itty-router, h3, and the plain
 * web-service) is started through the CLI on every runtime, as users run it, and one table of
 * cases per app runs against every (app, runtime) pair over real HTTP with fetch.
 *
 * All servers start in parallel in one beforeAll, so the file costs about one cold start.
 * Every child is killed by PID in afterAll; every wait has a deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_RUNTIMES, CliProcesses, type RuntimeCommand } from '../helpers/cli-process.ts'

const START_MS = 25_000
const REQUEST_MS = 5_000

/** One request/assertion pair, run against a server's base URL (no trailing slash). */
interface Case {
  name: string
  run: (base: string) => Promise<void>
}

interface AppUnderTest {
  name: string
  file: string
  cases: Case[]
  /** Runtime name → measured reason the app cannot run there. None so far: all 15 pairs pass. */
  skip?: Partial<Record<RuntimeCommand['name'], string>>
}

function request(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_MS) })
}

async function expectJson(response: Response, status: number, body: unknown): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(await response.json()).toEqual(body)
}

/** The same routes in every framework example; only the greeting differs. */
function frameworkCases(greeting: string): Case[] {
  return [
    {
      name: 'GET / answers text',
      run: async (base) => {
        const response = await request(base, '/')
        expect(response.status).toBe(200)
        expect(await response.text()).toBe(greeting)
      },
    },
    {
      name: 'GET /users/:id answers JSON with the param',
      run: async (base) => expectJson(await request(base, '/users/42'), 200, { id: '42' }),
    },
    {
      name: 'POST /echo reads a JSON body',
      run: async (base) => {
        const body = { name: 'portico', tags: ['a', 'ü'], n: 1.5 }
        const response = await request(base, '/echo', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        await expectJson(response, 200, { echo: body })
      },
    },
    {
      name: 'POST /echo reads a chunked JSON body',
      run: async (base) => {
        const parts = ['{"streamed":', ' true}']
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const part = parts.shift()
            if (part === undefined) controller.close()
            else controller.enqueue(new TextEncoder().encode(part))
          },
        })
        // duplex is required by fetch for a stream body; DOM's RequestInit lacks it.
        const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' }
        await expectJson(await request(base, '/echo', init as RequestInit), 200, { echo: { streamed: true } })
      },
    },
    {
      name: 'GET /search?q= reads the query',
      run: async (base) => expectJson(await request(base, '/search?q=hello%20world'), 200, { q: 'hello world' }),
    },
    {
      name: 'an unknown path is 404',
      run: async (base) => {
        const response = await request(base, '/no/such/route')
        expect(response.status).toBe(404)
        await response.arrayBuffer()
      },
    },
  ]
}

const XML = 'application/xml'
const JSON_TYPE = 'application/json'

async function expectXml(response: Response, status: number, contains: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/xml/)
  expect(await response.text()).toContain(contains)
}

function post(base: string, type: string, body: string, accept = JSON_TYPE): Promise<Response> {
  return request(base, '/items', { method: 'POST', headers: { 'content-type': type, accept }, body })
}

const webServiceCases: Case[] = [
  {
    name: 'Accept: application/json answers JSON',
    run: async (base) =>
      expectJson(await request(base, '/items/1', { headers: { accept: JSON_TYPE } }), 200, { id: 1, name: 'bolt', qty: 10 }),
  },
  {
    name: 'Accept: application/xml answers XML',
    run: async (base) => {
      const response = await request(base, '/items', { headers: { accept: XML } })
      expect(response.headers.get('vary')).toBe('Accept')
      await expectXml(response, 200, '<items><item><id>1</id><name>bolt</name><qty>10</qty></item>')
    },
  },
  {
    name: 'the higher q-value wins',
    run: async (base) =>
      expectXml(await request(base, '/items/1', { headers: { accept: 'application/json;q=0.5, application/xml;q=0.9' } }), 200, '<name>bolt</name>'),
  },
  {
    name: 'the most specific range sets the q-value',
    // xml is 0.2 by its exact range although */* offers it 0.8; json gets 0.8 from */*.
    run: async (base) =>
      expectJson(await request(base, '/items/1', { headers: { accept: 'application/xml;q=0.2, */*;q=0.8' } }), 200, { id: 1, name: 'bolt', qty: 10 }),
  },
  {
    name: 'neither acceptable is 406',
    run: async (base) => {
      for (const accept of ['text/html', 'application/*;q=0', 'application/json;q=0, application/xml;q=0']) {
        const response = await request(base, '/items', { headers: { accept } })
        expect(response.status, accept).toBe(406)
        await response.arrayBuffer()
      }
    },
  },
  {
    name: 'POST JSON creates an item, readable as XML',
    run: async (base) => {
      const response = await post(base, 'application/json; charset=utf-8', JSON.stringify({ name: 'nut', qty: 3 }))
      expect(response.status).toBe(201)
      const created = (await response.json()) as { id: number }
      expect(created).toMatchObject({ name: 'nut', qty: 3 })
      expect(response.headers.get('location')).toBe(`/items/${created.id}`)
      await expectXml(await request(base, `/items/${created.id}`, { headers: { accept: XML } }), 200, '<name>nut</name><qty>3</qty>')
    },
  },
  {
    name: 'POST XML creates an item, references decoded',
    run: async (base) => {
      const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<item>\n  <name>nuts &amp; bolts &#x263A;</name>\n  <qty>2</qty>\n</item>\n'
      const response = await post(base, XML, xml)
      expect(response.status).toBe(201)
      expect(await response.json()).toMatchObject({ name: 'nuts & bolts ☺', qty: 2 })
      await expectXml(await post(base, 'text/xml', '<item><name>a&lt;b</name><qty>1</qty></item>', XML), 201, '<name>a&lt;b</name>')
    },
  },
  {
    name: 'another content type is 415',
    run: async (base) => expectJson(await post(base, 'text/plain', 'name=nut'), 415, { error: 'unsupported media type' }),
  },
  {
    name: 'a malformed or invalid body is 400',
    run: async (base) => {
      const bodies: Array<[string, string]> = [
        [JSON_TYPE, '{"name": "nut", '],
        [JSON_TYPE, '[1, 2]'],
        [JSON_TYPE, '{"name": "nut", "qty": -1}'],
        [XML, '<item><name>nut</name><qty>1</qty>'],
        [XML, '<item><name>nut</name><qty>two</qty></item>'],
        [XML, '<item><name a="1">nut</name><qty>1</qty></item>'],
        [XML, '<item><name>&bogus;</name><qty>1</qty></item>'],
        // No DTDs at all, so no entity expansion (billion laughs, XXE).
        [XML, '<!DOCTYPE item [<!ENTITY x "nut">]><item><name>&x;</name><qty>1</qty></item>'],
      ]
      for (const [type, body] of bodies) {
        const response = await post(base, type, body)
        expect(response.status, body).toBe(400)
        await response.arrayBuffer()
      }
    },
  },
  {
    name: 'an unknown item is 404',
    run: async (base) => expectJson(await request(base, '/items/999999'), 404, { error: 'no such item' }),
  },
]

const APPS: AppUnderTest[] = [
  { name: 'hono', file: 'examples/hono.ts', cases: frameworkCases('Hello from Hono') },
  { name: 'elysia', file: 'examples/elysia.ts', cases: frameworkCases('Hello from Elysia') },
  { name: 'itty-router', file: 'examples/itty-router.ts', cases: frameworkCases('Hello from itty-router') },
  { name: 'h3', file: 'examples/h3.ts', cases: frameworkCases('Hello from h3') },
  { name: 'web-service', file: 'examples/web-service.ts', cases: webServiceCases },
]

const cli = new CliProcesses(START_MS)

interface Pair {
  app: AppUnderTest
  runtime: RuntimeCommand
  skip: string | undefined
  base?: Promise<string>
}

const pairs: Pair[] = CLI_RUNTIMES.flatMap((runtime) =>
  APPS.map((app) => ({ app, runtime, skip: runtime.missing ?? app.skip?.[runtime.name] })),
)

beforeAll(async () => {
  for (const pair of pairs) {
    if (pair.skip !== undefined) continue
    pair.base = cli.start(pair.runtime, pair.app.file)
    pair.base.catch(() => {}) // Reported by each of the pair's tests instead.
  }
  await Promise.allSettled(pairs.map((pair) => pair.base))
}, START_MS + 5_000)

afterAll(() => cli.killAll())

for (const pair of pairs) {
  describe.skipIf(pair.skip !== undefined)(`${pair.app.name} on ${pair.runtime.name}${pair.skip ? ` (${pair.skip})` : ''}`, () => {
    for (const testCase of pair.app.cases) {
      it(testCase.name, async () => testCase.run(await pair.base!))
    }
  })
}
