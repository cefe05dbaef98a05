/**
 * `portico/otel`: OpenTelemetry for Portico with options, on `@opentelemetry/api` (an
 * optional peer dependency; a no-op until an SDK is registered), imported here statically.
 * `telemetry: true` gives the same instrumentation with the global providers and needs no
 * import of this module; `otel()` is for choosing the providers. The spans and metrics are
 * described in `otel-instrumentation.ts`.
 *
 * ```ts
 * import { serve } from 'portico'
 * import { otel, setRoute } from 'portico/otel'
 * serve(app, { telemetry: true })                          // the global providers; CLI: --otel
 * serve(app, { telemetry: otel({ meterProvider }) })       // chosen providers
 * ```
 * @module
 */
import * as api from '@opentelemetry/api'
import type { Telemetry } from '../core/server/telemetry.ts'
import { openTelemetry, type OtelOptions } from './otel-instrumentation.ts'
export { DURATION_BUCKETS, setRoute, type OtelOptions } from './otel-instrumentation.ts'

/** A `Telemetry` for `ServeOptions.telemetry` that emits OpenTelemetry spans and metrics. */
export function otel(options: OtelOptions = {}): Telemetry {
  return openTelemetry(api, options)
}
