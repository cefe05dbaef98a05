/**
 * portico-node with telemetry and only the parts of the OpenTelemetry SDK that `OTEL_PARTS`
 * names, for bench/otel-cost.ts (where Node's telemetry cost goes): `off` (no telemetry), or a
 * comma list of `telemetry` (`telemetry: true`; alone, the API's no-op providers), `traces`
 * (a BasicTracerProvider to a BatchSpanProcessor that drops the spans, and the W3C
 * propagator), `metrics` (a MeterProvider whose reader exports once an hour) and `context`
 * (the AsyncLocalStorage context manager). `telemetry,traces,metrics,context` is what
 * portico-node-otel measures (otel-sdk.ts).
 * @module
 */
import process from 'node:process'
import { context, metrics, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { app, benchPort, listeningLine } from './app.ts'

const parts = new Set((process.env.OTEL_PARTS ?? 'off').split(','))
if (parts.has('traces')) {
  const dropSpans: SpanExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: () => Promise.resolve() }
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropSpans)] }))
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
}
if (parts.has('metrics')) {
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
}
if (parts.has('context')) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())

// The npm build, as portico-node.ts runs it (computed URL: see there).
const { serve } = (await import(new URL('../../dist/node.js', import.meta.url).href)) as typeof import('../../runtimes/node.ts')
const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {}, telemetry: parts.has('telemetry') })
await server.ready()
// A clean exit on the runner's SIGTERM, so that `node --cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0))
console.log(listeningLine(port))
