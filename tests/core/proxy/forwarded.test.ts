import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseForwarded, parseXForwardedFor, resolveForwarded, type ForwardedHeaders } from '../../../core/proxy/forwarded.ts'
import { compileTrustedProxies } from '../../../core/proxy/ip-address.ts'

const trust = compileTrustedProxies(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'])
const NGINX = { address: '127.0.0.1', port: 50000 }
const STRANGER = { address: '203.0.113.66', port: 41000 }

function resolve(
  peer: { address: string | undefined; port: number | undefined },
  headers: string[],
  which?: ForwardedHeaders,
): ReturnType<typeof resolveForwarded> {
  return resolveForwarded(peer, headers, trust, which)
}

const xff = (value: string, ...more: string[]): string[] => ['X-Forwarded-For', value, ...more]

describe('untrusted peers', () => {
  it('keep their own address whatever they send', () => {
    const spoof = [
      ...xff('10.0.0.1'), 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'admin.example',
      'Forwarded', 'for=10.0.0.1;proto=https;host=admin.example',
    ]
    expect(resolve(STRANGER, spoof)).toEqual({ clientAddress: '203.0.113.66', clientPort: 41000 })
    expect(resolve(STRANGER, spoof, 'forwarded')).toEqual({ clientAddress: '203.0.113.66', clientPort: 41000 })
  })

  it('include a peer that only looks like a trusted one', () => {
    expect(resolve({ address: '127.0.0.2', port: 1 }, xff('1.2.3.4')).clientAddress).toBe('127.0.0.2')
    expect(resolve({ address: 'localhost', port: 1 }, xff('1.2.3.4')).clientAddress).toBe('localhost')
  })

  it('include unix peers unless the list says unix', () => {
    expect(resolve({ address: undefined, port: undefined }, xff('192.0.2.1'))).toEqual({ clientAddress: undefined })
    const unix = compileTrustedProxies(['unix'])
    expect(resolveForwarded({ address: undefined, port: undefined }, xff('192.0.2.1'), unix)).toEqual({ clientAddress: '192.0.2.1' })
  })
})

describe('X-Forwarded-For chains', () => {
  it('one trusted proxy (nginx $proxy_add_x_forwarded_for)', () => {
    const headers = [...xff('198.51.100.7'), 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'shop.example']
    expect(resolve(NGINX, headers)).toEqual({ clientAddress: '198.51.100.7', proto: 'https', host: 'shop.example' })
  })

  it('without headers the peer is the client', () => {
    expect(resolve(NGINX, [])).toEqual({ clientAddress: '127.0.0.1', clientPort: 50000 })
  })

  it('skips trusted hops right to left', () => {
    expect(resolve(NGINX, xff('198.51.100.7, 10.0.0.2, 10.1.0.3')).clientAddress).toBe('198.51.100.7')
  })

  it('stops at the first untrusted hop: entries the client wrote are ignored', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; nginx appended its real address.
    expect(resolve(NGINX, xff('1.1.1.1, 198.51.100.7')).clientAddress).toBe('198.51.100.7')
    // Spoofing a trusted address on the left does not help either.
    expect(resolve(NGINX, xff('10.0.0.9, 198.51.100.7')).clientAddress).toBe('198.51.100.7')
  })

  it('takes the leftmost entry when every hop is trusted', () => {
    expect(resolve(NGINX, xff('10.0.0.1, 10.0.0.2'))).toEqual({ clientAddress: '10.0.0.1' })
  })

  it('joins several header lines in order', () => {
    expect(resolve(NGINX, [...xff('1.1.1.1'), 'x-forwarded-for', '198.51.100.7, 10.0.0.2']).clientAddress).toBe('198.51.100.7')
  })

  it('mixes IPv4 and IPv6, mapped and compressed', () => {
    expect(resolve({ address: '::1', port: 9 }, xff('2001:DB8:0:0::1, ::ffff:10.0.0.2')).clientAddress).toBe('2001:db8::1')
    expect(resolve({ address: '::ffff:127.0.0.1', port: 9 }, xff('192.0.2.1')).clientAddress).toBe('192.0.2.1')
    expect(resolve({ address: 'fd00::5', port: 9 }, xff('192.0.2.1, 0:0:0:0:0:0:0:1')).clientAddress).toBe('192.0.2.1')
  })

  it('accepts ports and brackets', () => {
    expect(resolve(NGINX, xff('192.0.2.1:4711'))).toEqual({ clientAddress: '192.0.2.1', clientPort: 4711 })
    expect(resolve(NGINX, xff('[2001:db8::1]:4711'))).toEqual({ clientAddress: '2001:db8::1', clientPort: 4711 })
    expect(resolve(NGINX, xff('[2001:db8::1]'))).toEqual({ clientAddress: '2001:db8::1' })
  })

  it('stops at a malformed entry and keeps the last trusted-known address', () => {
    expect(resolve(NGINX, xff('198.51.100.7, garbage'))).toEqual({ clientAddress: '127.0.0.1', clientPort: 50000 })
    expect(resolve(NGINX, xff('198.51.100.7, bogus, 10.0.0.2')).clientAddress).toBe('10.0.0.2')
    expect(resolve(NGINX, xff('198.51.100.7, , 10.0.0.2')).clientAddress).toBe('10.0.0.2')
    expect(resolve(NGINX, xff('')).clientAddress).toBe('127.0.0.1')
    for (const bad of ['1.2.3.4:99999', '01.2.3.4', '1.2.3.4/8', '[::1', '::1]:80', 'example.com', '1.2.3.4 5.6.7.8', '::1::2']) {
      expect(resolve(NGINX, xff(bad)).clientAddress, bad).toBe('127.0.0.1')
    }
  })

  it('reports unknown as the client', () => {
    expect(resolve(NGINX, xff('unknown, 10.0.0.2'))).toEqual({ clientAddress: 'unknown' })
  })

  it('lines proto and host up with the hop from the right', () => {
    const chain = xff('198.51.100.7, 10.0.0.2')
    // Two proxies appended: the left value is the client's connection.
    expect(resolve(NGINX, [...chain, 'X-Forwarded-Proto', 'https, http'])).toMatchObject({ proto: 'https' })
    // One value: written by the last proxy about its own client (10.0.0.2), not about the client.
    expect(resolve(NGINX, [...chain, 'X-Forwarded-Proto', 'https'])).toEqual({ clientAddress: '198.51.100.7' })
    expect(resolve(NGINX, [...chain, 'X-Forwarded-Host', 'a.example, b.example'])).toMatchObject({ host: 'a.example' })
  })

  it('checks proto and host values', () => {
    const at = (name: string, value: string): object => resolve(NGINX, [...xff('198.51.100.7'), name, value])
    expect(at('X-Forwarded-Proto', 'HTTPS')).toMatchObject({ proto: 'https' })
    expect(at('X-Forwarded-Proto', 'ws')).not.toHaveProperty('proto')
    expect(at('X-Forwarded-Proto', 'javascript:')).not.toHaveProperty('proto')
    expect(at('X-Forwarded-Host', 'shop.example:8443')).toMatchObject({ host: 'shop.example:8443' })
    expect(at('X-Forwarded-Host', '[2001:db8::1]:8443')).toMatchObject({ host: '[2001:db8::1]:8443' })
    expect(at('X-Forwarded-Host', 'evil.example/path')).not.toHaveProperty('host')
    expect(at('X-Forwarded-Host', 'a@b')).not.toHaveProperty('host')
    expect(at('X-Forwarded-Host', '')).not.toHaveProperty('host')
  })

  it('ignores Forwarded when reading X-Forwarded-*', () => {
    // nginx maintains X-Forwarded-For and passes the client's Forwarded through.
    expect(resolve(NGINX, ['Forwarded', 'for=10.9.9.9', ...xff('198.51.100.7')]).clientAddress).toBe('198.51.100.7')
    expect(resolve(NGINX, ['Forwarded', 'for=192.0.2.1']).clientAddress).toBe('127.0.0.1')
  })
})

describe('Forwarded chains (RFC 7239)', () => {
  const fwd = (value: string, ...more: string[]): string[] => ['Forwarded', value, ...more]
  const at = (headers: string[], peer = NGINX): object => resolve(peer, headers, 'forwarded')

  it('§4 examples', () => {
    expect(at(fwd('for="_gazonk"'))).toEqual({ clientAddress: '_gazonk' })
    expect(at(fwd('For="[2001:db8:cafe::17]:4711"'))).toEqual({ clientAddress: '2001:db8:cafe::17', clientPort: 4711 })
    expect(at(fwd('for=192.0.2.60;proto=http;by=203.0.113.43'))).toEqual({ clientAddress: '192.0.2.60', proto: 'http' })
    expect(at(fwd('for=192.0.2.43, for=198.51.100.17'))).toEqual({ clientAddress: '198.51.100.17' })
  })

  it('§7.1 example with unknown', () => {
    expect(at(fwd('for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown'))).toEqual({ clientAddress: 'unknown' })
  })

  it('§6.3 obfuscated identifiers cannot be trusted hops', () => {
    expect(at(fwd('for=192.0.2.43, for=_hidden, for=10.0.0.1'))).toEqual({ clientAddress: '_hidden' })
    expect(at(fwd('for="_SEVKISEK:_port"'))).toEqual({ clientAddress: '_SEVKISEK' })
  })

  it('takes proto and host from the client hop only', () => {
    const chain = 'for=192.0.2.43;proto=https;host=shop.example, for=10.0.0.2;proto=http;host=internal'
    expect(at(fwd(chain))).toEqual({ clientAddress: '192.0.2.43', proto: 'https', host: 'shop.example' })
    expect(at(fwd('for=192.0.2.43, for=10.0.0.2;proto=https;host=internal'))).toEqual({ clientAddress: '192.0.2.43' })
  })

  it('ignores spoofed elements left of the client', () => {
    const spoofed = 'for=10.0.0.1;proto=https;host=admin.example, for=198.51.100.7;proto=http'
    expect(at(fwd(spoofed))).toEqual({ clientAddress: '198.51.100.7', proto: 'http' })
  })

  it('stops at malformed elements', () => {
    for (const bad of [
      'for=[2001:db8::1]', // §6: IPv6 must be quoted ("[" and ":" are not tchar)
      'for=192.0.2.43:80', // §6: a port must be quoted
      'for="[2001:db8::1"',
      'for=1.2.3.4;for=5.6.7.8', // §4: a parameter at most once
      'for', 'for=', '=1.2.3.4', 'for = 1.2.3.4', 'for=1.2.3.4 x',
      'for="1.2.3.4', // unterminated quoted-string
      'for=300.1.1.1', 'for="1.2.3.4:65536"', 'for="::1"', 'for=example.com',
      'for=1.2.3.4;proto=h@ttp', 'for=1.2.3.4;host="a/b"',
      'proto=https', // no for=: names no hop
    ]) {
      expect(at(fwd(bad)), bad).toEqual({ clientAddress: '127.0.0.1', clientPort: 50000 })
    }
    expect(at(fwd('for=192.0.2.43, for=bad!, for=10.0.0.2'))).toEqual({ clientAddress: '10.0.0.2' })
  })

  it('keeps a broken quote inside its own field line', () => {
    expect(at(fwd('for="oops', 'Forwarded', 'for=192.0.2.7'))).toEqual({ clientAddress: '192.0.2.7' })
    expect(at(fwd('for="oops, for=192.0.2.7'))).toEqual({ clientAddress: '127.0.0.1', clientPort: 50000 })
  })

  it('ignores X-Forwarded-* when reading Forwarded', () => {
    expect(at([...xff('10.9.9.9'), ...fwd('for=198.51.100.7')])).toEqual({ clientAddress: '198.51.100.7' })
    expect(at(xff('198.51.100.7'))).toEqual({ clientAddress: '127.0.0.1', clientPort: 50000 })
  })
})

describe('parseForwarded', () => {
  it('parses names case-insensitively, quoted pairs, empty elements and OWS', () => {
    const elements = parseForwarded(' , For="\\[2001:db8::1\\]:80" ; PROTO=HTTPS ;host="a.example:8080";ext=1 ,, by=_proxy')
    expect(elements).toHaveLength(2)
    expect(elements[0]).toMatchObject({ for: { kind: 'ip', name: '2001:db8::1', port: 80 }, proto: 'https', host: 'a.example:8080' })
    expect(elements[1]).toMatchObject({ by: { kind: 'obfuscated', name: '_proxy' } })
  })

  it('resumes after a malformed element', () => {
    const elements = parseForwarded('for=1.2.3.4, for="a,b";x, for=5.6.7.8')
    expect(elements.map((e) => e?.for?.name ?? null)).toEqual(['1.2.3.4', null, '5.6.7.8'])
  })

  it('refuses control characters in quoted strings', () => {
    expect(parseForwarded('for="1.2.3.4\x00"')).toEqual([null])
    expect(parseForwarded('for="1.2.3.4\\\x7f"')).toEqual([null])
  })
})

describe('parseXForwardedFor', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1', undefined],
    ['192.0.2.1:80', '192.0.2.1', 80],
    ['2001:db8::1', '2001:db8::1', undefined],
    ['[2001:db8::1]:443', '2001:db8::1', 443],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1', undefined],
    ['UNKNOWN', 'unknown', undefined],
  ] as const)('%s', (entry, name, port) => expect(parseXForwardedFor(entry)).toMatchObject({ name, port }))
})

describe('never throws', () => {
  const pieces = fc.constantFrom(
    'for=', 'by=', 'proto=', 'host=', '"', '[', ']', ':', ',', ';', '=', ' ', '\\', '\t', '_x', 'unknown',
    '1.2.3.4', '10.0.0.1', '::1', '2001:db8::1', 'https', 'a.example', '65535', '99999', '%', '\u00e9', '\u0000',
  )
  const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), fc.array(pieces, { maxLength: 24 }).map((p) => p.join('')))
  const name = fc.constantFrom('Forwarded', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'x-forwarded-for')
  const headers = fc.array(fc.tuple(name, value), { maxLength: 6 }).map((pairs) => pairs.flat())

  it('on any header content, and an untrusted peer always gets its own address', () => {
    fc.assert(
      fc.property(headers, fc.constantFrom<ForwardedHeaders>('forwarded', 'x-forwarded'), (list, which) => {
        const trusted = resolve(NGINX, list, which)
        expect(typeof trusted.clientAddress).toBe('string')
        if (trusted.proto !== undefined) expect(['http', 'https']).toContain(trusted.proto)
        expect(resolve(STRANGER, list, which)).toEqual({ clientAddress: '203.0.113.66', clientPort: 41000 })
      }),
      { numRuns: 2000 },
    )
  })
})
