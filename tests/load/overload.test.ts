/**
 * Overload protection over real sockets (issue 16), on node, deno and bun: `portico` with
 * `--limit-concurrency 16 --max-connections 64` and an app that takes 300 ms, hit by a burst of
 * 200 connections that each send one request at once and stay open. Every connection must end
 * in one of three ways: a complete 200 (admitted), a 503 with `Retry-After` (over the
 * concurrency limit, answered at once), or closed before any byte (over the connection limit).
 * Never more than 16 requests run in the app at once; the server's peak RSS stays bounded; it
 * serves normally after the burst. Bounded: one burst per runtime, every wait with a deadline.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ROOT } from '../integration/suite.ts'

const LIMIT = 16
const MAX_CONNECTIONS = 64
const BURST = 200

const CASES = [
  { name: 'node', command: [process.execPath, join(ROOT, 'bin/portico.mjs')] },
  { name: 'deno', command: [join(ROOT, 'node_modules/.bin/deno'), 'run', '-A', join(ROOT, 'cli/main.ts')] },
  { name: 'bun', command: [join(ROOT, 'node_modules/.bin/bun'), join(ROOT, 'cli/main.ts')] },
]

const scratch = mkdtempSync(join(tmpdir(), 'portico-overload-'))
const APP = join(scratch, 'app.ts')
// Counts the requests inside the app at once; /peak reports the most seen.
writeFileSync(APP, `let inside = 0
let peak = 0
export default async (request: Request): Promise<Response> => {
  if (request.url.endsWith('/peak')) return new Response(String(peak))
  inside++
  peak = Math.max(peak, inside)
  await new Promise((resolve) => setTimeout(resolve, 300))
  inside--
  return new Response('admitted')
}
`)

let child: ChildProcess | null = null
afterEach(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
  child = null
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

type Outcome = 'admitted' | 'refused-503' | 'closed-at-accept' | string

/** One connection, one request; the outcome once the response is complete or the socket ends. */
function oneRequest(port: number, release: Promise<void>): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
    let text = ''
    let outcome: Outcome | null = null
    const settle = (value: Outcome): void => {
      if (outcome !== null) return
      outcome = value
      resolve(value)
      // Held open until the whole burst has settled, so that connections count against the limit.
      void release.then(() => socket.destroy())
    }
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      text += chunk
      if (/^HTTP\/1\.1 200 [\s\S]*\r\n\r\nadmitted$/.test(text)) settle('admitted')
      else if (/^HTTP\/1\.1 503 [\s\S]*retry-after: 1\r\n[\s\S]*\r\n\r\n[\s\S]*\n$/.test(text)) settle('refused-503')
    })
    socket.on('error', () => {})
    socket.on('close', () => settle(text === '' ? 'closed-at-accept' : `unexpected: ${JSON.stringify(text.slice(0, 120))}`))
    socket.setTimeout(20_000, () => socket.destroy())
  })
}

describe('overload protection under a burst', () => {
  for (const testCase of CASES) {
    it.skipIf(!existsSync(testCase.command[0]!))(`${testCase.name}: ${BURST} connections at once against --limit-concurrency ${LIMIT} --max-connections ${MAX_CONNECTIONS}`, async () => {
      const started = spawn(testCase.command[0]!, [...testCase.command.slice(1), APP, '--host', '127.0.0.1', '--port', '0', '--limit-concurrency', String(LIMIT), '--max-connections', String(MAX_CONNECTIONS)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      })
      child = started
      let output = ''
      started.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text))
      started.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text))
      const deadline = Date.now() + 60_000
      while (!/Listening on http:\/\/127\.0\.0\.1:(\d+)/.test(output)) {
        if (Date.now() > deadline || started.exitCode !== null) throw new Error(`did not listen: ${output}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const port = Number(/Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1])

      let releaseAll!: () => void
      const release = new Promise<void>((resolve) => (releaseAll = resolve))
      const outcomes = await Promise.all(Array.from({ length: BURST }, () => oneRequest(port, release)))
      releaseAll()
      const counts: Record<string, number> = {}
      for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1
      const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${started.pid}/status`, 'utf8'))![1]) / 1024
      console.log(`${testCase.name}: ${JSON.stringify(counts)}, peak RSS ${peakRssMb.toFixed(0)} MB`)

      expect(Object.keys(counts).filter((k) => !['admitted', 'refused-503', 'closed-at-accept'].includes(k))).toEqual([])
      expect(counts['admitted']).toBeGreaterThanOrEqual(LIMIT)
      expect(counts['refused-503']).toBeGreaterThan(0)
      expect(counts['closed-at-accept']).toBeGreaterThan(0)
      // Each connection held open: at most MAX_CONNECTIONS got an answer.
      expect(counts['admitted']! + counts['refused-503']!).toBeLessThanOrEqual(MAX_CONNECTIONS)
      expect(peakRssMb).toBeLessThan(400)

      // After the burst: the limit held, and the server serves as before.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await (await fetch(`http://127.0.0.1:${port}/peak`)).text()).toBe(String(LIMIT))
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('admitted')
    }, 120_000)
  }
})
