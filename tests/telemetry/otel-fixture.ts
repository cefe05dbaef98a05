// Run under node, deno or bun by otel.test.ts: registers the real OpenTelemetry SDK (in-memory
// exporters, AsyncLocalStorage context), serves an app with `telemetry: otel({ meterProvider })`
// or, given the argument `true`, with `telemetry: true` and the meter provider registered
// globally (the drivers then import @opentelemetry/api themselves), sends it a
// traced request, a throwing one, an aborted one and a WebSocket upgrade, then prints what
// the exporters got as one JSON line.
import { connect } from 'node:net'
import { context, metrics as otelMetrics, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { serve } from '../../runtimes/mod.ts'
import { otel, setRoute } from '../../telemetry/otel.ts'

const spans = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
const meterProvider = new MeterProvider({ readers: [reader] })
const telemetryTrue = process.argv.includes('true')
if (telemetryTrue) otelMetrics.setGlobalMeterProvider(meterProvider)

const appTracer = trace.getTracer('app')
let abortedSeen: () => void
const aborted = new Promise<void>((resolve) => (abortedSeen = resolve))

const server = serve(
  async (request, info) => {
    const path = new URL(request.url).pathname
    if (path === '/ws') {
      info.upgrade(request)
      return new Response(null)
    }
    if (path === '/throw') throw new TypeError('the app failed')
    if (path === '/hang') {
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve))
      abortedSeen()
      return new Response('too late')
    }
    setRoute(request, '/users/:id')
    // An await first: the context must survive it (AsyncLocalStorage on every runtime).
    await new Promise((resolve) => setTimeout(resolve, 5))
    return appTracer.startActiveSpan('load user', (span) => {
      span.end()
      return new Response('user 7')
    })
  },
  {
    port: 0,
    hostname: '127.0.0.1',
    onListen: () => {},
    log: () => {},
    telemetry: telemetryTrue ? true : otel({ meterProvider }),
    websocket: { message: () => {} },
  },
)
await server.ready()
const port = (server.address as { port: number }).port
const base = `http://127.0.0.1:${port}`

const traceId = '0af7651916cd43dd8448eb211c80319c'
const traced = await fetch(`${base}/users/7?sig=secret&page=2`, {
  headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'user-agent': 'otel-test' },
})
const tracedBody = await traced.text()
const thrown = await fetch(`${base}/throw`)
await thrown.text()

/** Raw bytes to the server; resolves with what came back once the server closes. */
function raw(bytes: string, closeAfterMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      if (text.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
    if (closeAfterMs !== undefined) setTimeout(() => socket.destroy(), closeAfterMs)
  })
}
await raw('GET /hang HTTP/1.1\r\nHost: a\r\n\r\n', 100)
await aborted
const switched = await raw('GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')

// Every exchange has ended once its span is exported; wait for all four (bounded).
for (let i = 0; i < 200 && spans.getFinishedSpans().filter((s) => s.name !== 'load user').length < 4; i++) {
  await new Promise((resolve) => setTimeout(resolve, 10))
}
await server.close({ force: true })
await reader.forceFlush()

const metrics: Record<string, unknown[]> = {}
for (const resource of metricExporter.getMetrics()) {
  for (const scope of resource.scopeMetrics) {
    for (const metric of scope.metrics) {
      metrics[metric.descriptor.name] = metric.dataPoints.map((point) => {
        const value = point.value as number | { count: number; buckets: { boundaries: number[] } }
        return typeof value === 'number'
          ? { attributes: point.attributes, value }
          : { attributes: point.attributes, count: value.count, boundaries: value.buckets.boundaries }
      })
    }
  }
}

console.log(JSON.stringify({
  traced: { status: traced.status, body: tracedBody, traceId },
  thrownStatus: thrown.status,
  switched: switched.split('\r\n')[0],
  spans: spans.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((event) => event.name),
  })),
  metrics,
}))
process.exit(0)
