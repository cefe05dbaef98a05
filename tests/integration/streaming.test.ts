/**
 * Big bodies stream through the server in constant memory: a 1 GB upload and a 1 GB download
 * while the server's RSS, sampled from /proc/<pid>/status, grows by less than 64 MB. Over
 * loopback each takes about a second, so the full size runs in every `npm test`. Node only:
 * the engine's buffering is the same on every runtime, and /proc is Linux only.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasProcStatus, rssGrowth } from '../helpers/process-memory.ts'
import { type Fixture, FIXTURE, fixtureLauncher } from './suite.ts'

const MB = 1024 * 1024
const TOTAL = 1024 * MB
const MAX_GROWTH = 64 * MB
const CHUNK = new Uint8Array(MB)
const TIMEOUT_MS = 120_000

const launcher = fixtureLauncher(process.execPath, ['--import', 'tsx', FIXTURE])
afterAll(() => launcher.killAll())

/**
 * Sends `head`, then `bodyBytes` zero bytes with backpressure, and reads the response while
 * counting its bytes without keeping them. Resolves with the head text and the body size.
 */
function transfer(port: number, head: string, bodyBytes: number): Promise<{ head: string; bodyLength: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let headText = ''
    let headDone = false
    let expected = -1
    let received = 0
    let tail = ''
    const finish = (): void => {
      socket.destroy()
      resolve({ head: headText, bodyLength: received, tail })
    }
    socket.on('error', reject)
    socket.on('close', () => (expected === received ? finish() : reject(new Error(`closed after ${received} of ${expected} body bytes; head: ${headText}`))))
    socket.on('data', (chunk: Buffer) => {
      if (!headDone) {
        headText += chunk.toString('latin1')
        const end = headText.indexOf('\r\n\r\n')
        if (end === -1) return
        const rest = headText.length - end - 4
        headText = headText.slice(0, end)
        headDone = true
        const length = /\r\ncontent-length: (\d+)/i.exec(headText)
        if (length === null) return reject(new Error(`no content-length: ${headText}`))
        expected = Number(length[1])
        chunk = chunk.subarray(chunk.length - rest)
      }
      received += chunk.length
      tail = (tail + chunk.toString('latin1')).slice(-32)
      if (received === expected) finish()
    })
    socket.once('connect', async () => {
      socket.write(head)
      for (let left = bodyBytes; left > 0; left -= CHUNK.length) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)
        if (!socket.write(piece)) await new Promise((resume) => socket.once('drain', resume))
      }
    })
  })
}

describe.skipIf(!hasProcStatus)('streaming big bodies (node)', () => {
  let fixture: Fixture

  beforeAll(async () => {
    fixture = await launcher.start()
    // Warm up the JIT and the buffers, so the baseline is not the cold start.
    await transfer(fixture.port, `POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: ${16 * MB}\r\n\r\n`, 16 * MB)
    await transfer(fixture.port, `GET /download?bytes=${16 * MB} HTTP/1.1\r\nHost: test\r\n\r\n`, 0)
  }, 60_000)

  it(`uploads ${TOTAL / MB} MB with RSS growth under 64 MB`, async () => {
    let result = { head: '', bodyLength: 0, tail: '' }
    const growth = await rssGrowth(fixture.pid, async () => {
      result = await transfer(fixture.port, `POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: ${TOTAL}\r\n\r\n`, TOTAL)
    })
    expect(result.head).toMatch(/^HTTP\/1\.1 200 /)
    expect(result.tail).toBe(String(TOTAL))
    expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MAX_GROWTH)
  }, TIMEOUT_MS)

  it(`downloads ${TOTAL / MB} MB with RSS growth under 64 MB`, async () => {
    let result = { head: '', bodyLength: 0, tail: '' }
    const growth = await rssGrowth(fixture.pid, async () => {
      result = await transfer(fixture.port, `GET /download?bytes=${TOTAL} HTTP/1.1\r\nHost: test\r\n\r\n`, 0)
    })
    expect(result.head).toMatch(/^HTTP\/1\.1 200 /)
    expect(result.bodyLength).toBe(TOTAL)
    expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MAX_GROWTH)
  }, TIMEOUT_MS)
})
