// BodyEncoder (hyper encode.rs): the exact bytes of each framing, the Content-Length promise
// (too many or too few bytes is a LocalProtocolError), zero-copy parts() and trailers.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BodyEncoder } from '../../../core/http1/body-encoder.ts'
import { LocalProtocolError } from '../../../core/http1/errors.ts'
import { latin1, text } from '../../helpers/feed.ts'

const b = latin1
const joined = (parts: Uint8Array[]): string => parts.map(text).join('')

function thrown(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe("'length' framing", () => {
  it('passes exactly the promised bytes through unchanged and ends with nothing', () => {
    const enc = new BodyEncoder('length', 5)
    const first = b('he')
    expect(enc.data(first)).toBe(first)
    expect(text(enc.data(b('llo')))).toBe('llo')
    expect(enc.end()).toHaveLength(0)
  })

  it('accepts a zero-length body', () => {
    const enc = new BodyEncoder('length', 0)
    expect(enc.data(new Uint8Array(0))).toHaveLength(0)
    expect(enc.end()).toHaveLength(0)
  })

  it('refuses one byte more than promised, all at once or after earlier bytes', () => {
    for (const [length, chunks] of [[2, ['abc']], [3, ['ab', 'cd']], [0, ['x']]] as const) {
      const enc = new BodyEncoder('length', length)
      for (const c of chunks.slice(0, -1)) enc.data(b(c))
      const error = thrown(() => enc.data(b(chunks.at(-1)!)))
      expect(error).toBeInstanceOf(LocalProtocolError)
      expect(error).toMatchObject({ code: 'invalid-response', statusHint: 500 })
    }
  })

  it('after refusing an overlong chunk, still holds the remaining count', () => {
    const enc = new BodyEncoder('length', 3)
    expect(() => enc.data(b('abcd'))).toThrow(LocalProtocolError)
    expect(text(enc.data(b('abc')))).toBe('abc')
    expect(enc.end()).toHaveLength(0)
  })

  it('refuses to end one byte short, or with nothing sent', () => {
    const short = new BodyEncoder('length', 3)
    short.data(b('ab'))
    expect(thrown(() => short.end())).toMatchObject({ code: 'invalid-response', statusHint: 500 })
    expect(thrown(() => new BodyEncoder('length', 1).end())).toBeInstanceOf(LocalProtocolError)
  })

  it('drops trailers: they need chunked framing', () => {
    const enc = new BodyEncoder('length', 0)
    expect(enc.end(['X-Sum', '1'])).toHaveLength(0)
  })
})

describe("'chunked' framing (RFC 9112 §7.1)", () => {
  it('frames each chunk as hex size, CRLF, bytes, CRLF', () => {
    const enc = new BodyEncoder('chunked', 0)
    expect(text(enc.data(b('hello')))).toBe('5\r\nhello\r\n')
    expect(text(enc.data(b('x'.repeat(255))))).toBe('ff\r\n' + 'x'.repeat(255) + '\r\n')
    expect(text(enc.data(b('y'.repeat(4096))))).toBe('1000\r\n' + 'y'.repeat(4096) + '\r\n')
    expect(text(enc.end())).toBe('0\r\n\r\n')
  })

  it('sends the size in lowercase hex', () => {
    expect(text(new BodyEncoder('chunked', 0).data(new Uint8Array(0xabc))).slice(0, 5)).toBe('abc\r\n')
  })

  it('copies binary bytes (CR, LF, NUL, 0xFF) verbatim', () => {
    expect(text(new BodyEncoder('chunked', 0).data(b('\r\n\0\xff')))).toBe('4\r\n\r\n\0\xff\r\n')
  })

  it('turns an empty chunk into no bytes, since a zero-size chunk would end the body', () => {
    const enc = new BodyEncoder('chunked', 0)
    expect(enc.data(new Uint8Array(0))).toHaveLength(0)
    expect(enc.parts(new Uint8Array(0))).toEqual([])
  })

  it('ends with the last chunk and the trailer section (RFC 9112 §7.1.2)', () => {
    expect(text(new BodyEncoder('chunked', 0).end([]))).toBe('0\r\n\r\n')
    expect(text(new BodyEncoder('chunked', 0).end(['X-Sum', '42']))).toBe('0\r\nX-Sum: 42\r\n\r\n')
    expect(text(new BodyEncoder('chunked', 0).end(['A', '1', 'b', '', 'C', 'caf\xe9']))).toBe(
      '0\r\nA: 1\r\nb: \r\nC: caf\xe9\r\n\r\n',
    )
  })

  it.each([
    ['CRLF in a value', ['X', 'a\r\nInjected: 1']],
    ['LF in a value', ['X', 'a\nb']],
    ['NUL in a value', ['X', 'a\0b']],
    ['space in a name', ['X Y', '1']],
    ['colon in a name', ['X:', '1']],
    ['empty name', ['', '1']],
    ['non-latin1 value', ['X', 'λ']],
  ])('refuses a trailer with %s', (_name, trailers) => {
    const error = thrown(() => new BodyEncoder('chunked', 0).end(trailers))
    expect(error).toBeInstanceOf(LocalProtocolError)
    expect(error).toMatchObject({ code: 'invalid-response' })
  })

  it('data() output equals the concatenated parts()', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        const viaData = text(new BodyEncoder('chunked', 0).data(bytes))
        expect(joined(new BodyEncoder('chunked', 0).parts(bytes))).toBe(viaData)
      }),
      { numRuns: 50 },
    )
  })
})

describe('parts(): gathered write without copying the body', () => {
  it('chunked: size line, the very same bytes, CRLF', () => {
    const bytes = b('hello world')
    const parts = new BodyEncoder('chunked', 0).parts(bytes)
    expect(parts).toHaveLength(3)
    expect(text(parts[0]!)).toBe('b\r\n')
    expect(parts[1]).toBe(bytes)
    expect(text(parts[2]!)).toBe('\r\n')
  })

  it('length: the very same bytes, still counted against the promise', () => {
    const enc = new BodyEncoder('length', 4)
    const bytes = b('abc')
    const parts = enc.parts(bytes)
    expect(parts).toHaveLength(1)
    expect(parts[0]).toBe(bytes)
    expect(thrown(() => enc.parts(b('de')))).toMatchObject({ code: 'invalid-response' })
    expect(joined(enc.parts(b('d')))).toBe('d')
    expect(enc.end()).toHaveLength(0)
  })

  it('close: the very same bytes', () => {
    const bytes = b('abc')
    const parts = new BodyEncoder('close', 0).parts(bytes)
    expect(parts).toHaveLength(1)
    expect(parts[0]).toBe(bytes)
  })

  it('none: nothing', () => {
    expect(new BodyEncoder('none', 5).parts(b('abc'))).toEqual([])
  })
})

describe("'close' framing (RFC 9112 §6.3 rule 8)", () => {
  it('passes bytes through and ends with nothing: the close ends the body', () => {
    const enc = new BodyEncoder('close', 0)
    const bytes = b('any amount')
    expect(enc.data(bytes)).toBe(bytes)
    const large = new Uint8Array(100_000).fill(0x7a)
    expect(enc.data(large)).toBe(large)
    expect(enc.end()).toHaveLength(0)
    expect(new BodyEncoder('close', 0).end(['X', '1'])).toHaveLength(0)
  })
})

describe("'none' framing (HEAD, 1xx, 204, 304)", () => {
  it('sends no body bytes whatever the app writes, and no error for the length', () => {
    const enc = new BodyEncoder('none', 5)
    expect(enc.data(b('hello'))).toHaveLength(0)
    expect(enc.data(b('more than five'))).toHaveLength(0)
    expect(enc.end(['X', '1'])).toHaveLength(0)
  })

  it('ends without any body written (a HEAD that promised a length)', () => {
    expect(new BodyEncoder('none', 1234).end()).toHaveLength(0)
  })

  it('keeps its framing readable', () => {
    expect(new BodyEncoder('none', 0).framing).toBe('none')
  })
})
