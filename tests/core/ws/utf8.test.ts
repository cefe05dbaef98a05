// UTF-8 validation (RFC 3629, RFC 6455 §8.1): Autobahn 6.5-6.23 (Kuhn's sequences) on the
// validator, fail-fast positions (Autobahn's incremental checks and 6.4.x through the
// connection), and agreement with the WHATWG decoder on random bytes.
import fc from 'fast-check'
import { describe, expect, it, test } from 'vitest'
import { WebSocketConnection } from '../../../core/ws/connection.ts'
import { RemoteWebSocketError } from '../../../core/ws/errors.ts'
import { NEED_DATA } from '../../../core/ws/events.ts'
import { decodeUtf8, isValidUtf8, Utf8Validator } from '../../../core/ws/utf8.ts'
import { clientFrame, concat, hex, latin1 } from '../../vectors/ws-client.ts'
import { kuhnSequences, kuhnTitles } from '../../vectors/ws-utf8.ts'

/** Whether `bytes` fed in the given pieces validates and ends on a code point boundary. */
function validIn(pieces: Uint8Array[]): boolean {
  const validator = new Utf8Validator()
  return pieces.every((piece) => validator.write(piece)) && validator.complete
}

/** WHATWG's fatal decoder as the oracle; `stream` accepts an unfinished last code point. */
function decoderAccepts(bytes: Uint8Array, stream = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream })
    return true
  } catch {
    return false
  }
}

describe('Autobahn 6.5-6.23: Kuhn sequences', () => {
  it('covers every section', () => {
    expect(kuhnTitles).toHaveLength(19)
    expect(kuhnSequences.filter((s) => s.id.startsWith('6.22.'))).toHaveLength(34)
  })
  test.each(kuhnSequences.map((s) => [s.id, s] as const))('case %s', (_, { valid, bytes }) => {
    expect(isValidUtf8(bytes)).toBe(valid)
    expect(decodeUtf8(bytes) !== null).toBe(valid)
    expect(decoderAccepts(bytes)).toBe(valid)
    expect(validIn(Array.from(bytes, (b) => new Uint8Array([b])))).toBe(valid)
    for (let cut = 1; cut < bytes.length; cut++) expect(validIn([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(valid)
  })
})

describe('code points', () => {
  it('accepts every scalar value U+0000..U+10FFFF', () => {
    const encoder = new TextEncoder()
    const validator = new Utf8Validator()
    for (let start = 0; start <= 0x10ffff; start += 0x1000) {
      let text = ''
      for (let cp = start; cp < start + 0x1000; cp++) if (cp < 0xd800 || cp > 0xdfff) text += String.fromCodePoint(cp)
      expect(validator.write(encoder.encode(text))).toBe(true)
    }
    expect(validator.complete).toBe(true)
  })

  it('rejects every surrogate U+D800..U+DFFF encoded as three bytes', () => {
    for (let cp = 0xd800; cp <= 0xdfff; cp++) {
      expect(isValidUtf8(new Uint8Array([0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]))).toBe(false)
    }
  })

  it('rejects U+110000 and beyond', () => {
    expect(isValidUtf8(hex('f4 90 80 80'))).toBe(false)
    expect(isValidUtf8(hex('f5 80 80 80'))).toBe(false)
  })
})

describe('fail fast (Autobahn utf8validator incremental checks)', () => {
  it('accepts "µ@ßöäüàá"', () => {
    expect(new Utf8Validator().write(new TextEncoder().encode('µ@ßöäüàá'))).toBe(true)
  })
  it('fails on F5 at once', () => {
    expect(new Utf8Validator().write(hex('f5'))).toBe(false)
  })
  it('fails on the A0 after ED, in any piece', () => {
    const v = new Utf8Validator()
    expect(v.write(latin1('edited'))).toBe(true)
    expect(v.write(hex('ed'))).toBe(true)
    expect(v.complete).toBe(false)
    expect(v.write(hex('a0'))).toBe(false)
    expect(v.write(latin1('ok'))).toBe(false) // stays failed
    expect(new Utf8Validator().write(hex('65 64 ed a0 80'))).toBe(false)
  })
  it('reset starts over', () => {
    const v = new Utf8Validator()
    v.write(hex('ff'))
    v.reset()
    expect(v.write(hex('c3 a9'))).toBe(true)
    expect(v.complete).toBe(true)
  })

  it('fails at the same byte as a streaming WHATWG decoder', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      const v = new Utf8Validator()
      for (let i = 0; i < bytes.length; i++) {
        const ok = v.write(bytes, i, i + 1)
        expect(ok).toBe(decoderAccepts(bytes.subarray(0, i + 1), true))
        if (!ok) return
      }
    }), { numRuns: 2000 })
  })
})

describe('agrees with TextDecoder({ fatal: true })', () => {
  // Random bytes are mostly invalid early; mix in lead and continuation bytes and real text.
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 8 }),
    fc.constantFrom(...[0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xc0, 0xa0, 0x9f, 0x90, 0x8f].map((b) => new Uint8Array([b]))),
    fc.string({ unit: 'binary', maxLength: 6 }).map((s) => new TextEncoder().encode(s)),
  )
  const bytes = fc.array(piece, { maxLength: 12 }).map((parts) => concat(...parts))

  it('whole', () => {
    fc.assert(fc.property(bytes, (b) => {
      expect(isValidUtf8(b)).toBe(decoderAccepts(b))
    }), { numRuns: 3000 })
  })
  it('decodeUtf8: the text exactly when the bytes are valid (U+FFFD in the input included)', () => {
    fc.assert(fc.property(bytes, (b) => {
      const text = decodeUtf8(b)
      if (decoderAccepts(b)) expect(text).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b))
      else expect(text).toBeNull()
    }), { numRuns: 3000 })
    expect(decodeUtf8(hex('efbfbd41'))).toBe('\ufffdA') // a real U+FFFD is valid
    expect(decodeUtf8(hex('efbbbf41'))).toBe('\ufeffA') // the BOM is kept (WHATWG: decode without BOM)
    expect(decodeUtf8(hex('efbfbdff'))).toBeNull()
  })
  it('split anywhere', () => {
    fc.assert(fc.property(bytes, fc.nat(), (b, n) => {
      const cut = b.length === 0 ? 0 : n % b.length
      expect(validIn([b.subarray(0, cut), b.subarray(cut)])).toBe(decoderAccepts(b))
    }), { numRuns: 3000 })
  })
})

describe('Autobahn 6.4.x: the connection fails at the invalid byte, before the rest arrives', () => {
  const KOSME = hex('ce ba e1 bd b9 cf 83 ce bc ce b5')
  const PAYLOAD = concat(KOSME, hex('f4 90 80 80'), latin1('edited'))

  /** Feeds `parts` in turn; returns the index of the part whose receive made next() throw 1007. */
  function failsAt(parts: Uint8Array[]): number {
    const conn = new WebSocketConnection()
    for (let i = 0; i < parts.length; i++) {
      conn.receive(parts[i]!)
      try {
        expect(conn.next()).toBe(NEED_DATA)
      } catch (error) {
        expect(error).toBeInstanceOf(RemoteWebSocketError)
        expect((error as RemoteWebSocketError).closeCode).toBe(1007)
        return i
      }
    }
    return -1
  }

  /** A masked frame's bytes cut into header+first `a` payload bytes, the next `b - a`, and the rest. */
  function chops(frameBytes: Uint8Array, headerLength: number, a: number, b: number): Uint8Array[] {
    return [frameBytes.subarray(0, headerLength + a), frameBytes.subarray(headerLength + a, headerLength + b), frameBytes.subarray(headerLength + b)]
  }

  it('case 6.4.1: three frames, the 2nd invalid', () => {
    expect(failsAt([
      clientFrame({ opcode: 1, fin: false, payload: KOSME }),
      clientFrame({ opcode: 0, fin: false, payload: hex('f4 90 80 80') }),
      clientFrame({ opcode: 0, payload: 'edited' }),
    ])).toBe(1)
  })
  it('case 6.4.2: the 2nd frame is exactly the invalid byte', () => {
    expect(failsAt([
      clientFrame({ opcode: 1, fin: false, payload: PAYLOAD.subarray(0, 12) }),
      clientFrame({ opcode: 0, fin: false, payload: PAYLOAD.subarray(12, 13) }),
      clientFrame({ opcode: 0, payload: PAYLOAD.subarray(13) }),
    ])).toBe(1)
  })
  it('case 6.4.3: one frame in three chops, the 2nd invalid', () => {
    expect(failsAt(chops(clientFrame({ opcode: 1, payload: PAYLOAD }), 6, 11, 15))).toBe(1)
  })
  it('case 6.4.4: one frame, the 2nd chop is exactly the invalid byte', () => {
    expect(failsAt(chops(clientFrame({ opcode: 1, payload: PAYLOAD }), 6, 12, 13))).toBe(1)
  })
  it('the byte before the invalid one is still accepted', () => {
    expect(failsAt(chops(clientFrame({ opcode: 1, payload: PAYLOAD }), 6, 12, PAYLOAD.length))).toBe(1)
    const conn = new WebSocketConnection()
    conn.receive(clientFrame({ opcode: 1, payload: PAYLOAD }).subarray(0, 6 + 12))
    expect(conn.next()).toBe(NEED_DATA)
  })
})
