// SETTINGS validation (RFC 9113 §6.5.2), flow windows (§6.9) and limits resolution.
import { describe, expect, test } from 'vitest'
import { ConnectionError } from '../../../core/http2/errors.ts'
import { addToSendWindow, ReceiveWindow } from '../../../core/http2/flow-window.ts'
import { resolveHttp2Limits } from '../../../core/http2/limits.ts'
import { PeerSettings } from '../../../core/http2/settings.ts'

const payload = (...pairs: number[]): Uint8Array => {
  const out = new Uint8Array((pairs.length / 2) * 6)
  const view = new DataView(out.buffer)
  for (let i = 0; i < pairs.length; i += 2) {
    view.setUint16(i * 3, pairs[i]!)
    view.setUint32(i * 3 + 2, pairs[i + 1]!)
  }
  return out
}

describe('PeerSettings', () => {
  test('applies in order and reports what changed', () => {
    const s = new PeerSettings()
    expect(s.apply(payload(4, 100, 4, 10, 1, 0, 0x99, 5))).toEqual({ windowDelta: 10 - 65535, headerTableSize: 0 })
    expect(s.initialWindowSize).toBe(10)
  })
  test.each([
    ['ENABLE_PUSH 2', [2, 2], 1],
    ['INITIAL_WINDOW_SIZE 2^31', [4, 2 ** 31], 3],
    ['MAX_FRAME_SIZE 16383', [5, 16383], 1],
    ['MAX_FRAME_SIZE 2^24', [5, 2 ** 24], 1],
  ])('%s is a connection error', (_, pairs, code) => {
    expect(() => new PeerSettings().apply(payload(...pairs))).toThrow(expect.objectContaining({ code }))
    expect(() => new PeerSettings().apply(payload(...pairs))).toThrow(ConnectionError)
  })
  test.each([[4, 2 ** 31 - 1], [5, 16384], [5, 2 ** 24 - 1], [2, 0], [2, 1]])('setting %i = %i is accepted', (id, value) => {
    expect(() => new PeerSettings().apply(payload(id, value))).not.toThrow()
  })
})

describe('flow windows', () => {
  test('send window overflow past 2^31-1', () => {
    expect(addToSendWindow(2 ** 31 - 2, 1)).toBe(2 ** 31 - 1)
    expect(addToSendWindow(2 ** 31 - 1, 1)).toBe(-1)
  })
  test('receive window: exactly the window is accepted, one byte more is not', () => {
    const w = new ReceiveWindow(10)
    expect(w.receive(10)).toBe(true)
    expect(w.receive(1)).toBe(false)
  })
  test('consumed bytes are announced from half a window, never beyond the window', () => {
    const w = new ReceiveWindow(10)
    w.receive(10)
    expect(w.consume(4)).toBe(0)
    expect(w.consume(1)).toBe(5)
    expect(w.consume(100)).toBe(5)
    expect(w.available).toBe(10)
  })
})

describe('resolveHttp2Limits', () => {
  test('defaults and overrides', () => {
    expect(resolveHttp2Limits({ maxConcurrentStreams: 10 })).toMatchObject({ maxConcurrentStreams: 10, initialWindowSize: 1048576 })
  })
  test.each([{ maxFrameSize: 16383 }, { initialWindowSize: 2 ** 31 }, { connectionWindowSize: 1000 }, { maxControlFrames: 0 }])('rejects %o', (l) => {
    expect(() => resolveHttp2Limits(l)).toThrow(RangeError)
  })
})
