// Response heads to bytes: status line and reason, 1xx, field validation (no response
// splitting), the framing chosen by method, status, version and length, Connection and Date,
// and the trailer section. Every head is checked byte for byte.
import { describe, expect, it } from 'vitest'
import { LocalProtocolError } from '../../../core/http1/errors.ts'
import {
  serializeInformational,
  serializeResponseHead,
  serializeTrailers,
  statusLine,
  type ResponseContext,
} from '../../../core/http1/head-serializer.ts'
import { text } from '../../helpers/feed.ts'

const GET_11: ResponseContext = { method: 'GET', version: '1.1', keepAlive: true, date: null }
const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT'

function expectInvalidResponse(action: () => unknown): void {
  let caught: unknown
  try {
    action()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(LocalProtocolError)
  expect(caught).toMatchObject({ code: 'invalid-response', statusHint: 500 })
}

/** serializeResponseHead with the request context overridden where given. */
function head(
  status: number,
  headers: string[] = [],
  knownLength?: number,
  context: Partial<ResponseContext> = {},
  reason?: string,
): ReturnType<typeof serializeResponseHead> {
  return serializeResponseHead(status, reason, headers, knownLength, { ...GET_11, ...context })
}

describe('status line (RFC 9112 §4)', () => {
  it('is HTTP/1.1, the code and the standard reason', () => {
    expect(statusLine(200)).toBe('HTTP/1.1 200 OK\r\n')
    expect(statusLine(404)).toBe('HTTP/1.1 404 Not Found\r\n')
    expect(statusLine(101)).toBe('HTTP/1.1 101 Switching Protocols\r\n')
  })

  it('has an empty reason for a status without a standard one', () => {
    expect(statusLine(599)).toBe('HTTP/1.1 599 \r\n')
  })

  it('uses the reason given, empty and obs-text included', () => {
    expect(statusLine(200, 'Fine\tThanks')).toBe('HTTP/1.1 200 Fine\tThanks\r\n')
    expect(statusLine(200, '')).toBe('HTTP/1.1 200 \r\n')
    expect(statusLine(418, 'Sch\xf6n')).toBe('HTTP/1.1 418 Sch\xf6n\r\n')
  })

  it('accepts the three-digit range 100..999', () => {
    expect(statusLine(100)).toBe('HTTP/1.1 100 Continue\r\n')
    expect(statusLine(999)).toBe('HTTP/1.1 999 \r\n')
  })

  it.each([99, 1000, 0, -200, 200.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses status %s', (status) => {
    expectInvalidResponse(() => statusLine(status))
  })

  it.each([
    ['CRLF', 'OK\r\nSet-Cookie: a=1'],
    ['LF', 'OK\nX'],
    ['CR', 'OK\r'],
    ['NUL', 'O\0K'],
    ['DEL', 'O\x7fK'],
    ['a char above 0xFF', 'Okλ'],
  ])('refuses a reason with %s', (_name, reason) => {
    expectInvalidResponse(() => statusLine(200, reason))
  })

  it('is sent as HTTP/1.1 even to an HTTP/1.0 request (RFC 9110 §6.2)', () => {
    expect(head(200, [], 0, { version: '1.0' }).text.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true)
  })

  it('carries a custom reason into the head', () => {
    expect(head(200, [], 0, {}, 'Alright').text).toBe('HTTP/1.1 200 Alright\r\ncontent-length: 0\r\n\r\n')
  })
})

describe('informational responses (RFC 9110 §15.2)', () => {
  it('100 Continue is a status line and a blank line', () => {
    expect(text(serializeInformational(100))).toBe('HTTP/1.1 100 Continue\r\n\r\n')
  })

  it('103 Early Hints carries its fields', () => {
    expect(text(serializeInformational(103, ['Link', '</style.css>; rel=preload', 'X-A', 'b']))).toBe(
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nX-A: b\r\n\r\n',
    )
  })

  it('accepts the edges of 1xx: 102 and 199', () => {
    expect(text(serializeInformational(102))).toBe('HTTP/1.1 102 Processing\r\n\r\n')
    expect(text(serializeInformational(199))).toBe('HTTP/1.1 199 \r\n\r\n')
  })

  it.each([99, 101, 200, 204, 100.5])('refuses %s: not a 1xx other than 101', (status) => {
    expectInvalidResponse(() => serializeInformational(status))
  })

  it('validates its fields', () => {
    expectInvalidResponse(() => serializeInformational(103, ['Link', '<a>\r\nX: y']))
    expectInvalidResponse(() => serializeInformational(103, ['Li nk', '<a>']))
  })
})

describe('field validation: no response splitting (RFC 9110 §5.5, RFC 9112 §5)', () => {
  it.each([
    ['empty', ''],
    ['space', 'X Y'],
    ['colon', 'X:'],
    ['CRLF', 'X\r\nY'],
    ['a separator', 'X(1)'],
    ['obs-text', 'caf\xe9'],
    ['a char above 0xFF', 'λ'],
  ])('refuses a name with %s', (_name, name) => {
    expectInvalidResponse(() => head(200, [name, 'v'], 0))
  })

  it.each([
    ['CRLF', 'a\r\nSet-Cookie: evil=1'],
    ['CRLF CRLF (body injection)', 'a\r\n\r\n<script>'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['NUL', 'a\0b'],
    ['DEL', 'a\x7fb'],
    ['another CTL', 'a\x01b'],
    ['a char above 0xFF', 'λ'],
  ])('refuses a value with %s', (_name, value) => {
    expectInvalidResponse(() => head(200, ['X-A', value], 0))
  })

  it('validates the fields it drops or replaces as well', () => {
    expectInvalidResponse(() => head(200, ['Transfer-Encoding', 'chunked\r\nX: 1']))
    expectInvalidResponse(() => head(204, ['Content-Length', '0\r\nX: 1']))
  })

  it('keeps names as given and values verbatim: inner whitespace, HTAB, obs-text, empty', () => {
    expect(head(200, ['X-Mixed-Case', 'a  b\tc', 'x', 'caf\xe9', 'Empty', ''], 0).text).toBe(
      'HTTP/1.1 200 OK\r\nX-Mixed-Case: a  b\tc\r\nx: caf\xe9\r\nEmpty: \r\ncontent-length: 0\r\n\r\n',
    )
  })

  it('keeps repeated fields, in order', () => {
    expect(head(200, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], 0).text).toBe(
      'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-length: 0\r\n\r\n',
    )
  })
})

describe('framing (RFC 9112 §6, RFC 9110 §8.6)', () => {
  it('sends the known length as Content-Length', () => {
    expect(head(200, ['X', '1'], 5)).toEqual({
      text: 'HTTP/1.1 200 OK\r\nX: 1\r\ncontent-length: 5\r\n\r\n', framing: 'length', length: 5, keepAlive: true,
    })
  })

  it('sends content-length: 0 for an empty body', () => {
    expect(head(200, [], 0)).toEqual({
      text: 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', framing: 'length', length: 0, keepAlive: true,
    })
  })

  it('chunks a body of unknown length on HTTP/1.1', () => {
    expect(head(200)).toEqual({
      text: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', framing: 'chunked', length: 0, keepAlive: true,
    })
  })

  it('delimits a body of unknown length by close on HTTP/1.0 (§6.3 rule 8)', () => {
    expect(head(200, [], undefined, { version: '1.0' })).toEqual({
      text: 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n', framing: 'close', length: 0, keepAlive: false,
    })
  })

  it("prefers the app's Content-Length to the known length, sent once after the app's fields", () => {
    expect(head(200, ['CONTENT-LENGTH', '3', 'X', '1'], 5)).toEqual({
      text: 'HTTP/1.1 200 OK\r\nX: 1\r\ncontent-length: 3\r\n\r\n', framing: 'length', length: 3, keepAlive: true,
    })
    expect(head(200, ['content-length', '7'])).toMatchObject({ framing: 'length', length: 7 })
  })

  it('sends a repeated identical Content-Length from the app once', () => {
    expect(head(200, ['Content-Length', '2', 'Content-Length', '2']).text).toBe(
      'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n',
    )
  })

  it('accepts 15 digits from the app and refuses 16', () => {
    expect(head(200, ['Content-Length', '999999999999999'])).toMatchObject({ length: 999999999999999 })
    expectInvalidResponse(() => head(200, ['Content-Length', '1000000000000000']))
  })

  it.each(['', '-1', '+1', '1.5', ' 5', '5 ', '5,5', '1e3', '0x10', 'five'])(
    "refuses the app's Content-Length %j",
    (value) => expectInvalidResponse(() => head(200, ['Content-Length', value])),
  )

  it("replaces the app's Transfer-Encoding with its own framing", () => {
    expect(head(200, ['Transfer-Encoding', 'gzip, chunked'], 2).text).toBe('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n')
    expect(head(200, ['transfer-encoding', 'chunked']).text).toBe('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n')
  })

  describe('HEAD (RFC 9110 §9.3.2)', () => {
    it('sends the known length but no body', () => {
      expect(head(200, [], 5, { method: 'HEAD' })).toEqual({
        text: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n', framing: 'none', length: 5, keepAlive: true,
      })
    })

    it("sends the app's Content-Length but no body", () => {
      expect(head(200, ['Content-Length', '9'], undefined, { method: 'HEAD' })).toMatchObject({
        text: 'HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n', framing: 'none',
      })
    })

    it('says nothing about an unknown length, and the connection persists', () => {
      expect(head(200, [], undefined, { method: 'HEAD' })).toEqual({
        text: 'HTTP/1.1 200 OK\r\n\r\n', framing: 'none', length: 0, keepAlive: true,
      })
      expect(head(200, [], undefined, { method: 'HEAD', version: '1.0' })).toEqual({
        text: 'HTTP/1.1 200 OK\r\nconnection: keep-alive\r\n\r\n', framing: 'none', length: 0, keepAlive: true,
      })
    })
  })

  describe('204, 304 and 1xx (RFC 9110 §6.4.1)', () => {
    it('204 sends no framing fields, even when the app or the server has a length', () => {
      expect(head(204, ['Content-Length', '3', 'Transfer-Encoding', 'chunked'], 3)).toEqual({
        text: 'HTTP/1.1 204 No Content\r\n\r\n', framing: 'none', length: 0, keepAlive: true,
      })
      expect(head(204, [], undefined, { version: '1.0' })).toMatchObject({ framing: 'none', keepAlive: true })
    })

    it('304 sends no body; a known length is not sent, the app\'s Content-Length is', () => {
      expect(head(304, [], 3)).toEqual({
        text: 'HTTP/1.1 304 Not Modified\r\n\r\n', framing: 'none', length: 0, keepAlive: true,
      })
      expect(head(304, ['Content-Length', '10'])).toMatchObject({
        text: 'HTTP/1.1 304 Not Modified\r\ncontent-length: 10\r\n\r\n', framing: 'none',
      })
      expect(head(304, [], undefined, { version: '1.0' })).toMatchObject({ framing: 'none', keepAlive: true })
    })

    it('a 1xx final head (101) has no framing fields', () => {
      expect(head(101, ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Content-Length', '0'], 0)).toEqual({
        text: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
        framing: 'none', length: 0, keepAlive: true,
      })
    })
  })

  describe('CONNECT (RFC 9110 §9.3.6)', () => {
    it('a 2xx starts a tunnel: no framing fields', () => {
      expect(head(200, ['Content-Length', '5'], 5, { method: 'CONNECT' })).toEqual({
        text: 'HTTP/1.1 200 OK\r\n\r\n', framing: 'none', length: 0, keepAlive: true,
      })
      expect(head(299, [], undefined, { method: 'CONNECT' })).toMatchObject({ framing: 'none' })
    })

    it('any other status is a normal response', () => {
      expect(head(407, [], 2, { method: 'CONNECT' })).toMatchObject({
        text: 'HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 2\r\n\r\n', framing: 'length',
      })
      expect(head(300, [], undefined, { method: 'CONNECT' })).toMatchObject({ framing: 'chunked' })
    })
  })

  // RFC 9110 §8.6: Content-Length = 1*DIGIT. The event's number is checked as the app's own
  // Content-Length field is, so -1, NaN or 1e21 never reach the wire.
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e21])(
    'refuses a known length of %s instead of writing it',
    (length) => expectInvalidResponse(() => head(200, [], length)),
  )
})

describe('Connection (RFC 9112 §9.3, §9.6)', () => {
  it('adds connection: close when the connection will not persist', () => {
    expect(head(200, [], 0, { keepAlive: false })).toEqual({
      text: 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', framing: 'length', length: 0, keepAlive: false,
    })
  })

  it("honours the app's Connection: close, without sending a second one", () => {
    expect(head(200, ['Connection', 'close'], 0)).toEqual({
      text: 'HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n', framing: 'length', length: 0, keepAlive: false,
    })
    expect(head(200, ['connection', 'close'], 0, { keepAlive: false }).text).toBe(
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n',
    )
  })

  it('finds close among other Connection options, in any case', () => {
    expect(head(200, ['Connection', 'Keep-Alive, CLOSE'], 0).keepAlive).toBe(false)
    expect(head(200, ['CONNECTION', ' close '], 0).keepAlive).toBe(false)
  })

  it('does not mistake other options for close', () => {
    for (const value of ['closed', 'x-close', 'keep-alive', 'upgrade', '']) {
      expect(head(200, ['Connection', value], 0).keepAlive, value).toBe(true)
    }
  })

  it('confirms keep-alive to an HTTP/1.0 client when the length is known', () => {
    expect(head(200, [], 2, { version: '1.0' })).toEqual({
      text: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n', framing: 'length', length: 2, keepAlive: true,
    })
  })

  it('closes an HTTP/1.0 connection that did not ask for keep-alive', () => {
    expect(head(200, [], 2, { version: '1.0', keepAlive: false }).text).toBe(
      'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n',
    )
  })

  it("an app's close on HTTP/1.0 sends no keep-alive", () => {
    expect(head(200, ['Connection', 'close'], 2, { version: '1.0' }).text).toBe(
      'HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 2\r\n\r\n',
    )
  })
})

describe('Date (RFC 9110 §6.6.1)', () => {
  it('is added from the context, after the framing field and before Connection', () => {
    expect(head(200, ['Server', 'portico'], 2, { date: DATE, keepAlive: false }).text).toBe(
      `HTTP/1.1 200 OK\r\nServer: portico\r\ncontent-length: 2\r\ndate: ${DATE}\r\nconnection: close\r\n\r\n`,
    )
    expect(head(200, [], undefined, { date: DATE }).text).toBe(
      `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ndate: ${DATE}\r\n\r\n`,
    )
  })

  it("is not added when the app sent its own, in any case", () => {
    expect(head(200, ['DATE', 'Mon, 07 Nov 1994 00:00:00 GMT'], 0, { date: DATE }).text).toBe(
      'HTTP/1.1 200 OK\r\nDATE: Mon, 07 Nov 1994 00:00:00 GMT\r\ncontent-length: 0\r\n\r\n',
    )
  })

  it('is not sent with a null date', () => {
    expect(head(200, [], 0, { date: null }).text).not.toMatch(/date/i)
  })

  it('is sent on 204 and 304 too', () => {
    expect(head(204, [], undefined, { date: DATE }).text).toBe(`HTTP/1.1 204 No Content\r\ndate: ${DATE}\r\n\r\n`)
  })
})

describe('trailers (RFC 9112 §7.1.2)', () => {
  it('are field lines without the blank line', () => {
    expect(serializeTrailers([])).toBe('')
    expect(serializeTrailers(['X-Sum', '42', 'x-empty', ''])).toBe('X-Sum: 42\r\nx-empty: \r\n')
  })

  it('are validated like header fields', () => {
    expectInvalidResponse(() => serializeTrailers(['X-Sum', '1\r\n\r\nbody']))
    expectInvalidResponse(() => serializeTrailers(['X Sum', '1']))
    expectInvalidResponse(() => serializeTrailers(['', '1']))
  })
})

describe('alike heads (the last head is reused when every input is the same)', () => {
  it('gives the same head for the same inputs, and a new one when any input differs', () => {
    const fields = ['content-type', 'text/plain']
    const first = head(200, fields, 13, { date: DATE })
    expect(head(200, ['content-type', 'text/plain'], 13, { date: DATE })).toBe(first)
    const ok = `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\ndate: ${DATE}\r\n\r\n`
    expect(first.text).toBe(ok)
    expect(head(200, fields, 14, { date: DATE }).text).toBe(ok.replace('13', '14'))
    expect(head(201, fields, 13, { date: DATE }).text).toBe(ok.replace('200 OK', '201 Created'))
    expect(head(200, fields, 13, { date: 'Mon, 07 Nov 1994 08:49:37 GMT' }).text).toBe(ok.replace('Sun, 06', 'Mon, 07'))
    expect(head(200, fields, 13, { date: DATE, keepAlive: false }).text).toBe(ok.replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n'))
    expect(head(200, fields, 13, { date: DATE, version: '1.0' }).text).toBe(ok.replace('\r\n\r\n', '\r\nconnection: keep-alive\r\n\r\n'))
    expect(head(200, fields, 13, { date: DATE }, 'Fine').text).toBe(ok.replace('200 OK', '200 Fine'))
    const forHead = head(200, fields, 13, { date: DATE, method: 'HEAD' })
    expect(forHead.text).toBe(ok)
    expect(forHead.framing).toBe('none')
    expect(head(200, fields, 13, { date: DATE }).framing).toBe('length')
  })

  it('compares the fields by value, so a field list changed after use is not mistaken for the old one', () => {
    const fields = ['x-a', '1']
    expect(head(200, fields, 0).text).toBe('HTTP/1.1 200 OK\r\nx-a: 1\r\ncontent-length: 0\r\n\r\n')
    fields[1] = '2'
    expect(head(200, fields, 0).text).toBe('HTTP/1.1 200 OK\r\nx-a: 2\r\ncontent-length: 0\r\n\r\n')
    fields.push('x-b', '3')
    expect(head(200, fields, 0).text).toBe('HTTP/1.1 200 OK\r\nx-a: 2\r\nx-b: 3\r\ncontent-length: 0\r\n\r\n')
  })

  it('still refuses an invalid field after a valid head', () => {
    head(200, ['x-a', '1'], 0)
    expectInvalidResponse(() => head(200, ['x-a', '1\r\nx-b: 2'], 0))
    expectInvalidResponse(() => head(200, ['x-a', '1\r\nx-b: 2'], 0))
  })
})
