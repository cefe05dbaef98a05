// Connection: the state machine seen through receive/next/send — protocol switches, 100-continue,
// serializer rules and local errors. Parser byte vectors live in tests/vectors.
import { describe, expect, it } from 'vitest'
import { Connection } from '../../../core/http1/connection.ts'
import { LocalProtocolError } from '../../../core/http1/errors.ts'
import { NEED_DATA, PAUSED, type ServerEvent } from '../../../core/http1/events.ts'

const enc = new TextEncoder()
const text = (b: Uint8Array): string => String.fromCharCode(...b)
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))

function drain(conn: Connection): (ServerEvent | typeof NEED_DATA | typeof PAUSED)[] {
  const out: (ServerEvent | typeof NEED_DATA | typeof PAUSED)[] = []
  for (;;) {
    const ev = conn.next()
    out.push(ev)
    if (ev === NEED_DATA || ev === PAUSED || ev.type === 'closed') return out
  }
}

function reply(conn: Connection, status = 200, headers: string[] = [], body = ''): string {
  return text(conn.send({ type: 'response', status, headers, contentLength: body.length })) +
    text(conn.send({ type: 'data', bytes: enc.encode(body) })) + text(conn.send({ type: 'end' }))
}

describe('protocol switch (RFC 9110 §7.8, §9.3.6)', () => {
  const upgrade = 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'

  it('hands the bytes after an accepted Upgrade to the new protocol', () => {
    const conn = new Connection()
    conn.receive(latin1(upgrade + '\x81\x05hello'))
    const events = drain(conn)
    expect(events[0]).toMatchObject({ type: 'request', upgrade: true })
    expect(events.at(-1)).toBe(PAUSED)
    expect(conn.clientState).toBe('might-switch-protocol')
    const head = text(conn.send({ type: 'response', status: 101, headers: ['Connection', 'Upgrade', 'Upgrade', 'websocket'] }))
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/)
    expect(head).not.toContain('content-length')
    expect(conn.clientState).toBe('switched-protocol')
    expect(conn.serverState).toBe('switched-protocol')
    expect(text(conn.takeTrailingData())).toBe('\x81\x05hello')
    expect(conn.next()).toBe(PAUSED)
  })

  it('goes on with HTTP when the server refuses the upgrade', () => {
    const conn = new Connection()
    conn.receive(enc.encode(upgrade + 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n'))
    drain(conn)
    reply(conn, 200, [], 'no')
    expect(conn.clientState).toBe('idle')
    expect(drain(conn)[0]).toMatchObject({ type: 'request', target: '/next' })
  })

  it('opens a tunnel on a 2xx to CONNECT, without framing headers', () => {
    const conn = new Connection()
    conn.receive(latin1('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01'))
    expect(drain(conn)[0]).toMatchObject({ type: 'request', method: 'CONNECT', upgrade: true })
    const head = text(conn.send({ type: 'response', status: 200, headers: ['Content-Length', '5'] }))
    expect(head).not.toMatch(/content-length|transfer-encoding/i)
    expect(text(conn.takeTrailingData())).toBe('\x16\x03\x01')
  })

  it('refuses a 101 without an Upgrade request', () => {
    const conn = new Connection()
    conn.receive(enc.encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
    drain(conn)
    expect(() => conn.send({ type: 'response', status: 101, headers: [] })).toThrow(LocalProtocolError)
  })
})

describe('Expect: 100-continue (RFC 9110 §10.1.1)', () => {
  const head = 'PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n'

  it('waits for the server to send 100 before the body', () => {
    const conn = new Connection()
    conn.receive(enc.encode(head))
    expect(drain(conn)).toEqual([expect.objectContaining({ expectContinue: true }), NEED_DATA])
    expect(conn.waitingForContinue).toBe(true)
    expect(text(conn.send({ type: 'informational', status: 100 }))).toBe('HTTP/1.1 100 Continue\r\n\r\n')
    expect(conn.waitingForContinue).toBe(false)
    conn.receive(enc.encode('ok'))
    expect(drain(conn)).toEqual([expect.objectContaining({ type: 'data' }), expect.objectContaining({ type: 'end' }), PAUSED])
    expect(reply(conn)).not.toContain('connection: close')
  })

  it('closes after a final response sent instead of 100', () => {
    const conn = new Connection()
    conn.receive(enc.encode(head))
    drain(conn)
    expect(reply(conn, 417)).toContain('connection: close\r\n')
    expect(conn.keepAlive).toBe(false)
  })

  it('sends no 1xx to an HTTP/1.0 client', () => {
    const conn = new Connection()
    conn.receive(enc.encode('POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\n'))
    drain(conn)
    expect(conn.send({ type: 'informational', status: 103, headers: ['Link', '</a>'] })).toHaveLength(0)
  })
})

describe('serializer rules', () => {
  function answer(request: string, status: number, headers: string[], body: string | null): string {
    const conn = new Connection({ clock: () => 0 })
    conn.receive(enc.encode(request))
    drain(conn)
    const out = text(conn.send({ type: 'response', status, headers, contentLength: body === null ? undefined : body.length }))
    return out + (body === null ? text(conn.send({ type: 'data', bytes: enc.encode('xyz') })) : text(conn.send({ type: 'data', bytes: enc.encode(body) }))) +
      text(conn.send({ type: 'end' }))
  }
  const get = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'

  it('uses Content-Length when the length is known', () => {
    expect(answer(get, 200, [], 'hello')).toMatch(/content-length: 5\r\n[\s\S]*\r\n\r\nhello$/)
  })
  it('uses chunked for an unknown length on 1.1', () => {
    expect(answer(get, 200, [], null)).toMatch(/transfer-encoding: chunked\r\n[\s\S]*\r\n\r\n3\r\nxyz\r\n0\r\n\r\n$/)
  })
  it('delimits by close on 1.0', () => {
    const out = answer('GET / HTTP/1.0\r\n\r\n', 200, [], null)
    expect(out).toContain('connection: close\r\n')
    expect(out).not.toMatch(/content-length|transfer-encoding/)
    expect(out.endsWith('\r\n\r\nxyz')).toBe(true)
  })
  it('keeps a 1.0 keep-alive connection open when the length is known', () => {
    expect(answer('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 200, [], 'a')).toContain('connection: keep-alive\r\n')
  })
  it('sends no body for HEAD but keeps the length', () => {
    const out = answer('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n', 200, [], 'hello')
    expect(out).toContain('content-length: 5\r\n')
    expect(out.endsWith('\r\n\r\n')).toBe(true)
  })
  it('sends neither body nor length for 204, and no body for 304', () => {
    const noContent = answer(get, 204, ['Content-Length', '3'], 'abc')
    expect(noContent).not.toMatch(/content-length|transfer-encoding/i)
    expect(noContent.endsWith('\r\n\r\n')).toBe(true)
    expect(answer(get, 304, [], 'abc').endsWith('\r\n\r\n')).toBe(true)
  })
  it('replaces the app\'s Transfer-Encoding with its own framing', () => {
    const out = answer(get, 200, ['Transfer-Encoding', 'gzip, chunked'], 'ok')
    expect(out).not.toContain('gzip')
    expect(out).toContain('content-length: 2\r\n')
  })
  it('sends trailers with a chunked body', () => {
    const conn = new Connection()
    conn.receive(enc.encode(get))
    drain(conn)
    conn.send({ type: 'response', status: 200, headers: [] })
    expect(text(conn.send({ type: 'end', trailers: ['X-Sum', '42'] }))).toBe('0\r\nX-Sum: 42\r\n\r\n')
  })
  it('formats the Date header from the clock as IMF-fixdate', () => {
    expect(answer(get, 200, [], '')).toContain('date: Thu, 01 Jan 1970 00:00:00 GMT\r\n')
  })
})

describe('local errors never reach the wire', () => {
  function started(): Connection {
    const conn = new Connection()
    conn.receive(enc.encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
    drain(conn)
    return conn
  }
  it.each([
    ['CRLF in a value', ['X', 'a\r\nSet-Cookie: evil=1']],
    ['LF in a value', ['X', 'a\nb']],
    ['NUL in a value', ['X', 'a\0b']],
    ['space in a name', ['X Y', 'v']],
    ['empty name', ['', 'v']],
    ['non-latin1 value', ['X', 'λ']],
  ])('refuses %s', (_name, headers) => {
    const conn = started()
    expect(() => conn.send({ type: 'response', status: 200, headers })).toThrow(
      expect.objectContaining({ code: 'invalid-response' }),
    )
    // Nothing was written, so a 500 can still go out.
    expect(text(conn.send({ type: 'response', status: 500, headers: [], contentLength: 0 }))).toMatch(/^HTTP\/1\.1 500 /)
  })
  it('refuses a body longer or shorter than its Content-Length', () => {
    const long = started()
    long.send({ type: 'response', status: 200, headers: [], contentLength: 2 })
    expect(() => long.send({ type: 'data', bytes: enc.encode('abc') })).toThrow(LocalProtocolError)
    expect(long.serverState).toBe('error')
    const short = started()
    short.send({ type: 'response', status: 200, headers: [], contentLength: 2 })
    short.send({ type: 'data', bytes: enc.encode('a') })
    expect(() => short.send({ type: 'end' })).toThrow(LocalProtocolError)
  })
  it('refuses an invalid status', () => {
    expect(() => started().send({ type: 'response', status: 99, headers: [] })).toThrow(LocalProtocolError)
  })
})

describe('alike responses', () => {
  it('are serialized byte for byte, their shared head copied into each (obs-text in the reason too)', () => {
    const conn = new Connection()
    conn.receive(enc.encode('GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n'))
    const outputs: string[] = []
    for (const [reason, body] of [['Sch\xf6n', 'one'], ['Sch\xf6n', 'two'], [undefined, 'six']] as const) {
      expect(conn.next()).toMatchObject({ type: 'request' })
      expect(conn.next()).toMatchObject({ type: 'end' })
      outputs.push(text(conn.respond({ type: 'response', status: 200, reason, headers: ['x-a', '1'] }, body)))
    }
    const head = (reason: string): string => `HTTP/1.1 200 ${reason}\r\nx-a: 1\r\ncontent-length: 3\r\n\r\n`
    expect(outputs).toEqual([head('Sch\xf6n') + 'one', head('Sch\xf6n') + 'two', head('OK') + 'six'])
  })
})
