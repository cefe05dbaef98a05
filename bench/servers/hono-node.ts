/** A Hono app on @hono/node-server, answering the benchmark routes. */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { benchPort, listeningLine, streamBody } from './app.ts'

const app = new Hono()
app.get('/', (c) => c.text('Hello, World!'))
app.get('/plaintext', (c) => c.text('Hello, World!'))
app.post('/post', async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)))
app.get('/stream', (c) => c.body(streamBody()))

const port = benchPort(process.env)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(listeningLine(port)))
