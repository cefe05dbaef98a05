/** sirv (the static middleware of Vite's preview, Polka, SvelteKit) on node:http, production mode (`dev: false`), with ETags. */
import http from 'node:http'
import process from 'node:process'
import sirv from 'sirv'
import { benchPort, listeningLine } from './app.ts'

const port = benchPort(process.env)
const files = sirv(process.env['STATIC_DIR']!, { dev: false, etag: true })
http.createServer((request, response) => files(request, response, () => {
  response.statusCode = 404
  response.end()
})).listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
