// `ServeOptions.telemetry: true` in core: the runtime's telemetry (`Runtime.telemetry`, an
// import in the drivers) is loaded before the server listens, so the first connection is
// already observed; a failed load fails ready() and never listens; a runtime without one
// refuses the option at startup. The drivers' OpenTelemetry itself is tested in
// tests/telemetry/.
import { describe, expect, it } from 'vitest'
import type { Runtime } from '../../../core/server/runtime.ts'
import { startServer, type Listener } from '../../../core/server/server.ts'
import type { Telemetry } from '../../../core/server/telemetry.ts'
import type { Transport } from '../../../core/server/transport.ts'

function runtimeWith(telemetry?: () => Promise<Telemetry>): Runtime & { logs: string[] } {
  const logs: string[] = []
  return {
    name: 'test',
    now: () => 0,
    timers: { once: (f, ms) => setTimeout(f, ms), repeat: (f, ms) => setInterval(f, ms), cancel: (h) => clearTimeout(h as number) },
    log: (message) => void logs.push(message),
    print: () => {},
    telemetry,
    logs,
  }
}

/** A transport whose peer never sends anything and is gone once `abort()`ed. */
function idleTransport(): Transport {
  let closed: (value: null) => void = () => {}
  const ended = new Promise<null>((resolve) => (closed = resolve))
  return { read: () => ended, write: () => {}, closeWrite: () => {}, abort: () => closed(null) }
}

const address = { transport: 'tcp', hostname: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1/' } as const

describe('telemetry: true', () => {
  it('listens only once the runtime has loaded its telemetry, which then sees the first connection', async () => {
    let load!: (telemetry: Telemetry) => void
    const opened: boolean[] = []
    const runtime = runtimeWith(() => new Promise((resolve) => (load = resolve)))
    let accept: ((transport: Transport) => void) | null = null
    const server = startServer(() => new Response('ok'), { telemetry: true, onListen: () => {} }, runtime, (onConnection): Listener => {
      accept = onConnection
      return { address, close: () => {} }
    })
    for (let i = 0; i < 10; i++) await Promise.resolve()
    expect(accept).toBeNull()
    load({ requestStarted: () => null, connectionOpened: (rejected) => void opened.push(rejected) })
    await server.ready()
    accept!(idleTransport())
    expect(opened).toEqual([false])
    await server.close({ force: true })
  })

  it('fails ready() with the load error and never listens', async () => {
    const runtime = runtimeWith(() => Promise.reject(new Error('npm install @opentelemetry/api')))
    let listened = false
    const server = startServer(() => new Response('ok'), { telemetry: true, onListen: () => {} }, runtime, (): Listener => {
      listened = true
      return { address, close: () => {} }
    })
    await expect(server.ready()).rejects.toThrow('npm install @opentelemetry/api')
    expect(listened).toBe(false)
    await server.close()
  })

  it('is refused at startup by a runtime without telemetry; false and a Telemetry object need none', async () => {
    const listen = (): Listener => ({ address, close: () => {} })
    expect(() => startServer(() => new Response('ok'), { telemetry: true }, runtimeWith(), listen)).toThrow(TypeError)
    for (const telemetry of [false, { requestStarted: () => null }]) {
      const server = startServer(() => new Response('ok'), { telemetry, onListen: () => {} }, runtimeWith(), listen)
      await server.ready()
      await server.close()
    }
  })
})
