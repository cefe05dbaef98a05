/** Listen failures in words, whatever the runtime said (or did not say). */
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkPort, describeListenError, describeRefusal, formatTarget } from '../../cli/listen-check.ts'

let blocker: Server
let port = 0
beforeAll(async () => {
  blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  port = (blocker.address() as { port: number }).port
})
afterAll(() => void blocker.close())

describe('listen checks', () => {
  it('probes a port: the code when taken, undefined when free', async () => {
    expect(await checkPort('127.0.0.1', port)).toBe('EADDRINUSE')
    expect(await checkPort('127.0.0.1', 0)).toBeUndefined()
  })

  it('words errno codes (Node), Deno\'s error classes, and asks the kernel when Bun says nothing', async () => {
    const target = { hostname: '127.0.0.1', port }
    const expected = `cannot listen on 127.0.0.1:${port}: the port is in use by another program (EADDRINUSE)`
    expect(await describeListenError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), target)).toBe(expected)
    expect(await describeListenError(Object.assign(new Error('Address already in use (os error 98)'), { name: 'AddrInUse' }), target)).toBe(expected)
    expect(await describeListenError(new Error('Failed to listen at 127.0.0.1'), target)).toBe(expected)
    expect(describeRefusal({ hostname: '0.0.0.0', port: 80 }, 'EACCES')).toBe(
      'cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE) (EACCES)')
  })

  it('says what a TLS key mismatch is, in every runtime\'s wording', async () => {
    for (const message of ['error:05800074:x509 certificate routines::key values mismatch', 'keys may not be consistent: KeyMismatch',
      'error:0b000074:X.509 certificate routines:OPENSSL_internal:KEY_VALUES_MISMATCH']) {
      expect(await describeListenError(new Error(message), { hostname: 'h', port: 1 })).toMatch(/^cannot serve TLS on h:1: the --tls-key file is not the private key of the --tls-cert certificate/)
    }
  })

  it('formats IPv6 hosts and unix sockets', () => {
    expect(formatTarget({ hostname: '::1', port: 8000 })).toBe('[::1]:8000')
    expect(formatTarget({ unix: '/tmp/p.sock' })).toBe('/tmp/p.sock')
  })
})
