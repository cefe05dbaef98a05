// Exchange-level vectors (tests/vectors/dispatch.ts) through the whole server on the memory
// transport: sent in one write, then split at every offset (two writes, the engine running
// between them), each run on a fresh server.
import { describe, expect, it } from 'vitest'
import { Connection } from '../../../core/http1/connection.ts'
import { createTestServer } from '../../../testing/mod.ts'
import { dispatchVectors, type DispatchVector } from '../../vectors/dispatch.ts'

async function run(vector: DispatchVector, parts: string[]): Promise<{ statuses: number[]; text: string; closed: boolean; calls: number }> {
  let calls = 0
  const server = createTestServer(async (request) => {
    calls++
    if (vector.app === 'ignore-body') return new Response('ok')
    return new Response(`echo:${await request.text()}`)
  })
  const conn = server.connect()
  for (const part of parts) {
    conn.send(part)
    await server.settle()
  }
  const statuses = [...conn.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))
  return { statuses, text: conn.text, closed: conn.closed, calls }
}

describe('dispatch vectors', () => {
  for (const vector of dispatchVectors) {
    describe(vector.name, () => {
      it('whole', async () => {
        const result = await run(vector, [vector.input])
        expect(result.statuses).toEqual(vector.statuses)
        expect(result.calls).toBe(vector.appCalls)
        expect(result.closed).toBe(vector.closes)
        if (vector.noContinue) expect(result.text).not.toContain('100 Continue')
        if (vector.statuses.includes(400)) expect(result.text).not.toContain('echo:')
        if (vector.echoed !== undefined) expect(result.text).toContain(`echo:${vector.echoed}`)
      })

      it('split at every offset', async () => {
        for (let cut = 1; cut < vector.input.length; cut++) {
          const result = await run(vector, [vector.input.slice(0, cut), vector.input.slice(cut)])
          const allowed = [vector.statuses, vector.splitStatuses ?? vector.statuses]
          expect(allowed, `cut at ${cut}: ${JSON.stringify(result.statuses)}`).toContainEqual(result.statuses)
          expect(result.closed, `cut at ${cut}`).toBe(vector.closes)
          if (vector.noContinue) expect(result.text, `cut at ${cut}`).not.toContain('100 Continue')
          if (vector.echoed !== undefined) expect(result.text, `cut at ${cut}`).toContain(`echo:${vector.echoed}`)
        }
      })
    })
  }

  it('the engine does not wait for 100-continue on an empty body', () => {
    const conn = new Connection()
    conn.receive(new TextEncoder().encode('POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n'))
    const request = conn.next()
    expect(request).toMatchObject({ type: 'request', expectContinue: true, contentLength: 0 })
    expect(conn.waitingForContinue).toBe(false)
    conn.respond({ type: 'response', status: 200, headers: [] }, 'ok')
    expect(conn.keepAlive).toBe(true)
  })
})
