// Server frames (RFC 6455 §5.2): unmasked, minimal length encodings, fragmentation
// (Autobahn 10.1.1) and RSV1 for compressed messages (RFC 7692 §6).
import { describe, expect, it, test } from 'vitest'
import { encodeControlFrame, encodeFrame, encodeFrameHeader, encodeMessage, textFrameRoom, writeTextFrame } from '../../../core/ws/frame-serializer.ts'
import { Opcode } from '../../../core/ws/opcode.ts'
import { concat, parseServerFrames, toHex } from '../../vectors/ws-client.ts'

describe('length encoding (RFC 6455 §5.2: minimal)', () => {
  test.each([
    [0, '8200'],
    [125, '827d'],
    [126, '827e007e'],
    [65535, '827effff'],
    [65536, '827f0000000000010000'],
    [2 ** 32 + 5, '827f0000000100000005'],
    [Number.MAX_SAFE_INTEGER, '827f001fffffffffffff'],
  ])('%i bytes → %s', (length, header) => {
    expect(toHex(encodeFrameHeader(Opcode.binary, length))).toBe(header)
  })

  it('encodeFrame is the header then the payload, never masked', () => {
    for (const length of [0, 1, 125, 126, 65535, 65536]) {
      const payload = new Uint8Array(length).fill(0xab)
      const bytes = encodeFrame(Opcode.text, payload)
      expect(bytes.subarray(0, bytes.length - length)).toEqual(encodeFrameHeader(Opcode.text, length))
      const [frame] = parseServerFrames(bytes)
      expect(frame).toMatchObject({ fin: true, rsv: 0, opcode: 1, masked: false })
      expect(frame!.payload.length).toBe(length)
    }
  })

  it('copies the payload exactly wherever it lies in its buffer (before or after the header\'s length)', () => {
    for (const length of [1023, 1024, 5000, 70_000]) {
      for (const offset of [0, 1, 2, 3, 4, 9, 10, 11, 64]) {
        const buffer = new Uint8Array(offset + length + 3).fill(0xee)
        const payload = buffer.subarray(offset, offset + length)
        for (let i = 0; i < length; i++) payload[i] = (i * 7 + offset) & 0xff
        const bytes = encodeFrame(Opcode.binary, payload)
        expect(bytes.subarray(0, bytes.length - length)).toEqual(encodeFrameHeader(Opcode.binary, length))
        expect(bytes.subarray(bytes.length - length)).toEqual(payload)
      }
    }
  })

  it('flags: FIN off, RSV1 on', () => {
    expect(toHex(encodeFrameHeader(Opcode.text, 0, { fin: false }))).toBe('0100')
    expect(toHex(encodeFrameHeader(Opcode.text, 0, { rsv1: true }))).toBe('c100')
  })
})

describe('encodeMessage', () => {
  it('case 10.1.1: 65536 bytes auto-fragmented to 1300 → 50 full frames and one of 536', () => {
    const payload = new Uint8Array(65536).fill(0x2a)
    const frames = parseServerFrames(encodeMessage(Opcode.text, payload, { fragmentSize: 1300 }))
    expect(frames).toHaveLength(51)
    expect(frames.filter((f) => f.payload.length === 1300)).toHaveLength(50)
    expect(frames.at(-1)!.payload.length).toBe(536)
    expect(frames.map((f) => f.opcode)).toEqual([1, ...Array(50).fill(0)])
    expect(frames.map((f) => f.fin)).toEqual([...Array(50).fill(false), true])
    expect(concat(...frames.map((f) => f.payload))).toEqual(payload)
  })

  it('RSV1 on the first fragment only (RFC 7692 §6.1)', () => {
    const frames = parseServerFrames(encodeMessage(Opcode.binary, new Uint8Array(10), { compressed: true, fragmentSize: 4 }))
    expect(frames.map((f) => f.rsv)).toEqual([4, 0, 0])
  })

  it('one frame when the payload fits, one empty frame for an empty message', () => {
    expect(parseServerFrames(encodeMessage(Opcode.text, new Uint8Array(4), { fragmentSize: 4 }))).toHaveLength(1)
    expect(toHex(encodeMessage(Opcode.text, new Uint8Array(0), { fragmentSize: 4 }))).toBe('8100')
  })

  it('fragments whose headers change size (125/126 boundary)', () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const frames = parseServerFrames(encodeMessage(Opcode.binary, payload, { fragmentSize: 126 }))
    expect(frames.map((f) => f.payload.length)).toEqual([126, 126, 48])
    expect(concat(...frames.map((f) => f.payload))).toEqual(payload)
  })

  it('rejects a fragment size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, NaN]) expect(() => encodeMessage(Opcode.text, new Uint8Array(3), { fragmentSize: size })).toThrow(RangeError)
  })
})

describe('encodeControlFrame', () => {
  it('carries up to 125 bytes (RFC 6455 §5.5)', () => {
    expect(encodeControlFrame(Opcode.ping, new Uint8Array(125))).toHaveLength(127)
    expect(() => encodeControlFrame(Opcode.pong, new Uint8Array(126))).toThrow(RangeError)
  })
})

describe('writeTextFrame (a text frame encoded straight into a write buffer)', () => {
  const encoder = new TextEncoder()
  // Lengths around each header boundary: 3 × units < 126 is surely a 2-byte header; 42–125
  // units may need either (the payload moves back when it stays under 126 bytes).
  const texts = [
    '', 'a', 'x'.repeat(41), 'x'.repeat(42), 'x'.repeat(125), 'x'.repeat(126), 'x'.repeat(5000), 'x'.repeat(21_845),
    'é'.repeat(41), 'é'.repeat(62), 'é'.repeat(63), 'ascii then é', 'é then ascii', '€'.repeat(41), '€'.repeat(42),
    '😀'.repeat(20), 'a😀b'.repeat(30), '\ud800 lone high', 'lone low \udc00', '\ufeff BOM kept',
  ]

  it.each(texts.map((text) => [text.length, text]))('%i code units: the same bytes as encodeMessage', (_, text) => {
    const expected = encodeMessage(Opcode.text, encoder.encode(text))
    for (const at of [0, 1, 7]) {
      const out = new Uint8Array(at + 3 * text.length + 4 + 5).fill(0xee)
      const size = writeTextFrame(out, at, text)
      expect(size).toBe(expected.length)
      expect(out.subarray(at, at + size)).toEqual(expected)
      expect(out.subarray(0, at).every((b) => b === 0xee)).toBe(true) // nothing written before `at`
    }
  })

  it('builds every frame (below 64 KiB) in the room textFrameRoom() gives', () => {
    for (const text of ['', 'é'.repeat(41), '€'.repeat(42), '😀'.repeat(100), '€'.repeat(21_845)]) {
      expect(writeTextFrame(new Uint8Array(textFrameRoom(text.length)), 0, text)).toBeGreaterThan(0)
    }
  })

  it('builds nothing (0) when the worst case might not fit, or for 64 KiB and more', () => {
    expect(writeTextFrame(new Uint8Array(2 + 3 * 10 - 1), 0, 'x'.repeat(10))).toBe(0)
    expect(writeTextFrame(new Uint8Array(2 + 3 * 10), 1, 'x'.repeat(10))).toBe(0)
    expect(writeTextFrame(new Uint8Array(2 + 3 * 10), 0, 'x'.repeat(10))).toBe(12)
    expect(writeTextFrame(new Uint8Array(300_000), 0, 'x'.repeat(21_846))).toBe(0)
  })
})
