// portico/otel with the real OpenTelemetry SDK (in-memory exporters, AsyncLocalStorage context
// manager) under node, deno and bun, as `telemetry: otel({ meterProvider })` and as
// `telemetry: true` (the global providers): otel-fixture.ts serves and requests, this checks
// the spans and metrics against the HTTP server semantic conventions.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { RUNTIMES } from '../clients/runtimes.ts'
import { ROOT } from '../integration/suite.ts'

interface ExportedSpan {
  name: string
  kind: number
  traceId: string
  spanId: string
  parentSpanId?: string
  attributes: Record<string, unknown>
  status: { code: number; message?: string }
  events: string[]
}
interface Point {
  attributes: Record<string, unknown>
  value?: number
  count?: number
  boundaries?: number[]
}
interface FixtureResult {
  traced: { status: number; body: string; traceId: string }
  thrownStatus: number
  switched: string
  spans: ExportedSpan[]
  metrics: Record<string, Point[]>
}

const SERVER = 1 // SpanKind.SERVER
const ERROR = 2 // SpanStatusCode.ERROR

for (const runtime of RUNTIMES) for (const telemetry of ['otel()', 'true'] as const) {
  describe.skipIf(runtime.skip !== undefined)(`telemetry: ${telemetry} under ${runtime.name}`, () => {
    let result: FixtureResult
    const run = (): FixtureResult => {
      const args = [...runtime.args('tests/telemetry/otel-fixture.ts'), ...(telemetry === 'true' ? ['true'] : [])]
      const output = execFileSync(runtime.command, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
      return (result ??= JSON.parse(output.trim().split('\n').at(-1)!) as FixtureResult)
    }
    const serverSpan = (path: string): ExportedSpan => run().spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === path)!

    it('makes a SERVER span per request, child of the traceparent, parent of the app spans', { timeout: 90_000 }, () => {
      const { traced, spans } = run()
      expect(traced).toMatchObject({ status: 200, body: 'user 7' })
      const span = serverSpan('/users/7')
      expect(span.name).toBe('GET /users/:id')
      expect(span.traceId).toBe(traced.traceId)
      expect(span.parentSpanId).toBe('b7ad6b7169203331')
      const child = spans.find((s) => s.name === 'load user')!
      expect(child.traceId).toBe(traced.traceId)
      expect(child.parentSpanId).toBe(span.spanId)
      expect(span.attributes).toMatchObject({
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': '/users/7',
        'url.query': 'sig=REDACTED&page=2',
        'http.route': '/users/:id',
        'http.response.status_code': 200,
        'server.address': '127.0.0.1',
        'client.address': '127.0.0.1',
        'network.protocol.version': '1.1',
        'user_agent.original': 'otel-test',
      })
      expect(typeof span.attributes['server.port']).toBe('number')
      expect(span.attributes['error.type']).toBeUndefined()
      expect(span.status.code).toBe(0)
    })

    it('marks a handler that throws: 500, error.type, status ERROR, the exception', () => {
      expect(run().thrownStatus).toBe(500)
      const span = serverSpan('/throw')
      expect(span.name).toBe('GET') // no route reported
      expect(span.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'TypeError' })
      expect(span.status).toEqual({ code: ERROR, message: 'the app failed' })
      expect(span.events).toEqual(['exception'])
    })

    it('marks a request whose client left as aborted', () => {
      const span = serverSpan('/hang')
      expect(span.attributes['error.type']).toBe('aborted')
      expect(span.status.code).toBe(ERROR)
    })

    it('ends the span of a WebSocket upgrade with 101', () => {
      expect(run().switched).toBe('HTTP/1.1 101 Switching Protocols')
      expect(serverSpan('/ws').attributes['http.response.status_code']).toBe(101)
    })

    it('records http.server.request.duration with the semconv buckets, and the up-down counters back at 0', () => {
      const { metrics } = run()
      const durations = metrics['http.server.request.duration']!
      expect(durations.reduce((sum, p) => sum + p.count!, 0)).toBe(4)
      for (const point of durations) expect(point.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
      expect(durations.find((p) => p.attributes['http.route'] === '/users/:id')!.attributes).toEqual({
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'network.protocol.version': '1.1',
        'http.route': '/users/:id',
        'http.response.status_code': 200,
      })
      expect(durations.find((p) => p.attributes['error.type'] === 'TypeError')!.attributes['http.response.status_code']).toBe(500)
      expect(metrics['http.server.active_requests']).toEqual([{ attributes: { 'http.request.method': 'GET', 'url.scheme': 'http' }, value: 0 }])
      expect(metrics['portico.server.active_connections']).toEqual([{ attributes: {}, value: 0 }])
    })
  })
}
