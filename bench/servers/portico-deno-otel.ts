/** portico-deno with `telemetry: otel()` and the OpenTelemetry SDK registered (otel-sdk.ts). */
import process from 'node:process'
import './otel-sdk.ts'
import { serve } from '../../runtimes/deno.ts'
import { otel } from '../../telemetry/otel.ts'
import { app, benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {}, telemetry: otel() })
await server.ready()
console.log(listeningLine(port))
