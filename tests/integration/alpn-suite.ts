/**
 * TLS ALPN on every driver, one table run under each runtime (alpn-{node,deno,bun}.test.ts
 * only say how to spawn the fixture): which protocol the server agrees on for what a client
 * offers, seen from Node's tls client, and that HTTP/1.1 still works over the agreed
 * connection. No HTTP/2 bytes are sent: this is about the handshake, which decides what
 * the connection loop gets in `Transport.alpnProtocol`.
 *
 * What every runtime does (the same on Node, Deno and Bun): with HTTP/2 on (the default)
 * the server offers `h2` then `http/1.1`; with `http2: false` only `http/1.1`. A client whose
 * offer has no protocol in common gets a fatal no_application_protocol alert (RFC 7301 §3.2);
 * a client that offers none gets no ALPN and speaks HTTP/1.1.
 * @module
 */
import net from 'node:net'
import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResponses } from '../helpers/raw-client.ts'
import type { Fixture, SuiteOptions } from './suite.ts'

const NO_OVERLAP = 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'

/** Where a TLS listener is, from its fixture line (`LISTENING_TLS <url>`). */
function tlsPort(fixture: Fixture, line: string): number {
  const url = fixture.output().match(new RegExp(`^${line} (\\S+)$`, 'm'))?.[1]
  if (url === undefined) throw new Error(`no ${line} line\n${fixture.output()}`)
  return Number(new URL(url).port)
}

/** Completes a TLS handshake offering `protocols` (none when undefined); resolves with the connected socket. */
function handshake(port: number, protocols: string[] | undefined): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: protocols })
    const timer = setTimeout(() => socket.destroy(new Error('no handshake within 5 s')), 5000)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('error', (error: Error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** The client's view of the agreed protocol (false: none); the socket is closed after. */
async function agreed(port: number, protocols: string[] | undefined): Promise<string | false | null> {
  const socket = await handshake(port, protocols)
  socket.destroy()
  return socket.alpnProtocol
}

/** `GET /` over an established TLS socket with `Connection: close`; resolves with status and body. */
function getOver(socket: tls.TLSSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(new Error('no response within 5 s')), 5000)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('error', reject)
    socket.once('close', () => {
      clearTimeout(timer)
      const [response] = parseResponses(Buffer.concat(chunks), ['GET'], true).responses
      if (response === undefined) return reject(new Error(`no response: ${Buffer.concat(chunks).toString('latin1')}`))
      resolve({ status: response.status, body: response.body.toString() })
    })
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  })
}

/** Registers the ALPN suite for one runtime. */
export function defineAlpnSuite({ runtime, start, skip, stalledHandshakeStaysOpen }: SuiteOptions & { stalledHandshakeStaysOpen?: string }): void {
  const title = skip === undefined ? `TLS ALPN on ${runtime}` : `TLS ALPN on ${runtime} (skipped: ${skip})`
  describe.skipIf(skip !== undefined)(title, () => {
    let fixture: Fixture
    let h2: number // http2 on (the default)
    let http1: number // http2: false

    beforeAll(async () => {
      fixture = await start({ PORTICO_TLS: '1', PORTICO_TLS_HTTP1: '1' })
      h2 = tlsPort(fixture, 'LISTENING_TLS')
      http1 = tlsPort(fixture, 'LISTENING_TLS_HTTP1')
    }, 30_000)
    afterAll(() => fixture?.kill())

    describe('HTTP/2 on (default)', () => {
      it('agrees on h2 when the client offers h2 and http/1.1', async () => {
        expect(await agreed(h2, ['h2', 'http/1.1'])).toBe('h2')
      })

      it('prefers h2 whatever the order of the client offer', async () => {
        expect(await agreed(h2, ['http/1.1', 'h2'])).toBe('h2')
      })

      it('agrees on http/1.1 when the client offers only that, and serves HTTP/1.1', async () => {
        const socket = await handshake(h2, ['http/1.1'])
        expect(socket.alpnProtocol).toBe('http/1.1')
        expect(await getOver(socket)).toEqual({ status: 200, body: 'hello' })
      })

      it('serves HTTP/1.1 to a client that offers no ALPN', async () => {
        const socket = await handshake(h2, undefined)
        expect(socket.alpnProtocol).toBe(false)
        expect(await getOver(socket)).toEqual({ status: 200, body: 'hello' })
      })

      it('refuses a client with no protocol in common (no_application_protocol alert)', async () => {
        await expect(handshake(h2, ['spdy/3'])).rejects.toMatchObject({ code: NO_OVERLAP })
        expect(await agreed(h2, ['h2'])).toBe('h2') // and keeps serving
      })
    })

    describe('http2: false', () => {
      it('agrees on http/1.1 when the client offers h2 and http/1.1, and serves HTTP/1.1', async () => {
        const socket = await handshake(http1, ['h2', 'http/1.1'])
        expect(socket.alpnProtocol).toBe('http/1.1')
        expect(await getOver(socket)).toEqual({ status: 200, body: 'hello' })
      })

      it('refuses a client that offers only h2 (no_application_protocol alert)', async () => {
        await expect(handshake(http1, ['h2'])).rejects.toMatchObject({ code: NO_OVERLAP })
      })

      it('serves HTTP/1.1 to a client that offers no ALPN', async () => {
        const socket = await handshake(http1, undefined)
        expect(socket.alpnProtocol).toBe(false)
        expect(await getOver(socket)).toEqual({ status: 200, body: 'hello' })
      })
    })

    const bounded = stalledHandshakeStaysOpen === undefined
    it.skipIf(!bounded)(`closes a connection whose TLS handshake does not finish within headersTimeout (1 s here)${bounded ? '' : ` (not on ${runtime}: ${stalledHandshakeStaysOpen})`}`, async () => {
      const stalled = net.connect({ host: '127.0.0.1', port: h2 }) // never sends a ClientHello
      stalled.on('error', () => {}).resume()
      try {
        const started = Date.now()
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('still open after 10 s')), 10_000)
          stalled.once('close', () => resolve(clearTimeout(timer)))
        })
        expect(Date.now() - started).toBeGreaterThanOrEqual(900)
      } finally {
        stalled.destroy()
      }
    })

    it('keeps accepting while one client stalls in its handshake and another sends garbage', async () => {
      const stalled = net.connect({ host: '127.0.0.1', port: h2 }) // never sends a ClientHello
      const garbage = net.connect({ host: '127.0.0.1', port: h2 })
      // Read (and drop) what comes back, the TLS alert: an unread socket never sees the close.
      const garbageClosed = new Promise<void>((resolve) => garbage.on('close', () => resolve()).on('error', () => {}).resume())
      stalled.on('error', () => {})
      try {
        await new Promise((resolve) => garbage.once('connect', resolve))
        garbage.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n') // plain HTTP to a TLS port
        const socket = await handshake(h2, ['h2', 'http/1.1'])
        expect(socket.alpnProtocol).toBe('h2')
        socket.destroy()
        expect(await getOver(await handshake(h2, ['http/1.1']))).toEqual({ status: 200, body: 'hello' })
        await garbageClosed // a failed handshake closes just that connection
      } finally {
        stalled.destroy()
        garbage.destroy()
      }
    })
  })
}
