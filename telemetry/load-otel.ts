/**
 * `telemetry: true`: the drivers' `Runtime.telemetry`. Imports `@opentelemetry/api` (an
 * optional peer dependency) only when called, by its bare name, so that it resolves from the
 * user's node_modules whether Portico runs from source or from its ESM or CJS build, and users
 * who never ask for telemetry never load it. Core calls it before listening.
 * @module
 */
import type { Telemetry } from '../core/server/telemetry.ts'
import { openTelemetry, type OpenTelemetryApi } from './otel-instrumentation.ts'

/** The module `telemetry: true` needs. */
export const OTEL_API = '@opentelemetry/api'

/** Thrown when `@opentelemetry/api` cannot be loaded; the message says how to install it. */
export class OpenTelemetryUnavailableError extends Error {
  override name = 'OpenTelemetryUnavailableError'
}

/** The OpenTelemetry instrumentation on the global providers, or a one-line error naming the fix. */
export async function loadOpenTelemetry(): Promise<Telemetry> {
  let api: OpenTelemetryApi
  try {
    api = await import('@opentelemetry/api')
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new OpenTelemetryUnavailableError(
      `telemetry needs ${OTEL_API}: npm install ${OTEL_API}, then register an OpenTelemetry SDK (${reason})`,
      { cause: error },
    )
  }
  return openTelemetry(api)
}
