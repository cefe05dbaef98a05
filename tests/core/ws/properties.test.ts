/**
 * Properties: (a) server frames read back by an independent client-side reader; (b) random
 * client streams of fragmented messages with control frames in between give the expected
 * events however they are cut; (c) random and mutated bytes make `next()` throw nothing but
 * `RemoteWebSocketError` (feed() rethrows anything else) and do not depend on the cuts.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { WebSocketConnection } from '../../../core/ws/connection.ts'
import { NEED_DATA } from '../../../core/ws/events.ts'
import { encodeMessage, writeTextFrame } from '../../../core/ws/frame-serializer.ts'
import { Opcode } from '../../../core/ws/opcode.ts'
import { clientFrame, concat, parseServerFrames, toLatin1, type ClientFrame } from '../../vectors/ws-client.ts'
import { fragmentation, framing, opcodes, pingPong, reservedBits } from '../../vectors/ws-frames.ts'
import { closing } from '../../vectors/ws-close.ts'
import { feed, splitAt, type Outcome, type SeenEvent } from './feed.ts'

const key = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
const cutsOf = (length: number) => fc.array(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 8 })

describe('(a) serializer → client reader', () => {
  test('a text frame written from a string is the frame of its UTF-8 bytes, wherever it is written', () => {
    const encoder = new TextEncoder()
    // Code units of every UTF-8 length, surrogate pairs and lone surrogates, at lengths around
    // the 7-bit and 16-bit header boundaries.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xffff }),
    )
    const text = fc.array(unit, { maxLength: 300 }).map((units) => String.fromCharCode(...units))
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 9 }), (s, at) => {
      const out = new Uint8Array(at + 3 * s.length + 4)
      const size = writeTextFrame(out, at, s)
      expect(out.subarray(at, at + size)).toEqual(encodeMessage(Opcode.text, encoder.encode(s)))
    }), { numRuns: 2000 })
  })

  test('messages survive encoding, fragmented or not', () => {
    fc.assert(fc.property(
      fc.constantFrom(Opcode.text, Opcode.binary),
      fc.uint8Array({ maxLength: 70_000 }),
      fc.option(fc.integer({ min: 1, max: 70_000 })),
      fc.boolean(),
      (opcode, payload, fragmentSize, compressed) => {
        const frames = parseServerFrames(encodeMessage(opcode, payload, { compressed, fragmentSize: fragmentSize ?? undefined }))
        expect(frames.every((f) => !f.masked)).toBe(true)
        expect(frames[0]!.opcode).toBe(opcode)
        expect(frames.slice(1).every((f) => f.opcode === 0 && f.rsv === 0)).toBe(true)
        expect(frames[0]!.rsv).toBe(compressed ? 4 : 0)
        expect(frames.map((f) => f.fin)).toEqual(frames.map((_, i) => i === frames.length - 1))
        expect(toLatin1(concat(...frames.map((f) => f.payload)))).toBe(toLatin1(payload))
      },
    ), { numRuns: 60 })
  })
})

/** A message to send: its opcode, payload, fragment sizes, and controls to slip in between fragments. */
const message = fc.record({
  opcode: fc.constantFrom<1 | 2>(1, 2),
  text: fc.string({ unit: 'grapheme', maxLength: 300 }),
  bytes: fc.uint8Array({ maxLength: 300 }),
  fragments: fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 4 }),
  controls: fc.array(fc.record({ opcode: fc.constantFrom(9, 10), payload: fc.uint8Array({ maxLength: 125 }) }), { maxLength: 3 }),
  mask: key,
})

describe('(b) client streams → events', () => {
  test('fragmented messages with interleaved controls, cut anywhere', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 6 }), fc.nat(), (messages, seed) => {
      const frames: ClientFrame[] = []
      const expected: SeenEvent[] = []
      for (const m of messages) {
        const payload = m.opcode === 1 ? new TextEncoder().encode(m.text) : m.bytes
        // Cut the payload at the given sizes; the rest is the last fragment.
        const parts: Uint8Array[] = []
        let at = 0
        for (const size of m.fragments) {
          parts.push(payload.subarray(at, Math.min(at + size, payload.length)))
          at = Math.min(at + size, payload.length)
        }
        parts.push(payload.subarray(at))
        parts.forEach((part, i) => {
          frames.push({ opcode: i === 0 ? m.opcode : 0, fin: i === parts.length - 1, payload: part, mask: m.mask })
          // §5.4: control frames may come between fragments, not after the last one here.
          const control = i < parts.length - 1 ? m.controls[i] : undefined
          if (control) {
            frames.push({ opcode: control.opcode, payload: control.payload, mask: m.mask })
            expected.push({ type: control.opcode === 9 ? 'ping' : 'pong', bytes: toLatin1(control.payload) })
          }
        })
        expected.push({ type: 'message', opcode: m.opcode === 1 ? 'text' : 'binary', bytes: toLatin1(payload), compressed: false })
      }
      const bytes = concat(...frames.map(clientFrame))
      const offsets = Array.from({ length: 6 }, (_, i) => ((seed >>> (i * 5)) * 7919 + i * 104729) % Math.max(1, bytes.length))
      const outcome = feed({}, splitAt(bytes, offsets))
      expect(outcome.error).toBeUndefined()
      expect(outcome.events).toEqual(expected)
    }), { numRuns: 300 })
  })

  test('whatever the peer sends, the engine holds no more than 2× the message plus the input', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200_000 }), cutsOf(200_000), (length, cuts) => {
      const bytes = clientFrame({ opcode: 2, payload: new Uint8Array(length) })
      const conn = new WebSocketConnection()
      let received = 0
      for (const chunk of splitAt(bytes, cuts)) {
        conn.receive(chunk)
        received += chunk.length
        const ev = conn.next()
        if (ev !== NEED_DATA) expect(ev).toMatchObject({ type: 'message' })
        expect(conn.bufferedBytes).toBeLessThanOrEqual(Math.max(16 * 1024, 2 * received))
      }
    }), { numRuns: 100 })
  })
})

const vectorInputs = [framing, pingPong, reservedBits, opcodes, fragmentation, closing].flat().map((v) => v.input).filter((b) => b.length < 2000)

describe('(c) hostile input', () => {
  const sameOutcome = (a: Outcome, b: Outcome): boolean => JSON.stringify(a) === JSON.stringify(b)

  test('random bytes: only RemoteWebSocketError, independent of cuts', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), cutsOf(300), fc.boolean(), fc.boolean(), (bytes, cuts, deflate, eof) => {
      const options = { permessageDeflate: deflate, eof, maxPayloadLength: 200 }
      expect(sameOutcome(feed(options, [bytes]), feed(options, splitAt(bytes, cuts)))).toBe(true)
    }), { numRuns: 2000 })
  })

  // Frames that are nearly right: every header field drawn from its whole range.
  const anyFrame = fc.record({
    opcode: fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 15 }), weight: 1 }),
    fin: fc.boolean(),
    rsv: fc.constantFrom(0, 0, 0, 4, 2, 1),
    payload: fc.uint8Array({ maxLength: 140 }),
    mask: fc.oneof(key, key, key, fc.constant(false as const)),
    lengthBits: fc.constantFrom(undefined, undefined, undefined, 16 as const, 64 as const),
  })

  test('frame sequences with any header fields: only RemoteWebSocketError, independent of cuts', () => {
    fc.assert(fc.property(fc.array(anyFrame, { maxLength: 8 }), cutsOf(1500), fc.boolean(), (frames, cuts, deflate) => {
      const bytes = concat(...frames.map(clientFrame))
      const options = { permessageDeflate: deflate, maxPayloadLength: 300 }
      const whole = feed(options, [bytes])
      expect(sameOutcome(whole, feed(options, splitAt(bytes, cuts)))).toBe(true)
      expect(sameOutcome(whole, feed(options, Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))))).toBe(true)
    }), { numRuns: 1000 })
  })

  test('mutated vectors: only RemoteWebSocketError, independent of cuts', () => {
    fc.assert(fc.property(
      fc.constantFrom(...vectorInputs), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), cutsOf(2000),
      (input, flips, cuts) => {
        const bytes = input.slice()
        for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value
        expect(sameOutcome(feed({}, [bytes]), feed({}, splitAt(bytes, cuts)))).toBe(true)
      },
    ), { numRuns: 2000 })
  })
})
