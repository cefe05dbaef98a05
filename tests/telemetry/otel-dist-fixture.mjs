// Run by otel-dist.test.ts with node, from a build of the package (argument 2: its directory,
// under the repository so that @opentelemetry/api resolves): `esm` loads node.js and otel.js,
// `cjs` requires node.cjs and otel.cjs. Registers the real SDK, serves
// with `telemetry: true` (the driver imports @opentelemetry/api itself), reports the route with
// portico/otel's setRoute (another bundle than the driver's), prints what was exported.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { metrics, trace } from '@opentelemetry/api'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

const [format, dist] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const load = (name) => (format === 'cjs' ? require(join(dist, `${name}.cjs`)) : import(pathToFileURL(join(dist, `${name}.js`)).href))
const { serve } = await load('node')
const { setRoute } = await load('otel')

const spans = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }))
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))

const server = serve((request) => {
  setRoute(request, '/items/:id')
  return new Response('item')
}, { port: 0, hostname: '127.0.0.1', onListen: () => {}, telemetry: true })
await server.ready()
const response = await fetch(`http://127.0.0.1:${server.address.port}/items/3`)
const body = await response.text()
for (let i = 0; i < 200 && spans.getFinishedSpans().length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10))
await server.close({ force: true })
await reader.forceFlush()
const durations = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics).flatMap((s) => s.metrics)
  .filter((m) => m.descriptor.name === 'http.server.request.duration').flatMap((m) => m.dataPoints)
console.log(JSON.stringify({
  body,
  spans: spans.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes })),
  durations: durations.map((point) => ({ attributes: point.attributes, count: point.value.count })),
}))
process.exit(0)
