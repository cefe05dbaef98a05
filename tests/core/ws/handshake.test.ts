// Opening handshake (RFC 6455 §4.2), extension header syntax (§9.1) and permessage-deflate
// negotiation (RFC 7692 §5, §7.1), driven by tests/vectors/ws-handshake.ts.
import { describe, expect, it, test } from 'vitest'
import { LocalWebSocketError } from '../../../core/ws/errors.ts'
import { formatExtension, parseExtensions } from '../../../core/ws/extensions.ts'
import {
  acceptHandshake,
  acceptHeaders,
  chooseSubprotocol,
  isWebSocketUpgrade,
  validateHandshake,
  type HandshakeAccepted,
} from '../../../core/ws/handshake.ts'
import { negotiateDeflate } from '../../../core/ws/permessage-deflate.ts'
import { fields, handshakes, negotiations, SAMPLE_ACCEPT } from '../../vectors/ws-handshake.ts'

describe('validateHandshake', () => {
  test.each(handshakes.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const result = validateHandshake({ method: vector.method ?? 'GET', version: vector.version ?? '1.1', headers: vector.headers })
    expect(result).toMatchObject(vector.expect)
    if (!result.ok) {
      expect(result.headers).toEqual(result.status === 426 ? ['sec-websocket-version', '13'] : [])
      expect(result.reason).not.toBe('')
    }
  })
})

describe('isWebSocketUpgrade', () => {
  it('is a GET with Upgrade: websocket, whatever else is wrong', () => {
    expect(isWebSocketUpgrade('GET', fields())).toBe(true)
    expect(isWebSocketUpgrade('GET', fields({ 'Sec-WebSocket-Key': null, Connection: null }))).toBe(true)
    expect(isWebSocketUpgrade('GET', ['upgrade', 'h2c, WEBSOCKET'])).toBe(true)
  })
  it('is not for other methods or protocols', () => {
    expect(isWebSocketUpgrade('POST', fields())).toBe(false)
    expect(isWebSocketUpgrade('GET', fields({ Upgrade: 'h2c' }))).toBe(false)
    expect(isWebSocketUpgrade('GET', ['host', 'a'])).toBe(false)
  })
})

describe('101 response', () => {
  const handshake = validateHandshake({ method: 'GET', version: '1.1', headers: fields({}, ['Sec-WebSocket-Protocol', 'chat, superchat', 'Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits']) }) as HandshakeAccepted

  it('has the fixed fields and the accept value (RFC 6455 §4.2.2 step 5)', () => {
    expect(acceptHeaders({ accept: SAMPLE_ACCEPT })).toEqual(['upgrade', 'websocket', 'connection', 'Upgrade', 'sec-websocket-accept', SAMPLE_ACCEPT])
    expect(acceptHeaders({ accept: 'x', protocol: 'chat', extensions: 'permessage-deflate' }))
      .toEqual(['upgrade', 'websocket', 'connection', 'Upgrade', 'sec-websocket-accept', 'x', 'sec-websocket-protocol', 'chat', 'sec-websocket-extensions', 'permessage-deflate'])
  })

  it('chooses the first supported subprotocol in server order', () => {
    expect(chooseSubprotocol(['chat', 'superchat'], ['superchat', 'chat'])).toBe('superchat')
    expect(chooseSubprotocol(['chat'], ['mqtt'])).toBeNull()
  })

  it('accepts with a subprotocol and permessage-deflate', () => {
    const accepted = acceptHandshake(handshake, { protocol: 'chat', permessageDeflate: { clientMaxWindowBits: 12 } })
    expect(accepted.protocol).toBe('chat')
    expect(accepted.permessageDeflate).toEqual({ serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 12 })
    expect(accepted.headers).toEqual([
      'upgrade', 'websocket', 'connection', 'Upgrade', 'sec-websocket-accept', SAMPLE_ACCEPT,
      'sec-websocket-protocol', 'chat', 'sec-websocket-extensions', 'permessage-deflate; client_max_window_bits=12',
    ])
  })

  it('leaves deflate off unless the server enables it', () => {
    const accepted = acceptHandshake(handshake)
    expect(accepted.permessageDeflate).toBeNull()
    expect(accepted.headers).not.toContain('sec-websocket-extensions')
  })

  it('refuses a subprotocol the client did not offer (RFC 6455 §4.2.2)', () => {
    expect(() => acceptHandshake(handshake, { protocol: 'mqtt' })).toThrow(LocalWebSocketError)
    try {
      acceptHandshake(handshake, { protocol: 'mqtt' })
    } catch (error) {
      expect((error as LocalWebSocketError).code).toBe('invalid-subprotocol')
    }
  })
})

describe('Sec-WebSocket-Extensions syntax (RFC 6455 §9.1)', () => {
  it('parses whitespace, quoted strings and escapes', () => {
    expect(parseExtensions(['a ; b = "c\\d" ;e, f', ' ,g'])).toEqual([
      { name: 'a', params: [{ name: 'b', value: 'cd' }, { name: 'e', value: null }] },
      { name: 'f', params: [] },
      { name: 'g', params: [] },
    ])
    expect(parseExtensions([])).toEqual([])
    expect(parseExtensions(['a; b=', 'c'])).toBeNull()
    expect(parseExtensions(['a; b=""'])).toBeNull()
  })
  it('formats a response value', () => {
    expect(formatExtension({ name: 'permessage-deflate', params: [{ name: 'a', value: null }, { name: 'b', value: '9' }] })).toBe('permessage-deflate; a; b=9')
  })
})

describe('permessage-deflate negotiation', () => {
  test.each(negotiations.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const offers = parseExtensions([vector.offers])
    expect(offers).not.toBeNull()
    const agreement = negotiateDeflate(offers!, vector.options)
    if (vector.response === null) {
      expect(agreement).toBeNull()
    } else {
      expect(agreement?.header).toBe(vector.response)
      if (vector.params) expect(agreement?.params).toEqual(vector.params)
      // The answer itself parses back, as the client will read it.
      expect(parseExtensions([agreement!.header])).not.toBeNull()
    }
  })

  it('rejects out-of-range server options', () => {
    expect(() => negotiateDeflate([], { serverMaxWindowBits: 16 })).toThrow(RangeError)
    expect(() => negotiateDeflate([], { clientMaxWindowBits: 7 })).toThrow(RangeError)
  })
})
