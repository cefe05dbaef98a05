// upgradeWebSocket(): Deno's API over the real engine, on the memory transport and virtual
// clock. The socket must behave as a browser WebSocket (events, readyState, argument checks)
// and a failing listener must close its socket (1011), not the process.
import { describe, expect, it } from 'vitest'
import { upgradeWebSocket, type UpgradeWebSocketOptions } from '../../../core/fetch/upgrade-websocket.ts'
import { createTestServer, type TestServer } from '../../../testing/mod.ts'

interface Harness {
  server: TestServer
  sockets: WebSocket[]
  responses: Response[]
  log: string[]
}

/** A server whose handler upgrades every request with `options` and runs `setup` on the socket. */
function harness(setup: (socket: WebSocket, log: string[]) => void = () => {}, options?: UpgradeWebSocketOptions): Harness {
  const h: Harness = { server: null as unknown as TestServer, sockets: [], responses: [], log: [] }
  h.server = createTestServer((request) => {
    try {
      const { socket, response } = upgradeWebSocket(request, options)
      h.sockets.push(socket)
      h.responses.push(response)
      setup(socket, h.log)
      return response
    } catch (error) {
      return new Response(`${(error as Error).name}: ${(error as Error).message}`, { status: 400 })
    }
  })
  return h
}

/** Records every event of `socket` into `log`. */
function record(socket: WebSocket, log: string[]): void {
  socket.onopen = () => log.push(`open ${socket.readyState}`)
  socket.onmessage = (event) => {
    const data: unknown = event.data
    log.push(`message ${typeof data === 'string' ? data : Object.prototype.toString.call(data)}`)
  }
  socket.onerror = (event) => log.push(`error ${event.type}`)
  socket.onclose = (event) => log.push(`close ${event.code} ${event.reason} ${event.wasClean} ${socket.readyState}`)
}

const upgradeHeaders = {
  host: 'x',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
}

describe('upgradeWebSocket', () => {
  it('opens a socket that echoes text, and binary as ArrayBuffer by default', async () => {
    const h = harness((socket, log) => {
      record(socket, log)
      log.push(`before ${socket.readyState} ${socket.binaryType} ${socket.bufferedAmount}`)
      socket.addEventListener('message', (event) => socket.send(event.data as string | ArrayBuffer))
    })
    const ws = await h.server.websocket('/chat?room=1')
    ws.send('hi')
    ws.send(new Uint8Array([1, 2]))
    await h.server.settle()
    expect(h.log).toEqual(['before 0 arraybuffer 0', 'open 1', 'message hi', 'message [object ArrayBuffer]'])
    expect(ws.messages).toEqual(['hi', new Uint8Array([1, 2])])
    const socket = h.sockets[0]!
    expect(socket.url).toBe('ws://localhost/chat?room=1')
    expect(socket.protocol).toBe('')
    expect(socket.extensions).toBe('')
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3])
    expect(socket).toBeInstanceOf(EventTarget)
  })

  it('returns a Response that reads as the 101', async () => {
    const h = harness(undefined, { protocol: 'chat' })
    const ws = await h.server.websocket('/', { protocols: ['a', 'chat'] })
    const response = h.responses[0]!
    expect(response).toBeInstanceOf(Response)
    expect([response.status, response.statusText, response.ok]).toEqual([101, 'Switching Protocols', false])
    expect(response.headers.get('sec-websocket-protocol')).toBe('chat')
    expect(ws.protocol).toBe('chat')
    await h.server.settle()
    expect(h.sockets[0]!.protocol).toBe('chat')
  })

  it('throws TypeErrors like Deno for requests it cannot upgrade', async () => {
    const h = harness()
    const plain = await h.server.request('/')
    expect(await plain.text()).toBe("TypeError: Invalid Header: 'upgrade' header must contain 'websocket'")
    const noKey = await h.server.request('/', { headers: { upgrade: 'websocket', connection: 'upgrade' } })
    expect(await noKey.text()).toBe("TypeError: Invalid Header: 'sec-websocket-key' header must be set")
    const version = await h.server.request('/', { headers: { ...upgradeHeaders, 'sec-websocket-version': '8' } })
    expect(await version.text()).toMatch(/^TypeError: Invalid Header: 'sec-websocket-version' must be 13/)
    const withProtocol = harness(undefined, { protocol: 'chat' })
    const notOffered = await withProtocol.server.request('/', { headers: { ...upgradeHeaders, 'sec-websocket-protocol': 'other' } })
    expect(await notOffered.text()).toBe("TypeError: Protocol 'chat' not in the request's protocol list (non negotiable)")
    // A copy of the request does not lead back to its connection.
    expect(() => upgradeWebSocket(new Request('http://x/', { headers: upgradeHeaders }))).toThrow(/Portico server/)
  })

  it('send() before open throws InvalidStateError; close() checks its arguments', async () => {
    const errors: string[] = []
    const attempt = (f: () => void): void => {
      try {
        f()
        errors.push('ok')
      } catch (error) {
        errors.push((error as DOMException).name)
      }
    }
    const h = harness((socket) => {
      attempt(() => socket.send('too early'))
      socket.onopen = () => {
        attempt(() => socket.close(999))
        attempt(() => socket.close(1005))
        attempt(() => socket.close(1006))
        attempt(() => socket.close(2000))
        attempt(() => socket.close(5000))
        attempt(() => socket.close(3000, 'é'.repeat(62)))
        attempt(() => socket.close(1001, 'going'))
        attempt(() => socket.close(4000)) // already closing: ignored
      }
    })
    const ws = await h.server.websocket('/')
    await h.server.settle()
    expect(errors).toEqual([
      'InvalidStateError',
      'InvalidAccessError',
      'InvalidAccessError',
      'InvalidAccessError',
      'InvalidAccessError',
      'InvalidAccessError',
      'SyntaxError',
      'ok',
      'ok',
    ])
    expect(ws.closeFrame).toEqual({ code: 1001, reason: 'going' })
  })

  it('closes from the server: CLOSING, then close with the code once the client answers', async () => {
    const states: number[] = []
    const h = harness((socket, log) => {
      record(socket, log)
      socket.addEventListener('message', () => {
        socket.close(4000, 'done')
        states.push(socket.readyState)
        socket.send('discarded')
      })
    })
    const ws = await h.server.websocket('/')
    ws.send('bye')
    await h.server.settle()
    expect(states).toEqual([2])
    expect(ws.closeFrame).toEqual({ code: 4000, reason: 'done' })
    expect(ws.messages).toEqual([])
    expect(h.log.at(-1)).toBe('close 4000  true 3')
  })

  it('reports the client closing, and an abrupt end as error then close 1006', async () => {
    const h = harness(record)
    const a = await h.server.websocket('/')
    a.close(4100, 'client leaves')
    await h.server.settle()
    expect(h.log.splice(0)).toEqual(['open 1', 'close 4100 client leaves true 3'])
    const b = await h.server.websocket('/')
    await h.server.settle()
    b.connection.resetAfter(0)
    await h.server.settle()
    expect(h.log).toEqual(['open 1', 'error error', 'close 1006  false 3'])
  })

  it('delivers binary as a Blob with binaryType blob, and sends Blobs in order', async () => {
    const h = harness((socket) => {
      socket.binaryType = 'blob'
      socket.binaryType = 'nonsense' as BinaryType
      socket.onmessage = async (event) => {
        const blob = event.data as Blob
        socket.send(new Blob(['<', new Uint8Array(await blob.arrayBuffer()), '>']))
        socket.send('after the blob')
      }
    })
    const ws = await h.server.websocket('/')
    ws.send(new Uint8Array([65, 66]))
    await h.server.settle()
    expect(h.sockets[0]!.binaryType).toBe('blob')
    expect(ws.messages).toEqual([new TextEncoder().encode('<AB>'), 'after the blob'])
  })

  it('closes a socket whose listener throws or rejects with 1011, and logs the error', async () => {
    const h = harness((socket) => {
      socket.onmessage = (event) => {
        if (event.data === 'throw') throw new Error('listener failed')
        return Promise.reject(new Error('async listener failed'))
      }
    })
    const a = await h.server.websocket('/')
    a.send('throw')
    const b = await h.server.websocket('/')
    b.send('reject')
    await h.server.settle()
    expect(a.closeFrame?.code).toBe(1011)
    expect(b.closeFrame?.code).toBe(1011)
    expect(h.server.logs.map((entry) => (entry.error as Error).message)).toEqual(['listener failed', 'async listener failed'])
  })

  it('follows the rules of listeners and event handler attributes', async () => {
    const h = harness((socket, log) => {
      const first = (): void => void log.push('first')
      socket.addEventListener('message', first)
      socket.addEventListener('message', first) // a duplicate is ignored
      socket.onmessage = () => log.push('handler 1')
      socket.addEventListener('message', { handleEvent: () => log.push('object') })
      socket.addEventListener('message', () => log.push('once'), { once: true })
      socket.onmessage = () => log.push('handler 2') // keeps the first one's place
      socket.addEventListener('message', function (this: unknown, event) {
        // event.target, not currentTarget: Node 20's EventTarget loses currentTarget after the first listener.
        log.push(`this is the socket: ${this === socket && event.target === socket}`)
        if (event.data === 'second') {
          socket.removeEventListener('message', first)
          socket.onmessage = null
        }
      })
    })
    const ws = await h.server.websocket('/')
    ws.send('first')
    await h.server.settle()
    ws.send('second')
    await h.server.settle()
    ws.send('third')
    await h.server.settle()
    expect(h.log).toEqual([
      'first', 'handler 2', 'object', 'once', 'this is the socket: true',
      'first', 'handler 2', 'object', 'this is the socket: true',
      'object', 'this is the socket: true',
    ])
  })

  it('pings after idleTimeout seconds and closes a silent client', async () => {
    const h = harness(record, { idleTimeout: 5 })
    const ws = await h.server.websocket('/', { autoPong: false })
    await h.server.advance(5_500)
    expect(ws.pings).toHaveLength(1)
    await h.server.advance(5_500)
    expect(ws.closed).toBe(true)
    expect(h.log).toEqual(['open 1', 'error error', 'close 1006 idle timeout false 3'])
  })

  it('close() before the 101 closes right after it, without an open event', async () => {
    const h = harness((socket, log) => {
      record(socket, log)
      socket.close(4001, 'not now')
      log.push(`state ${socket.readyState}`)
    })
    const ws = await h.server.websocket('/')
    await h.server.settle()
    expect(ws.closeFrame).toEqual({ code: 4001, reason: 'not now' })
    expect(h.log).toEqual(['state 2', 'close 4001  true 3'])
  })

  it('counts unsent bytes in bufferedAmount while the client does not read', async () => {
    const h = harness()
    const ws = await h.server.websocket('/')
    await h.server.settle()
    ws.stopReading(0)
    const socket = h.sockets[0]!
    socket.send(new Uint8Array(1000))
    socket.send(new Uint8Array(1000))
    expect(socket.bufferedAmount).toBeGreaterThanOrEqual(2000)
    ws.resume()
    await h.server.settle()
    expect(socket.bufferedAmount).toBe(0)
    expect(ws.messages).toHaveLength(2)
  })
})
