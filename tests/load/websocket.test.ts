/**
 * WebSocket load and memory proof (issue 12), on each runtime, against
 * tests/integration/websocket-fixture.ts:
 * - 1,000 sockets open at once (the `ws` client), each sending 100 messages back to back; every
 *   echo must come back, in order, byte for byte, and no socket may close.
 * - A slow consumer under a fast producer: the app sends 64 KiB messages until `send` returns
 *   -1 and resumes on `drain`, 256 MiB in all, while a raw client reads at a throttled rate
 *   after a pause. Everything must arrive and the server's peak RSS (VmHWM from
 *   /proc/<pid>/status) must stay flat: far below what was sent.
 * - A message over maxPayloadLength gets 1009, and so does a frame that only announces 1 TiB
 *   (without the server reserving it).
 * - A compressed bomb: a raw client that negotiated permessage-deflate sends ~256 KiB that
 *   inflate to 256 MiB; the server answers 1009 and its peak RSS grows by far less than the
 *   inflated size.
 * Each part runs on a fresh fixture, so that one part's peak does not hide another's. The
 * fixture runs with `ulimit -n 4096` (as in concurrency.test.ts) so that 1,000 sockets fit.
 * @module
 */
import { constants, createDeflateRaw, deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { RUNTIMES } from '../clients/runtimes.ts'
import { fixtureLauncher, type Fixture } from '../integration/suite.ts'
import { procMb } from '../helpers/process-memory.ts'
import { closeCode, RawWebSocket, type ServerFrame } from '../helpers/ws-raw.ts'
import { clientFrame } from '../vectors/ws-client.ts'

const FIXTURE = 'tests/integration/websocket-fixture.ts'
const MiB = 1024 * 1024
const SOCKETS = 1000
const MESSAGES = 100
const CONNECT_WAVE = 100
const MAX_PAYLOAD = MiB
const FLOOD_BYTES = 256 * MiB
const FLOOD_MESSAGE = 64 * 1024
/** The slow consumer: reads nothing for this long, then at most `READ_BUDGET` bytes per `READ_TICK_MS`. */
const READ_PAUSE_MS = 1000
const READ_TICK_MS = 100
const READ_BUDGET = 8 * MiB
const BOMB_BYTES = 256 * MiB
/**
 * Peak RSS growth allowed while 256 MiB stream out. Each send's frame is garbage once
 * written, and V8 collects array buffers lazily (it lets ~64 MB of them build up before a
 * GC): without the warm-up, growth was 20–60 MB whether 128 or 512 MiB went out; after it,
 * 1–15 MB. Buffering what the consumer has not taken yet would grow by hundreds of MB.
 */
const FLOOD_FLAT_MB = 96
/** Peak RSS growth allowed for the 1 TiB frame head and for the 256 MiB bomb (measured: 2–4 MB). */
const LIMIT_FLAT_MB = 32

/** Runs `command args…` under `sh` with a raised fd limit; `exec` keeps the fixture's PID. */
function withFdLimit(command: string, args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'ulimit -n 4096 2>/dev/null; exec "$0" "$@"', command, ...args]]
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Message `m` of socket `s`: text for even `m`, binary for odd, of varying sizes. */
function messageFor(s: number, m: number): string | Buffer {
  const text = `socket ${s} message ${m} `.padEnd(20 + ((s * 13 + m * 7) % 200), '.')
  return m % 2 === 0 ? text : Buffer.from(text, 'latin1')
}

/** A permessage-deflate payload (RFC 7692 §7.2.1: sync flush, its 00 00 ff ff removed). */
function deflated(bytes: Uint8Array): Uint8Array {
  const out = deflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH })
  return out.subarray(0, out.length - 4)
}

/** `total` zero bytes deflated as one message, streamed so that they never exist at once. */
async function deflatedZeros(total: number): Promise<Uint8Array> {
  const stream = createDeflateRaw({ level: 9 })
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  const zeros = Buffer.alloc(MiB)
  for (let left = total; left > 0; left -= MiB) {
    if (!stream.write(zeros)) await new Promise((resolve) => stream.once('drain', resolve))
  }
  await new Promise<void>((resolve) => stream.flush(constants.Z_SYNC_FLUSH, () => resolve()))
  stream.close()
  const out = Buffer.concat(chunks)
  return out.subarray(0, out.length - 4)
}

/** Opens a `ws` socket, resolving once open. */
function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 20_000 })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

for (const runtime of RUNTIMES) {
  const title = runtime.skip === undefined ? `WebSocket load on ${runtime.name}` : `WebSocket load on ${runtime.name} (skipped: ${runtime.skip})`

  describe.skipIf(runtime.skip !== undefined)(title, () => {
    const launcher = fixtureLauncher(...withFdLimit(runtime.command, runtime.args(FIXTURE)))
    afterAll(() => launcher.killAll())
    const start = (): Promise<Fixture> => launcher.start({ WS_MAX_PAYLOAD: String(MAX_PAYLOAD), GRACEFUL_TIMEOUT: '2000' })

    async function report(fixture: Fixture, id: string): Promise<Record<string, unknown>> {
      return (await (await fetch(`http://127.0.0.1:${fixture.port}/report?id=${id}`)).json()) as Record<string, unknown>
    }

    it(`${SOCKETS} sockets × ${MESSAGES} echoed messages, nothing lost`, async () => {
      const fixture = await start()
      const url = `ws://127.0.0.1:${fixture.port}/echo?id=load`
      const started = Date.now()
      const sockets: WebSocket[] = []
      try {
        for (let wave = 0; wave < SOCKETS; wave += CONNECT_WAVE) {
          sockets.push(...(await Promise.all(Array.from({ length: CONNECT_WAVE }, () => openWs(url)))))
        }
        const connected = Date.now()
        const failures: string[] = []
        await Promise.all(sockets.map((socket, s) => new Promise<void>((resolve) => {
          let received = 0
          const fail = (why: string): void => {
            failures.push(`socket ${s}: ${why}`)
            resolve()
          }
          const timer = setTimeout(() => fail(`${received} of ${MESSAGES} echoes within 45 s`), 45_000)
          socket.on('message', (data: Buffer, isBinary: boolean) => {
            const expected = messageFor(s, received)
            const same = typeof expected === 'string' ? !isBinary && data.toString('latin1') === expected : isBinary && data.equals(expected)
            if (!same) {
              clearTimeout(timer)
              return fail(`echo ${received} differs: ${data.toString('latin1').slice(0, 40)}`)
            }
            if (++received === MESSAGES) {
              clearTimeout(timer)
              resolve()
            }
          })
          socket.once('close', (code) => {
            if (received < MESSAGES) fail(`closed (${code}) after ${received} echoes`)
          })
          for (let m = 0; m < MESSAGES; m++) socket.send(messageFor(s, m))
        })))
        const done = Date.now()
        const stillOpen = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length
        console.log(
          `[ws load] ${runtime.name}: ${SOCKETS} sockets × ${MESSAGES} messages; connect ${connected - started} ms, ` +
            `echoes ${done - connected} ms (${Math.round((SOCKETS * MESSAGES * 1000) / Math.max(1, done - connected))} messages/s); ` +
            `server peak RSS ${procMb(fixture.pid, 'VmHWM').toFixed(1)} MB; failures ${failures.length}`,
        )
        expect(failures.slice(0, 5), `${failures.length} of ${SOCKETS} sockets failed`).toEqual([])
        expect(stillOpen).toBe(SOCKETS)
      } finally {
        for (const socket of sockets) socket.terminate()
      }
    }, 60_000)

    it('a slow consumer under a fast producer: everything arrives, server memory stays flat', async () => {
      const fixture = await start()
      /** Reads a whole flood, at full speed or throttled; resolves with the binary payload bytes. */
      const consume = async (id: string, total: number, slow: boolean): Promise<{ bytes: number; frames: number; ms: number }> => {
        const ws = await RawWebSocket.open({ port: fixture.port, path: `/flood?id=${id}&total=${total}&size=${FLOOD_MESSAGE}` })
        const started = Date.now()
        let bytes = 0
        let frames = 0
        let window = 0
        let ticker: NodeJS.Timeout | undefined
        if (slow) {
          ws.socket.pause()
          await sleep(READ_PAUSE_MS)
          ticker = setInterval(() => {
            window = 0
            ws.socket.resume()
          }, READ_TICK_MS)
          ws.socket.on('data', (chunk: Buffer) => {
            window += chunk.length
            if (window >= READ_BUDGET) ws.socket.pause()
          })
          ws.socket.resume()
        }
        try {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${bytes} of ${total} bytes within 40 s`)), 40_000)
            ws.onFrame = (frame: ServerFrame) => {
              if (frame.opcode === 2) {
                bytes += frame.payload.length
                frames++
              } else if (frame.opcode === 1 && frame.payload.toString() === 'done') {
                clearTimeout(timer)
                resolve()
              } else {
                clearTimeout(timer)
                reject(new Error(`unexpected frame: opcode ${frame.opcode}`))
              }
            }
          })
        } finally {
          clearInterval(ticker)
          ws.destroy()
        }
        return { bytes, frames, ms: Date.now() - started }
      }

      // Warm-up: the code paths compiled and the allocator settled before the baseline.
      const warm = await consume('flood-warm', 64 * MiB, false)
      await sleep(200)
      const before = procMb(fixture.pid, 'VmHWM')
      const flood = await consume('flood', FLOOD_BYTES, true)
      const after = procMb(fixture.pid, 'VmHWM')
      const stats = (await report(fixture, 'flood'))['flood'] as Record<string, number>
      console.log(
        `[ws load] ${runtime.name}: a fast consumer read ${warm.bytes / MiB} MiB in ${warm.ms} ms, the slow one ` +
          `${flood.bytes / MiB} MiB in ${flood.ms} ms; producer ${JSON.stringify(stats)}; ` +
          `server peak RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB`,
      )
      expect(flood).toMatchObject({ bytes: FLOOD_BYTES, frames: FLOOD_BYTES / FLOOD_MESSAGE })
      // The app met backpressure (send → -1) and resumed on drain, and nothing was dropped.
      expect(stats).toMatchObject({ sent: FLOOD_BYTES, dropped: 0, done: true })
      expect(stats['waits']).toBeGreaterThan(0)
      expect(stats['drains']).toBe(stats['waits'])
      expect(after - before, `peak RSS grew ${(after - before).toFixed(1)} MB while ${FLOOD_BYTES / MiB} MiB went out`).toBeLessThan(FLOOD_FLAT_MB)
    }, 60_000)

    describe('limits', () => {
      let fixture: Fixture
      beforeAll(async () => {
        fixture = await start()
      }, 30_000)

      it('closes a message over maxPayloadLength with 1009, and a frame announcing 1 TiB at once', async () => {
        const over = await RawWebSocket.open({ port: fixture.port, path: '/echo?id=over' })
        await over.write(clientFrame({ opcode: 2, payload: new Uint8Array(MAX_PAYLOAD + 1) }))
        const overFrames = await over.untilClose()
        await over.waitEnded()
        expect(overFrames.map((f) => [f.opcode, closeCode(f)])).toEqual([[8, 1009]])

        const before = procMb(fixture.pid, 'VmHWM')
        const huge = await RawWebSocket.open({ port: fixture.port, path: '/echo?id=huge' })
        // The head of a 2^40-byte binary frame, and a few bytes of it.
        await huge.write(clientFrame({ opcode: 2, payload: new Uint8Array(16), announce: 2 ** 40 }))
        const hugeFrames = await huge.untilClose()
        huge.destroy()
        expect(hugeFrames.map((f) => [f.opcode, closeCode(f)])).toEqual([[8, 1009]])
        expect(procMb(fixture.pid, 'VmHWM') - before).toBeLessThan(LIMIT_FLAT_MB)
        expect(((await report(fixture, 'over'))['close'] as { code: number }).code).toBe(1009)
        expect(((await report(fixture, 'huge'))['close'] as { code: number }).code).toBe(1009)
      })

      it('closes a compressed bomb with 1009 without inflating it', async () => {
        const bomb = await deflatedZeros(BOMB_BYTES)
        expect(bomb.length).toBeLessThan(MAX_PAYLOAD)
        const open = (id: string): Promise<RawWebSocket> =>
          RawWebSocket.open({ port: fixture.port, path: `/echo?id=${id}`, headers: ['Sec-WebSocket-Extensions: permessage-deflate'] })

        // Warm-up: a compressed message inflated and echoed, so that zlib is loaded before the baseline.
        const warm = await open('bomb-warm')
        expect(warm.header('sec-websocket-extensions')[0]).toMatch(/^permessage-deflate/)
        await warm.write(clientFrame({ opcode: 1, payload: deflated(Buffer.from('x'.repeat(10_000))), rsv: 4 }))
        const echo = await warm.next()
        expect([echo.opcode, echo.payload.length]).toEqual([1, 10_000])
        warm.destroy()
        await sleep(200)

        const before = procMb(fixture.pid, 'VmHWM')
        const ws = await open('bomb')
        await ws.write(clientFrame({ opcode: 2, payload: bomb, rsv: 4 }))
        const frames = await ws.untilClose()
        ws.destroy()
        const after = procMb(fixture.pid, 'VmHWM')
        console.log(
          `[ws load] ${runtime.name}: bomb of ${(bomb.length / 1024).toFixed(0)} KiB inflating to ${BOMB_BYTES / MiB} MiB → ` +
            `close ${frames.map((f) => closeCode(f)).join(',')}; server peak RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB`,
        )
        expect(frames.map((f) => [f.opcode, closeCode(f)])).toEqual([[8, 1009]])
        expect(after - before, `peak RSS grew ${(after - before).toFixed(1)} MB`).toBeLessThan(LIMIT_FLAT_MB)
        expect(((await report(fixture, 'bomb'))['close'] as { code: number }).code).toBe(1009)

        // The server goes on serving.
        const next = await open('after-bomb')
        await next.write(clientFrame({ opcode: 1, payload: 'still here' }))
        expect((await next.next()).payload.toString()).toBe('still here')
        next.destroy()
      })
    })
  })
}
