/**
 * HTTP/2 vector harness: drives an `Http2Connection` with client bytes cut into chunks, plays
 * a minimal server (reads every body, answers each complete request with an empty 200) and
 * records the events and the frames written back. Every vector runs whole, one byte at a time
 * and split at every offset (`tests/helpers/feed.ts`); all runs must agree.
 *
 * A vector is a list of steps. The harness answers between steps the way h2spec waits for a
 * response before its next move, so step boundaries are cut points in every run. Frames are
 * compared as a sorted list: when a response is queued relative to a reply depends on where
 * the input was cut, which frames are written does not.
 * @module
 */
import { Http2Connection } from '../../core/http2/connection.ts'
import type { Http2Event } from '../../core/http2/events.ts'
import { HpackDecoder } from '../../core/http2/hpack/mod.ts'
import type { Http2Limits } from '../../core/http2/limits.ts'
import { splitAt } from './feed.ts'
import { bytes, CODE_NAMES, concat, describeFrames, latin1 } from './h2-frames.ts'

/** An event as recorded: bytes become latin1 text, codes become names. */
export type SeenEvent =
  | Exclude<Http2Event, { type: 'data' } | { type: 'stream-reset' } | { type: 'goaway' } | { type: 'connection-error' }>
  | { type: 'data'; streamId: number; text: string; endStream: boolean }
  | { type: 'stream-reset'; streamId: number; code: string; byPeer: boolean }
  | { type: 'goaway'; lastStreamId: number; code: string }
  | { type: 'connection-error'; code: string }

/** One vector: client bytes in, events and frames out. */
export interface H2Vector {
  /** h2spec's case id first ("http2/6.5.3/1: …"), or what the vector covers. */
  name: string
  /** The RFC rule or attack. */
  why: string
  /** Client bytes, fed in order; the harness answers between steps. */
  steps: Uint8Array[]
  /** The events, in order and complete (partial match per event). */
  events?: Partial<SeenEvent>[]
  /** Every frame written after our own SETTINGS, in any order (see `describeFrames`). */
  frames?: string[]
  /** Frames that must be among those written. */
  framesInclude?: string[]
  limits?: Partial<Http2Limits>
  /** The harness answers complete requests (default true). */
  respond?: boolean
  /** The body of each answer (default none: the HEADERS carry END_STREAM), sent as windows allow. */
  body?: string
}

/** What one run produced. */
export interface H2Outcome {
  events: SeenEvent[]
  /** Sorted. */
  frames: string[]
  /** True when the last frame written is a GOAWAY or nothing follows a connection error. */
  goawayLast: boolean
}

const codeName = (c: number): string => CODE_NAMES[c] ?? String(c)

/** Feeds `chunks` to a fresh connection, playing the server. */
export function feedH2(vector: Pick<H2Vector, 'limits' | 'respond' | 'body'>, chunks: Uint8Array[]): H2Outcome {
  const conn = new Http2Connection({ limits: vector.limits })
  conn.initiate()
  conn.takeOutput() // our SETTINGS and connection WINDOW_UPDATE: tested on their own
  const events: SeenEvent[] = []
  const written: Uint8Array[] = []
  const pending = new Map<number, Uint8Array>()
  const send = (id: number): void => {
    const rest = pending.get(id)!
    const n = conn.sendData(id, rest, true)
    if (n === rest.length) pending.delete(id)
    else pending.set(id, rest.subarray(n))
  }
  const answer = (id: number): void => {
    if (!(vector.respond ?? true)) return
    if (vector.body === undefined) return conn.respond(id, 200, [], true)
    conn.respond(id, 200, [], false)
    pending.set(id, bytes(vector.body))
    send(id)
  }
  for (const chunk of chunks) {
    for (const ev of conn.receive(chunk)) {
      switch (ev.type) {
        case 'data':
          // Copy now: the bytes may be a view into the chunk.
          events.push({ type: 'data', streamId: ev.streamId, text: latin1(ev.bytes), endStream: ev.endStream })
          conn.consume(ev.streamId, ev.bytes.length)
          if (ev.endStream) answer(ev.streamId)
          break
        case 'request':
          events.push(ev)
          if (ev.endStream) answer(ev.streamId)
          break
        case 'trailers':
          events.push(ev)
          answer(ev.streamId)
          break
        case 'stream-reset':
          events.push({ ...ev, code: codeName(ev.code) })
          break
        case 'goaway':
          events.push({ ...ev, code: codeName(ev.code) })
          break
        case 'window-update':
          events.push(ev)
          for (const id of [...pending.keys()]) if (ev.streamId === 0 || ev.streamId === id) send(id)
          break
        case 'connection-error':
          events.push({ type: 'connection-error', code: codeName(ev.code) })
          break
        default:
          events.push(ev)
      }
    }
    written.push(...conn.takeOutput())
  }
  const frames = describeFrames(concat(...written), new HpackDecoder())
  return { events, frames: [...frames].sort(), goawayLast: frames.length === 0 || !frames.slice(0, -1).some((f) => f.startsWith('GOAWAY')) }
}

/** Every way to cut the steps: whole steps, bytewise, and each step boundary plus one more offset. */
export function h2Cuts(steps: Uint8Array[]): { label: string; chunks: Uint8Array[] }[] {
  const all = concat(...steps)
  const bounds: number[] = []
  let at = 0
  for (const s of steps) bounds.push((at += s.length))
  const ways = [
    { label: 'whole', chunks: steps },
    { label: 'bytewise', chunks: Array.from(all, (_, i) => all.subarray(i, i + 1)) },
  ]
  const offsets: number[] = []
  if (all.length <= 400) for (let i = 1; i < all.length; i++) offsets.push(i)
  else {
    const step = Math.ceil(all.length / 120)
    for (let i = 1; i < all.length; i += i < 64 || i > all.length - 64 ? 1 : step) offsets.push(i)
  }
  for (const o of offsets) ways.push({ label: `split@${o}`, chunks: splitAt(all, [...bounds, o]) })
  return ways
}

/** Runs a vector every way; returns the whole-input outcome and each run that disagreed. */
export function runH2AllWays(vector: H2Vector): { outcome: H2Outcome; disagreements: string[] } {
  const [whole, ...others] = h2Cuts(vector.steps)
  const outcome = feedH2(vector, whole!.chunks)
  const expected = JSON.stringify(outcome)
  const disagreements: string[] = []
  for (const { label, chunks } of others) {
    const got = feedH2(vector, chunks)
    if (JSON.stringify(got) !== expected) disagreements.push(`${label}: ${JSON.stringify(got)}`)
    if (disagreements.length > 3) break
  }
  return { outcome, disagreements }
}
