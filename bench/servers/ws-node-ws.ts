/**
 * The `ws` package on node:http, the usual Node WebSocket server, echoing every message as it
 * came (text as text, binary as binary). Defaults: no permessage-deflate on the server side,
 * and without the optional native add-ons (bufferutil, utf-8-validate), as `npm install ws`
 * gives it; `ws` then masks in JS and validates UTF-8 with Node's `buffer.isUtf8`.
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { benchPort, listeningLine } from './app.ts'

const server = http.createServer((_req, res) => res.writeHead(400).end('WebSocket only'))
const wss = new WebSocketServer({ server })
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
})

const port = benchPort(process.env)
server.listen(port, '127.0.0.1', () => console.log(listeningLine(port)))
