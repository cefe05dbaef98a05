// Close codes and payloads (RFC 6455 §5.5.1, §7.4). The wire-level cases (Autobahn 7.x)
// are vectors in tests/vectors/ws-close.ts; these are the rules themselves.
import { describe, expect, it, test } from 'vitest'
import { closePayload, isValidCloseCode, MAX_CLOSE_REASON_BYTES, parseClosePayload } from '../../../core/ws/close.ts'
import { FrameError, LocalWebSocketError } from '../../../core/ws/errors.ts'
import { hex, toHex, utf8 } from '../../vectors/ws-client.ts'

describe('isValidCloseCode (RFC 6455 §7.4)', () => {
  const valid = (code: number): boolean =>
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)

  it('matches the table for every 16-bit code', () => {
    for (let code = 0; code <= 0xffff; code++) expect(isValidCloseCode(code), String(code)).toBe(valid(code))
  })
  test.each([1004, 1005, 1006, 1015, 1016, 2999, 5000, 999, 0])('%i is never on the wire', (code) => {
    expect(isValidCloseCode(code)).toBe(false)
  })
  it('rejects non-integers', () => {
    expect(isValidCloseCode(1000.5)).toBe(false)
    expect(isValidCloseCode(NaN)).toBe(false)
  })
})

describe('parseClosePayload', () => {
  it('empty → 1005 (RFC 6455 §7.1.5)', () => {
    expect(parseClosePayload(new Uint8Array(0))).toEqual({ code: 1005, reason: '' })
  })
  it('code and UTF-8 reason', () => {
    expect(parseClosePayload(hex('0bb8 e29c93'))).toEqual({ code: 3000, reason: '✓' })
  })
  test.each([
    ['1 byte', '03', 'invalid-close-payload', 1002],
    ['code 1005', '03ed', 'invalid-close-code', 1002],
    ['code 5000', '1388', 'invalid-close-code', 1002],
    ['lone surrogate in the reason', '03e8 eda080', 'invalid-utf8', 1007],
    ['truncated code point in the reason', '03e8 e29c', 'invalid-utf8', 1007],
  ])('%s → %s', (_, payload, code, closeCode) => {
    try {
      parseClosePayload(hex(payload))
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(FrameError)
      expect((error as FrameError).code).toBe(code)
      expect((error as FrameError).closeCode).toBe(closeCode)
    }
  })
})

describe('closePayload', () => {
  it('builds code + reason', () => {
    expect(toHex(closePayload(1000))).toBe('03e8')
    expect(toHex(closePayload(4000, 'bye'))).toBe('0fa0627965')
    expect(closePayload()).toEqual(new Uint8Array(0))
  })
  it(`takes a reason of exactly ${MAX_CLOSE_REASON_BYTES} bytes, not one more`, () => {
    expect(closePayload(1000, 'x'.repeat(123))).toHaveLength(125)
    expect(closePayload(1000, 'é'.repeat(61) + 'x')).toHaveLength(125)
    expect(() => closePayload(1000, 'x'.repeat(124))).toThrow(expect.objectContaining({ code: 'close-reason-too-long' }))
    expect(() => closePayload(1000, 'é'.repeat(62))).toThrow(expect.objectContaining({ code: 'close-reason-too-long' }))
    expect(() => closePayload(1000, '✓'.repeat(1e6))).toThrow(LocalWebSocketError)
  })
  it('refuses codes that may not be sent and a reason without a code', () => {
    for (const code of [1004, 1005, 1006, 1015, 2000, 5000, 999]) {
      expect(() => closePayload(code)).toThrow(expect.objectContaining({ code: 'invalid-event' }))
    }
    expect(() => closePayload(undefined, 'why')).toThrow(LocalWebSocketError)
  })
  it('round-trips', () => {
    expect(parseClosePayload(closePayload(1001, 'going away ✓'))).toEqual({ code: 1001, reason: 'going away ✓' })
    expect(parseClosePayload(utf8(''))).toEqual({ code: 1005, reason: '' })
  })
})
