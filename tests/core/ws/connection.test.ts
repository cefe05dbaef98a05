// WebSocketConnection seen through receive/next/send: the closing handshake (RFC 6455 §7),
// failing the connection (§7.1.7), what send() refuses, and bounded memory. Byte-level
// parsing is covered by the vectors.
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_PAYLOAD_LENGTH, WebSocketConnection } from '../../../core/ws/connection.ts'
import { LocalWebSocketError, RemoteWebSocketError } from '../../../core/ws/errors.ts'
import { NEED_DATA, type WebSocketEvent } from '../../../core/ws/events.ts'
import { clientClose, clientFrame, clientFrames, hex, parseServerFrames, toHex, utf8 } from '../../vectors/ws-client.ts'
import { DEFLATE } from './feed.ts'

function drain(conn: WebSocketConnection): (WebSocketEvent | typeof NEED_DATA)[] {
  const out: (WebSocketEvent | typeof NEED_DATA)[] = []
  for (;;) {
    const ev = conn.next()
    out.push(ev)
    if (ev === NEED_DATA || ev.type === 'closed') return out
  }
}

function remoteError(fn: () => unknown): RemoteWebSocketError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteWebSocketError)
    return error as RemoteWebSocketError
  }
  throw new Error('did not throw')
}

describe('closing handshake started by the server (RFC 6455 §7.1.2)', () => {
  it('sends a Close, still delivers messages, then completes on the peer\'s Close', () => {
    const conn = new WebSocketConnection()
    expect(toHex(conn.send({ type: 'close', code: 1001, reason: 'bye' }))).toBe('880503e9627965')
    expect(conn.state).toBe('closing')
    conn.receive(clientFrames({ opcode: 1, payload: 'late' }, { opcode: 9 }))
    expect(drain(conn)).toMatchObject([{ type: 'message', data: utf8('late') }, { type: 'ping' }, NEED_DATA])
    conn.receive(clientClose(1001))
    expect(drain(conn)).toEqual([{ type: 'close', code: 1001, reason: '' }, { type: 'closed', clean: true }])
    expect(conn.state).toBe('closed')
    expect(conn.next()).toEqual({ type: 'closed', clean: true })
  })

  it('sends nothing after its Close (§5.5.1)', () => {
    const conn = new WebSocketConnection()
    conn.send({ type: 'close' })
    for (const event of [{ type: 'message', opcode: 'text', data: 'x' }, { type: 'ping' }, { type: 'pong' }, { type: 'close' }] as const) {
      expect(() => conn.send(event)).toThrow(expect.objectContaining({ code: 'invalid-state' }))
    }
    expect(conn.state).toBe('closing')
  })

  it('an empty Close has no body', () => {
    expect(toHex(new WebSocketConnection().send({ type: 'close' }))).toBe('8800')
  })

  it('EOF before the peer\'s Close is unclean', () => {
    const conn = new WebSocketConnection()
    conn.send({ type: 'close', code: 1000 })
    conn.receive(new Uint8Array(0))
    expect(conn.next()).toEqual({ type: 'closed', clean: false })
  })

  it('a protocol error while closing sends no second Close', () => {
    const conn = new WebSocketConnection()
    conn.send({ type: 'close', code: 1000 })
    conn.receive(clientFrame({ opcode: 3 }))
    const error = remoteError(() => conn.next())
    expect(error.code).toBe('reserved-opcode')
    expect(error.closeFrame).toHaveLength(0)
  })
})

describe('closing handshake started by the client (RFC 6455 §5.5.1)', () => {
  it('reports the Close, waits for the echo, then is closed', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientClose(4000, 'done'))
    expect(conn.next()).toEqual({ type: 'close', code: 4000, reason: 'done' })
    expect(conn.state).toBe('remote-closing')
    expect(conn.next()).toBe(NEED_DATA)
    expect(toHex(conn.send({ type: 'close' }))).toBe('88020fa0')
    expect(conn.state).toBe('closed')
    expect(conn.next()).toEqual({ type: 'closed', clean: true })
  })

  it('may finish sending before answering, and answer with its own code', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientClose(1000))
    conn.next()
    expect(parseServerFrames(conn.send({ type: 'message', opcode: 'binary', data: hex('01') }))).toMatchObject([{ opcode: 2 }])
    expect(parseServerFrames(conn.send({ type: 'pong' }))).toMatchObject([{ opcode: 10 }])
    expect(toHex(conn.send({ type: 'close', code: 1001, reason: 'x' }))).toBe('880303e978')
  })

  it('echoes an empty Close with an empty Close (1005 is never sent)', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientClose())
    expect(conn.next()).toEqual({ type: 'close', code: 1005, reason: '' })
    expect(toHex(conn.send({ type: 'close' }))).toBe('8800')
  })

  it('ignores what follows the Close, then EOF is an unclean end', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientClose(1000))
    conn.next()
    conn.receive(clientFrame({ opcode: 1, payload: 'ignored' }))
    expect(conn.next()).toBe(NEED_DATA)
    expect(conn.bufferedBytes).toBe(0)
    conn.receive(new Uint8Array(0))
    expect(conn.next()).toEqual({ type: 'closed', clean: false })
    expect(() => conn.send({ type: 'close' })).toThrow(LocalWebSocketError)
  })
})

describe('failing the connection (RFC 6455 §7.1.7)', () => {
  it('hands out the Close frame with the error and refuses everything after', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientFrame({ opcode: 1, payload: 'x', mask: false }))
    const error = remoteError(() => conn.next())
    expect(error).toMatchObject({ code: 'unmasked-frame', closeCode: 1002, name: 'RemoteWebSocketError' })
    expect(toHex(error.closeFrame)).toBe('880203ea')
    expect(error.cause).toBeDefined()
    expect(conn.state).toBe('failed')
    expect(() => conn.next()).toThrow(expect.objectContaining({ code: 'invalid-state' }))
    expect(() => conn.send({ type: 'ping' })).toThrow(LocalWebSocketError)
    expect(conn.fail(1011)).toHaveLength(0)
  })

  it('fail() sends the given code once, for errors found above the engine', () => {
    const conn = new WebSocketConnection()
    expect(toHex(conn.fail(1009, 'too big'))).toBe('880903f1746f6f20626967')
    expect(conn.state).toBe('failed')
    expect(conn.fail(1009)).toHaveLength(0)
  })

  it('fail() in remote-closing answers the Close with the failure code', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientClose(1000))
    conn.next()
    expect(toHex(conn.fail(1011))).toBe('880203f3')
  })

  it('fail() with a code that may not be sent changes nothing', () => {
    const conn = new WebSocketConnection()
    expect(() => conn.fail(1006)).toThrow(LocalWebSocketError)
    expect(conn.state).toBe('open')
  })
})

describe('send()', () => {
  const conn = new WebSocketConnection()

  it('frames text and binary, unmasked (§5.1)', () => {
    expect(toHex(conn.send({ type: 'message', opcode: 'text', data: 'Hello' }))).toBe('810548656c6c6f')
    expect(toHex(conn.send({ type: 'message', opcode: 'binary', data: hex('00ff') }))).toBe('820200ff')
    expect(parseServerFrames(conn.send({ type: 'message', opcode: 'text', data: 'abcde', fragmentSize: 2 })))
      .toMatchObject([{ opcode: 1, fin: false }, { opcode: 0, fin: false }, { opcode: 0, fin: true }])
  })

  it('pings and pongs carry at most 125 bytes (§5.5)', () => {
    expect(toHex(conn.send({ type: 'ping', data: 'hi' }))).toBe('89026869')
    expect(toHex(conn.send({ type: 'pong' }))).toBe('8a00')
    expect(conn.send({ type: 'ping', data: new Uint8Array(125) })).toHaveLength(127)
    expect(() => conn.send({ type: 'ping', data: new Uint8Array(126) })).toThrow(expect.objectContaining({ code: 'invalid-event' }))
    expect(() => conn.send({ type: 'pong', data: 'é'.repeat(63) })).toThrow(LocalWebSocketError)
  })

  it('refuses a fragment size that is not a positive integer', () => {
    expect(() => conn.send({ type: 'message', opcode: 'text', data: 'abc', fragmentSize: 0 })).toThrow(expect.objectContaining({ code: 'invalid-event' }))
  })

  it('refuses text bytes that are not UTF-8 (§5.6)', () => {
    expect(() => conn.send({ type: 'message', opcode: 'text', data: hex('ed a0 80') })).toThrow(expect.objectContaining({ code: 'invalid-event' }))
  })

  it('refuses compressed messages without permessage-deflate, sets RSV1 with it', () => {
    expect(() => conn.send({ type: 'message', opcode: 'text', data: hex('00'), compressed: true })).toThrow(LocalWebSocketError)
    const deflating = new WebSocketConnection({ permessageDeflate: DEFLATE })
    expect(toHex(deflating.send({ type: 'message', opcode: 'text', data: hex('f248cdc9c90700'), compressed: true }))).toBe('c107f248cdc9c90700')
  })

  it('refuses Close codes that may not be sent, and long reasons, without closing', () => {
    expect(() => conn.send({ type: 'close', code: 1005 })).toThrow(expect.objectContaining({ code: 'invalid-event' }))
    expect(() => conn.send({ type: 'close', code: 1000, reason: 'x'.repeat(124) })).toThrow(expect.objectContaining({ code: 'close-reason-too-long' }))
    expect(conn.state).toBe('open')
  })
})

describe('receiving', () => {
  it('events own their bytes: reusing the input buffer does not change them', () => {
    const conn = new WebSocketConnection()
    const input = clientFrames({ opcode: 1, payload: 'abc' }, { opcode: 9, payload: 'p' })
    conn.receive(input)
    const [message, ping] = drain(conn) as [WebSocketEvent & { data: Uint8Array }, WebSocketEvent & { data: Uint8Array }]
    input.fill(0)
    expect(message.data).toEqual(utf8('abc'))
    expect(ping.data).toEqual(utf8('p'))
  })

  it('a control frame between fragments does not disturb the message', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientFrames({ opcode: 2, fin: false, payload: hex('0102') }, { opcode: 10, payload: 'x' }, { opcode: 0, payload: hex('03') }))
    expect(drain(conn)).toEqual([{ type: 'pong', data: utf8('x') }, { type: 'message', opcode: 'binary', data: hex('010203'), compressed: false }, NEED_DATA])
  })

  it('EOF in the open state ends the connection uncleanly; later input is ignored', () => {
    const conn = new WebSocketConnection()
    conn.receive(new Uint8Array(0))
    conn.receive(clientFrame({ opcode: 1, payload: 'late' }))
    expect(conn.next()).toEqual({ type: 'closed', clean: false })
    expect(conn.next()).toEqual({ type: 'closed', clean: false })
  })

  it('a frame longer than 65535 bytes', () => {
    const conn = new WebSocketConnection()
    conn.receive(clientFrame({ opcode: 2, payload: new Uint8Array(70_000).fill(7) }))
    const ev = conn.next() as WebSocketEvent & { data: Uint8Array }
    expect(ev.data.length).toBe(70_000)
    expect(ev.data.every((b) => b === 7)).toBe(true)
  })
})

describe('limits and memory', () => {
  it('defaults to 16 MiB and validates the option', () => {
    expect(new WebSocketConnection().maxPayloadLength).toBe(DEFAULT_MAX_PAYLOAD_LENGTH)
    expect(DEFAULT_MAX_PAYLOAD_LENGTH).toBe(16 * 1024 * 1024)
    expect(() => new WebSocketConnection({ maxPayloadLength: -1 })).toThrow(RangeError)
  })

  it('fails with 1009 from the header alone, holding no payload', () => {
    const conn = new WebSocketConnection({ maxPayloadLength: 1000 })
    conn.receive(clientFrame({ opcode: 2, announce: 1001 }).subarray(0, 4)) // up to the 16-bit length, before the key
    const error = remoteError(() => conn.next())
    expect(error).toMatchObject({ code: 'message-too-big', closeCode: 1009 })
    expect(toHex(error.closeFrame)).toBe('880203f1')
  })

  it('a large announced frame costs memory only as its bytes arrive', () => {
    const conn = new WebSocketConnection()
    const frame = clientFrame({ opcode: 2, payload: new Uint8Array(1 << 20) })
    conn.receive(frame.subarray(0, 14 + 10))
    expect(conn.next()).toBe(NEED_DATA)
    expect(conn.bufferedBytes).toBeLessThanOrEqual(16 * 1024)
    let received = 24
    for (const step of [50_000, 100_000, 300_000]) {
      conn.receive(frame.subarray(received, received + step))
      received += step
      expect(conn.next()).toBe(NEED_DATA)
      expect(conn.bufferedBytes).toBeLessThanOrEqual(2 * received)
    }
    conn.receive(frame.subarray(received))
    expect(conn.next()).toMatchObject({ type: 'message', data: new Uint8Array(1 << 20) })
    expect(conn.bufferedBytes).toBe(0)
  })
})

describe('input handed over (ownsInput)', () => {
  const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

  it('unmasks a whole frame in place and hands out a view of the chunk; later frames do not touch it', () => {
    const conn = new WebSocketConnection({ ownsInput: true })
    const a = pattern(3000, 1), b = pattern(3001, 2)
    const chunk = clientFrames({ opcode: 2, payload: a }, { opcode: 2, payload: b })
    conn.receive(chunk)
    const [first, second] = drain(conn) as { data: Uint8Array }[]
    expect(first!.data.buffer).toBe(chunk.buffer) // no copy
    expect(second!.data.buffer).toBe(chunk.buffer)
    expect(first!.data).toEqual(a)
    expect(second!.data).toEqual(b)
    conn.receive(clientFrames({ opcode: 2, payload: pattern(3000, 3) }))
    drain(conn)
    expect(first!.data).toEqual(a)
  })

  it('copies a binary message out of a chunk that would pin over 8× its size', () => {
    const conn = new WebSocketConnection({ ownsInput: true })
    const payload = pattern(100, 5)
    const frame = clientFrame({ opcode: 2, payload })
    const big = new Uint8Array(10_000)
    big.set(frame, 7)
    conn.receive(big.subarray(7, 7 + frame.length))
    const [message] = drain(conn) as { data: Uint8Array }[]
    expect(message!.data.buffer).not.toBe(big.buffer)
    expect(message!.data).toEqual(payload)
  })

  it('leaves lent chunks untouched (the default)', () => {
    const conn = new WebSocketConnection()
    const chunk = clientFrames({ opcode: 2, payload: pattern(500, 9) }, { opcode: 1, payload: 'héllo' })
    const before = chunk.slice()
    conn.receive(chunk)
    expect(drain(conn)).toMatchObject([{ type: 'message', data: pattern(500, 9) }, { type: 'message', data: utf8('héllo') }, NEED_DATA])
    expect(chunk).toEqual(before)
  })

  it('still fails invalid UTF-8 in a frame unmasked in place (1007)', () => {
    const conn = new WebSocketConnection({ ownsInput: true })
    conn.receive(clientFrame({ opcode: 1, payload: hex('cebae1bdb9cf83ceb5eda080656469746564') }))
    expect(remoteError(() => conn.next())).toMatchObject({ code: 'invalid-utf8', closeCode: 1007 })
  })
})

describe('send() of text bytes', () => {
  it('checks them as UTF-8 unless the caller says they were encoded from a string (validUtf8)', () => {
    const conn = new WebSocketConnection()
    const bad = hex('ff41')
    expect(() => conn.send({ type: 'message', opcode: 'text', data: bad })).toThrow(LocalWebSocketError)
    expect(toHex(conn.send({ type: 'message', opcode: 'text', data: utf8('é'), validUtf8: true }))).toBe('8102c3a9')
  })
})
