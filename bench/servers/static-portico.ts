/**
 * Portico's `serveStatic` on whichever runtime runs this file (node --import tsx, deno, bun):
 * `STATIC_DIR` at the root, default options (ETag, Last-Modified, ranges; no compression: the
 * benchmark files are random bytes).
 */
import process from 'node:process'
import { benchPort, listeningLine } from './app.ts'

// On Node, the npm build (as installed users run it; tsx's keepNames wrappers cost per call);
// Deno and Bun run the TypeScript source natively.
const onNode = !('Deno' in globalThis) && !('Bun' in globalThis)
const source = new URL(onNode ? '../../dist/node.js' : '../../runtimes/mod.ts', import.meta.url).href
const { serve, serveStatic } = (await import(source)) as typeof import('../../runtimes/mod.ts')

const port = benchPort(process.env)
await serve(serveStatic(process.env['STATIC_DIR']!), { port, hostname: '127.0.0.1', onListen: () => {} }).ready()
console.log(listeningLine(port))
