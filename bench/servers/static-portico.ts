/**
 * Portico's `serveStatic` on whichever runtime runs this file (node --import tsx, deno, bun):
 * `STATIC_DIR` at the root, default options (ETag, Last-Modified, ranges; no compression: the
 * benchmark files are random bytes).
 */
import process from 'node:process'
import { serve, serveStatic } from '../../runtimes/mod.ts'
import { benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
await serve(serveStatic(process.env['STATIC_DIR']!), { port, hostname: '127.0.0.1', onListen: () => {} }).ready()
console.log(listeningLine(port))
