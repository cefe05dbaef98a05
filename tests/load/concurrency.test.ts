/**
 * Load proof (issue 7): on each runtime, 1,000 keep-alive connections open at once, each
 * sending 10 requests one after another (GET /, POST /echo with a body unique to the
 * request, GET /download of a connection-specific size), all in flight together. Every
 * response must be right and no connection may fail or be closed. The fixture's peak RSS
 * (VmHWM from /proc/<pid>/status) is printed. The fixture runs with `ulimit -n 4096` so that
 * 1,000 sockets fit whatever limit the test process has.
 * @module
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { procMb } from '../helpers/process-memory.ts'
import { header, RawConnection, type Target } from '../helpers/raw-client.ts'
import { FIXTURE, fixtureLauncher, ROOT, type Fixture } from '../integration/suite.ts'

const CONNECTIONS = 1000
const REQUESTS_PER_CONNECTION = 10
/** Connections are opened in waves, so that a listen backlog smaller than 1,000 is not the thing under test. */
const CONNECT_WAVE = 100

/** Runs `command args…` under `sh` with a raised fd limit; `exec` keeps the fixture's PID. */
function withFdLimit(command: string, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'ulimit -n 4096 2>/dev/null; exec "$0" "$@"', command, ...args]]
}

const RUNTIMES: Array<{ name: string; binary: string; args: string[] }> = [
  { name: 'node', binary: process.execPath, args: ['--import', 'tsx', FIXTURE] },
  { name: 'deno', binary: join(ROOT, 'node_modules/.bin/deno'), args: ['run', '-A', FIXTURE] },
  { name: 'bun', binary: join(ROOT, 'node_modules/.bin/bun'), args: ['run', FIXTURE] },
]

/** Request `r` of connection `c`, and the body its response must have. */
function requestFor(c: number, r: number): { bytes: string; body: string } {
  switch ((c + r) % 3) {
    case 0:
      return { bytes: 'GET / HTTP/1.1\r\nHost: load\r\n\r\n', body: 'hello' }
    case 1: {
      const body = `connection ${c} request ${r}`
      return { bytes: `POST /echo HTTP/1.1\r\nHost: load\r\nContent-Length: ${body.length}\r\n\r\n${body}`, body }
    }
    default: {
      const size = 1 + ((c * 7 + r) % 300)
      return { bytes: `GET /download?bytes=${size} HTTP/1.1\r\nHost: load\r\n\r\n`, body: '\0'.repeat(size) }
    }
  }
}

for (const runtime of RUNTIMES) {
  const missing = [runtime.binary, join(ROOT, `runtimes/${runtime.name}.ts`)].find((file) => !existsSync(file))
  const title = missing === undefined ? `${CONNECTIONS} keep-alive connections on ${runtime.name}` : `on ${runtime.name} (skipped: ${missing} does not exist)`

  describe.skipIf(missing !== undefined)(title, () => {
    const launcher = fixtureLauncher(...withFdLimit(runtime.binary, runtime.args))
    let fixture: Fixture
    let target: Target
    beforeAll(async () => {
      // Idle connections wait for the others to open; the timeouts must not close them meanwhile.
      fixture = await launcher.start({ HEADERS_TIMEOUT: '30000', KEEP_ALIVE_TIMEOUT: '30000' })
      target = { port: fixture.port }
    }, 30_000)
    afterAll(() => launcher.killAll())

    it(`answers ${REQUESTS_PER_CONNECTION} requests on each, all correct`, async () => {
      const started = Date.now()
      const rssBefore = procMb(fixture.pid, 'VmRSS')
      const connections: RawConnection[] = []
      try {
        for (let wave = 0; wave < CONNECTIONS; wave += CONNECT_WAVE) {
          const opened = await Promise.all(
            Array.from({ length: CONNECT_WAVE }, () => RawConnection.connect(target, { timeoutMs: 20_000 })),
          )
          connections.push(...opened)
        }
        const connected = Date.now()

        const failures: string[] = []
        await Promise.all(
          connections.map(async (connection, c) => {
            try {
              for (let r = 0; r < REQUESTS_PER_CONNECTION; r++) {
                const { bytes, body } = requestFor(c, r)
                await connection.write(bytes)
                const response = (await connection.responses(r + 1))[r]!
                if (response.status !== 200 || response.body.toString('latin1') !== body || header(response, 'connection') === 'close') {
                  throw new Error(`request ${r}: ${response.status} ${JSON.stringify(response.body.toString('latin1').slice(0, 60))}`)
                }
              }
              if (connection.closed) throw new Error(`closed by the server (${connection.error?.message ?? 'FIN'})`)
            } catch (error) {
              failures.push(`connection ${c}: ${(error as Error).message.slice(0, 300)}`)
            }
          }),
        )
        const done = Date.now()
        const peak = procMb(fixture.pid, 'VmHWM')
        console.log(
          `[load] ${runtime.name}: ${CONNECTIONS} connections × ${REQUESTS_PER_CONNECTION} requests; ` +
            `connect ${connected - started} ms, requests ${done - connected} ms ` +
            `(${Math.round((CONNECTIONS * REQUESTS_PER_CONNECTION * 1000) / Math.max(1, done - connected))} req/s); ` +
            `server RSS before ${rssBefore.toFixed(1)} MB, peak (VmHWM) ${peak.toFixed(1)} MB; failures ${failures.length}`,
        )
        expect(failures.slice(0, 5), `${failures.length} of ${CONNECTIONS} connections failed`).toEqual([])
      } finally {
        for (const connection of connections) connection.destroy()
      }
    }, 30_000)
  })
}
