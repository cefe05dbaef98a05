/**
 * Vector harness: drives a `Connection` with a byte stream cut into chunks and records
 * what comes out. Every vector runs whole, one byte at a time and split in two at every
 * offset (h11 `tr`, hyper `all_async_cases`); all runs must agree.
 * @module
 */
import { Connection } from '../../core/http1/connection.ts'
import { RemoteProtocolError } from '../../core/http1/errors.ts'
import type { ErrorCode } from '../../core/http1/errors.ts'
import { NEED_DATA, PAUSED } from '../../core/http1/events.ts'
import type { Limits } from '../../core/http1/limits.ts'

/** An event as recorded: bytes become latin1 text, adjacent data events are merged. */
export type SeenEvent =
  | {
    type: 'request'
    method: string
    target: string
    version: '1.0' | '1.1'
    headers: string[]
    expectContinue: boolean
    upgrade: boolean
    keepAlive: boolean
    contentLength: number | null
  }
  | { type: 'data'; text: string }
  | { type: 'end'; trailers: string[] }
  | { type: 'closed' }

/** What one run produced: the events, then the error that stopped it, if any. */
export interface Outcome {
  events: SeenEvent[]
  error?: { code: ErrorCode; status: number }
}

/** The parts of a `Vector` the harness needs. */
export interface FeedInput {
  input: string | Uint8Array
  limits?: Partial<Limits>
  eof?: boolean
  anyEventsBeforeError?: boolean
}

/** A latin1 string as bytes. */
export function latin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) throw new RangeError(`not latin1 at ${i}: ${text.slice(i, i + 10)}`)
    bytes[i] = code
  }
  return bytes
}

/** Bytes as a latin1 string. */
export function text(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096))
  }
  return out
}

const EMPTY_200 = { type: 'response', status: 200, headers: [], contentLength: 0 } as const

/**
 * Feeds `chunks` (then EOF if `eof`) to a fresh `Connection`. After each request's 'end'
 * the server answers an empty 200 so pipelined requests proceed; upgrade/CONNECT requests
 * are left unanswered (a real server would switch protocols). Anything thrown other than
 * `RemoteProtocolError` propagates.
 */
export function feed(vector: FeedInput, chunks: Uint8Array[]): Outcome {
  const conn = new Connection({ limits: vector.limits })
  const events: SeenEvent[] = []
  const totalBytes = chunks.reduce((n, c) => n + c.length, 0)
  let steps = 0
  let closed = false
  let upgrading = false

  const pump = (): void => {
    while (!closed) {
      if (++steps > 10_000 + 10 * totalBytes) throw new Error('next() does not make progress')
      const ev = conn.next()
      if (ev === NEED_DATA || ev === PAUSED) return
      switch (ev.type) {
        case 'request':
          upgrading = ev.upgrade
          events.push({
            type: 'request', method: ev.method, target: ev.target, version: ev.version,
            headers: [...ev.headers], expectContinue: ev.expectContinue, upgrade: ev.upgrade,
            keepAlive: ev.keepAlive, contentLength: ev.contentLength,
          })
          break
        case 'data': {
          const last = events.at(-1)
          // Copy now: the bytes are only valid until the next receive().
          if (last?.type === 'data') last.text += text(ev.bytes)
          else events.push({ type: 'data', text: text(ev.bytes) })
          break
        }
        case 'end':
          events.push({ type: 'end', trailers: [...ev.trailers] })
          if (!upgrading) {
            conn.send(EMPTY_200)
            conn.send({ type: 'end' })
          }
          break
        case 'closed':
          events.push({ type: 'closed' })
          closed = true
          break
      }
    }
  }

  try {
    for (const chunk of chunks) {
      if (closed) break
      if (chunk.length === 0) continue // an empty chunk would mean EOF
      conn.receive(chunk)
      pump()
    }
    if (vector.eof && !closed) {
      conn.receive(new Uint8Array(0))
      pump()
    }
  } catch (error) {
    if (!(error instanceof RemoteProtocolError)) throw error
    return { events, error: { code: error.code, status: error.statusHint } }
  }
  return { events }
}

/** `bytes` cut at the given offsets (unsorted, duplicates and out-of-range ignored). */
export function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b)
  const parts: Uint8Array[] = []
  let start = 0
  for (const cut of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(start, cut))
    start = cut
  }
  return parts
}

/** Every two-part split for short inputs; for long ones the edges plus ~100 offsets. */
function splitOffsets(length: number): number[] {
  if (length <= 300) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1)
  const offsets = new Set<number>()
  for (let i = 1; i <= 40; i++) offsets.add(i).add(length - i)
  const step = Math.ceil(length / 100)
  for (let i = step; i < length; i += step) offsets.add(i)
  return [...offsets].sort((a, b) => a - b)
}

/** The named ways a vector is cut: whole, bytewise, and `split@N`. */
export function cuts(bytes: Uint8Array): { label: string; chunks: Uint8Array[] }[] {
  const ways = [
    { label: 'whole', chunks: [bytes] },
    { label: 'bytewise', chunks: Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) },
  ]
  for (const offset of splitOffsets(bytes.length)) {
    ways.push({ label: `split@${offset}`, chunks: splitAt(bytes, [offset]) })
  }
  return ways
}

/** Whether two outcomes agree; `loose` compares only the error when there is one. */
export function sameOutcome(a: Outcome, b: Outcome, loose = false): boolean {
  if (loose && a.error && b.error) return JSON.stringify(a.error) === JSON.stringify(b.error)
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Runs `vector` every way. Returns the whole-input outcome and a description of each
 * run that disagreed with it (empty when all agree).
 */
export function runAllWays(vector: FeedInput): { outcome: Outcome; disagreements: string[] } {
  const bytes = typeof vector.input === 'string' ? latin1(vector.input) : vector.input
  const [whole, ...others] = cuts(bytes)
  const outcome = feed(vector, whole!.chunks)
  const disagreements: string[] = []
  for (const { label, chunks } of others) {
    const got = feed(vector, chunks)
    if (!sameOutcome(outcome, got, vector.anyEventsBeforeError)) {
      disagreements.push(`${label}: ${JSON.stringify(got)}`)
    }
  }
  return { outcome, disagreements }
}
