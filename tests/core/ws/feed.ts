/**
 * WebSocket vector harness: drives a `WebSocketConnection` with client bytes cut into
 * chunks and records what comes out, answering Pings and Closes as Autobahn's echo server
 * would. Every vector runs whole, one byte at a time and split in two at every offset
 * (sampled for long inputs); all runs must agree. Each way runs twice more with the chunks
 * handed over (`ownsInput`: unmasked in place, messages as views of them): as separate
 * arrays, and as views into one buffer much bigger than the input (the engine must copy
 * binary messages out rather than pin it).
 * @module
 */
import { WebSocketConnection } from '../../../core/ws/connection.ts'
import { RemoteWebSocketError, type WebSocketErrorCode } from '../../../core/ws/errors.ts'
import { NEED_DATA } from '../../../core/ws/events.ts'
import type { DeflateParams } from '../../../core/ws/permessage-deflate.ts'
import { toHex, toLatin1, utf8, type ExpectedEvent, type WsVector } from '../../vectors/ws-client.ts'

/** An event as recorded: bytes become latin1 text. */
export type SeenEvent =
  | { type: 'message'; opcode: 'text' | 'binary'; bytes: string; compressed: boolean }
  | { type: 'ping' | 'pong'; bytes: string }
  | { type: 'close'; code: number; reason: string }
  | { type: 'closed'; clean: boolean }

/** What one run produced. */
export interface Outcome {
  events: SeenEvent[]
  /** Frames the harness wrote back (Pongs, the Close echo), as hex. */
  sent: string[]
  error?: { code: WebSocketErrorCode; closeCode: number; closeFrame: string }
}

/** The parameters used when a vector asks for permessage-deflate. */
export const DEFLATE: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
}

/**
 * How the chunks are given: only lent (the default), handed over each in its own array, or
 * handed over as views into one shared buffer far bigger than the input.
 */
export type InputMode = 'lent' | 'owned' | 'owned-in-big-buffer'

/** The connection options a vector asks for. */
export function connectionFor(vector: Pick<WsVector, 'maxPayloadLength' | 'permessageDeflate'>, mode: InputMode = 'lent'): WebSocketConnection {
  return new WebSocketConnection({
    maxPayloadLength: vector.maxPayloadLength,
    permessageDeflate: vector.permessageDeflate ? DEFLATE : null,
    ownsInput: mode !== 'lent',
  })
}

/** Copies of `chunks` the engine may keep and modify, as `mode` says. */
function handOver(chunks: Uint8Array[], mode: InputMode): Uint8Array[] {
  if (mode === 'owned') return chunks.map((chunk) => chunk.slice())
  const total = chunks.reduce((n, c) => n + c.length, 0)
  const big = new Uint8Array(64 * total + 4096)
  let at = 1 // not word-aligned
  return chunks.map((chunk) => {
    big.set(chunk, at)
    at += chunk.length
    return big.subarray(at - chunk.length, at)
  })
}

/** Feeds `chunks` (then EOF if asked) to a fresh connection. Anything but `RemoteWebSocketError` propagates. */
export function feed(
  vector: Pick<WsVector, 'maxPayloadLength' | 'permessageDeflate' | 'eof'>,
  lent: Uint8Array[],
  mode: InputMode = 'lent',
): Outcome {
  const conn = connectionFor(vector, mode)
  const chunks = mode === 'lent' ? lent : handOver(lent, mode)
  const events: SeenEvent[] = []
  const sent: string[] = []
  const total = chunks.reduce((n, c) => n + c.length, 0)
  let steps = 0
  let done = false
  const pump = (): void => {
    while (!done) {
      if (++steps > 1000 + 2 * total) throw new Error('next() does not make progress')
      const ev = conn.next()
      if (ev === NEED_DATA) return
      switch (ev.type) {
        case 'message':
          events.push({ type: 'message', opcode: ev.opcode, bytes: toLatin1(ev.data), compressed: ev.compressed })
          break
        case 'ping':
          events.push({ type: 'ping', bytes: toLatin1(ev.data) })
          sent.push(toHex(conn.send({ type: 'pong', data: ev.data })))
          break
        case 'pong':
          events.push({ type: 'pong', bytes: toLatin1(ev.data) })
          break
        case 'close':
          events.push({ type: 'close', code: ev.code, reason: ev.reason })
          if (conn.state === 'remote-closing') sent.push(toHex(conn.send({ type: 'close' })))
          break
        case 'closed':
          events.push({ type: 'closed', clean: ev.clean })
          done = true
          break
      }
    }
  }
  try {
    for (const chunk of chunks) {
      if (done) break
      if (chunk.length === 0) continue
      conn.receive(chunk)
      pump()
    }
    if (vector.eof && !done) {
      conn.receive(new Uint8Array(0))
      pump()
    }
  } catch (error) {
    if (!(error instanceof RemoteWebSocketError)) throw error
    if (conn.state !== 'failed') throw new Error(`state ${conn.state} after a remote error`)
    return { events, sent, error: { code: error.code, closeCode: error.closeCode, closeFrame: toHex(error.closeFrame) } }
  }
  return { events, sent }
}

/** `bytes` cut at the given offsets. */
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

/** Every offset for short inputs; for long ones the first and last 40 plus ~100 spread out. */
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
  for (const offset of splitOffsets(bytes.length)) ways.push({ label: `split@${offset}`, chunks: splitAt(bytes, [offset]) })
  return ways
}

/** Runs `vector` every way: the whole-input outcome and each run that disagreed with it. */
export function runAllWays(vector: WsVector): { outcome: Outcome; disagreements: string[] } {
  const [whole, ...others] = cuts(vector.input)
  const outcome = feed(vector, whole!.chunks)
  const expected = JSON.stringify(outcome)
  const disagreements: string[] = []
  const modes: InputMode[] = ['lent', 'owned', 'owned-in-big-buffer']
  for (const mode of modes) {
    for (const { label, chunks } of mode === 'lent' ? others : [whole!, ...others]) {
      const got = feed(vector, chunks, mode)
      if (JSON.stringify(got) !== expected) disagreements.push(`${label} (${mode}): ${JSON.stringify(got).slice(0, 300)}`)
    }
  }
  return { outcome, disagreements }
}

/** An expected event in the recorded form, with only the fields the vector names. */
export function normalize(expected: ExpectedEvent): Record<string, unknown> {
  if (expected.type !== 'message' || expected.text === undefined) return { ...expected }
  const { text, ...rest } = expected
  return { ...rest, bytes: toLatin1(utf8(text)) }
}
