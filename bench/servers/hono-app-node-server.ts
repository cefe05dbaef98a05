/** @hono/node-server serving the Hono app (`hono-app.ts`): how Hono apps run on Node today. */
import { serve } from '@hono/node-server'
import { benchPort, listeningLine } from './app.ts'
import { app } from './hono-app.ts'

const port = benchPort(process.env)
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(listeningLine(port)))
