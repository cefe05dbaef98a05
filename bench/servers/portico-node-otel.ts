/** portico-node with `telemetry: otel()` and the OpenTelemetry SDK registered (otel-sdk.ts). */
import process from 'node:process'
import './otel-sdk.ts'
import { app, benchPort, listeningLine } from './app.ts'

// The npm build, as portico-node.ts runs it (computed URLs: see there).
const { serve } = (await import(new URL('../../dist/node.js', import.meta.url).href)) as typeof import('../../runtimes/node.ts')
const { otel } = (await import(new URL('../../dist/otel.js', import.meta.url).href)) as typeof import('../../telemetry/otel.ts')

const port = benchPort(process.env)
const server = serve(app, { port, hostname: '127.0.0.1', onListen: () => {}, telemetry: otel() })
await server.ready()
console.log(listeningLine(port))
