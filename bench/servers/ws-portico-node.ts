/** Portico's Node driver serving the WebSocket echo app (`bench/servers/ws-app.ts`). */
import process from 'node:process'
import { benchPort, echoApp, listeningLine } from './ws-app.ts'

// The npm build (bench/ws.ts builds it first), as installed users run Portico on Node; a
// computed URL, so that type-checking a fresh clone (no dist/ yet) takes the source's types.
const built = new URL('../../dist/node.js', import.meta.url).href
const { serve } = (await import(built)) as typeof import('../../runtimes/node.ts')

const port = benchPort(process.env)
const server = serve(echoApp, { port, hostname: '127.0.0.1', onListen: () => {} })
await server.ready()
console.log(listeningLine(port))
