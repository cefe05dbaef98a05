// The frame layer alone: incremental reading, views vs copies, per-type rules, and the
// serializer's frames read back.
import { describe, expect, test } from 'vitest'
import { ConnectionError, StreamError } from '../../../core/http2/errors.ts'
import { FrameParser } from '../../../core/http2/frame-parser.ts'
import { dataFrameHeader, goawayFrame, pingFrame, pushHeaderFrames, rstStreamFrame, settingsFrame, windowUpdateFrame } from '../../../core/http2/frame-serializer.ts'
import { concat, data, frame, headers, T } from '../../helpers/h2-frames.ts'

function readAll(parser: FrameParser, chunks: Uint8Array[]) {
  const frames: { type: number; flags: number; streamId: number; fragment: number[] }[] = []
  for (const c of chunks) {
    parser.push(c)
    while (parser.next()) frames.push({ type: parser.type, flags: parser.flags, streamId: parser.streamId, fragment: [...parser.fragment] })
  }
  return frames
}
const errorOf = (bytes: Uint8Array, max = 16384): unknown => {
  try {
    readAll(new FrameParser(max), [bytes])
  } catch (e) {
    return e
  }
  return null
}

describe('FrameParser', () => {
  test('the same frames whole and byte by byte', () => {
    const bytes = concat(data(1, 'abc', { pad: 2 }), headers(3, new Uint8Array([0x82]), { dependsOn: 1, pad: 1 }), frame(0x42, 0, 0, 'x'))
    const whole = readAll(new FrameParser(16384), [bytes])
    expect(whole).toEqual([
      { type: T.DATA, flags: 8, streamId: 1, fragment: [97, 98, 99] },
      { type: T.HEADERS, flags: 0x2c, streamId: 3, fragment: [0x82] },
      { type: 0x42, flags: 0, streamId: 0, fragment: [120] },
    ])
    expect(readAll(new FrameParser(16384), Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(whole)
  })
  test('a frame in one chunk is a view into it, not a copy', () => {
    const bytes = data(1, 'hello')
    const parser = new FrameParser(16384)
    parser.push(bytes)
    expect(parser.next()).toBe(true)
    expect(parser.fragment.buffer).toBe(bytes.buffer)
  })
  test('length is checked on the header: SETTINGS_MAX_FRAME_SIZE exactly passes, one more fails before the payload', () => {
    expect(errorOf(frame(T.DATA, 0, 1, new Uint8Array(16384)))).toBeNull()
    const parser = new FrameParser(16384)
    parser.push(frame(T.DATA, 0, 1, '', 16385)) // header only
    expect(() => parser.next()).toThrow(ConnectionError)
  })
  test.each([
    ['DATA on stream 0', frame(T.DATA, 0, 0, 'x'), 1],
    ['padded DATA without pad length', frame(T.DATA, 8, 1, ''), 6],
    ['DATA pad = length', frame(T.DATA, 8, 1, '\x02a'), 1],
    ['HEADERS on stream 0', frame(T.HEADERS, 4, 0, '\x82'), 1],
    ['HEADERS too short for priority', frame(T.HEADERS, 0x24, 1, '\0\0\0'), 6],
    ['HEADERS pad past the block', frame(T.HEADERS, 0x0c, 1, '\x05\x82'), 1],
    ['PRIORITY on stream 0', frame(T.PRIORITY, 0, 0, '\0\0\0\x01\x0f'), 1],
    ['RST_STREAM of 3', frame(T.RST_STREAM, 0, 1, '\0\0\0'), 6],
    ['SETTINGS on a stream', frame(T.SETTINGS, 0, 1, ''), 1],
    ['SETTINGS of 7', frame(T.SETTINGS, 0, 0, '\0'.repeat(7)), 6],
    ['PUSH_PROMISE', frame(T.PUSH_PROMISE, 4, 1, '\0\0\0\x02'), 1],
    ['PING of 9', frame(T.PING, 0, 0, '\0'.repeat(9)), 6],
    ['GOAWAY of 7', frame(T.GOAWAY, 0, 0, '\0'.repeat(7)), 6],
    ['WINDOW_UPDATE of 5', frame(T.WINDOW_UPDATE, 0, 0, '\0'.repeat(5)), 6],
    ['CONTINUATION on stream 0', frame(T.CONTINUATION, 4, 0, ''), 1],
  ])('%s → connection error', (_, bytes, code) => {
    expect(errorOf(bytes)).toMatchObject({ name: 'ConnectionError', code })
  })
  test('PRIORITY of length 4 is a stream error (FRAME_SIZE_ERROR)', () => {
    const e = errorOf(frame(T.PRIORITY, 0, 3, '\0\0\0\x01'))
    expect(e).toBeInstanceOf(StreamError)
    expect(e).toMatchObject({ streamId: 3, code: 6 })
  })
})

describe('frame serializer', () => {
  test('frames read back', () => {
    const out: Uint8Array[] = []
    pushHeaderFrames(out, 5, new Uint8Array(40000).fill(0x82), true, 16384)
    const bytes = concat(settingsFrame([3, 100]), pingFrame(new Uint8Array(8), true), goawayFrame(7, 2), rstStreamFrame(1, 8),
      windowUpdateFrame(0, 1000), dataFrameHeader(1, 0, true), ...out)
    const frames = readAll(new FrameParser(16384), [bytes])
    expect(frames.map((f) => [f.type, f.flags, f.streamId, f.fragment.length])).toEqual([
      [T.SETTINGS, 0, 0, 6], [T.PING, 1, 0, 8], [T.GOAWAY, 0, 0, 8], [T.RST_STREAM, 0, 1, 4], [T.WINDOW_UPDATE, 0, 0, 4],
      [T.DATA, 1, 1, 0], [T.HEADERS, 1, 5, 16384], [T.CONTINUATION, 0, 5, 16384], [T.CONTINUATION, 4, 5, 7232],
    ])
  })
})
