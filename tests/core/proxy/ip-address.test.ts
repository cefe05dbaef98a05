import { describe, expect, it } from 'vitest'
import {
  compileTrustedProxies,
  formatIPv6,
  isTrustedProxy,
  parseCidr,
  parseIPv4,
  parseIPv6,
  parseIp,
} from '../../../core/proxy/ip-address.ts'

const v6 = (s: string): string | null => {
  const bytes = parseIPv6(s)
  return bytes === null ? null : formatIPv6(bytes)
}

describe('parseIPv4', () => {
  it.each(['0.0.0.0', '127.0.0.1', '255.255.255.255', '10.0.10.0'])('accepts %s', (s) => {
    expect(parseIPv4(s)).not.toBeNull()
  })
  it.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1..3.4', '1.2.3.4.', ' 1.2.3.4', '1.2.3.-4', '0x1.2.3.4', '1.2.3.4:80'])(
    'refuses %j',
    (s) => expect(parseIPv4(s)).toBeNull(),
  )
})

describe('parseIPv6 and RFC 5952 formatting', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: one zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: leftmost on a tie
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['::192.0.2.1', '::c000:201'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
  ])('%s → %s', (input, output) => expect(v6(input)).toBe(output))

  it.each([
    '', ':', ':::', '1:2', '1::2::3', ':1::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::',
    '1:2:3:4:5:6:7:8::', '::1.2.3', '::1.2.3.4:5', '::ffff:01.2.3.4', '1.2.3.4', '[::1]', '::1 ', '1:',
  ])('refuses %j', (s) => expect(parseIPv6(s)).toBeNull())
})

describe('parseIp', () => {
  it('maps IPv4 into the IPv6 space', () => {
    expect(parseIp('192.0.2.1')).toEqual(parseIp('::ffff:192.0.2.1') && { ...parseIp('::ffff:192.0.2.1'), version: 4 })
  })
  it('drops a zone', () => {
    expect(parseIp('fe80::1%eth0')?.bytes).toEqual(parseIp('fe80::1')?.bytes)
    expect(parseIp('fe80::1%')).toBeNull()
  })
})

describe('parseCidr', () => {
  it.each([['10.0.0.0/8', 104], ['0.0.0.0/0', 96], ['1.2.3.4', 128], ['fd00::/8', 8], ['::/0', 0], ['::1', 128], ['1.2.3.4/32', 128]])(
    '%s has %d bits',
    (s, bits) => expect(parseCidr(s)?.bits).toBe(bits),
  )
  it.each(['10.0.0.1/8', '10.0.0.0/33', '::/129', '10.0.0.0/08', '10.0.0.0/', '/8', 'fe80::1%eth0/128', 'x/8', '10.0.0.0/-1'])(
    'refuses %j',
    (s) => expect(parseCidr(s)).toBeNull(),
  )
})

describe('trusted proxies', () => {
  const trust = compileTrustedProxies(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '172.16.0.0/12'])

  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true], // a dual-stack socket's view of an IPv4 peer
    ['127.0.0.2', false],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::2', false],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['::ffff:10.1.2.3', true],
    ['::a01:203', false], // IPv4-compatible is not IPv4-mapped
    ['not an ip', false],
    ['', false],
  ] as const)('%s → %s', (address, expected) => expect(isTrustedProxy(trust, address)).toBe(expected))

  it('trusts unix peers only with the keyword', () => {
    expect(isTrustedProxy(trust, undefined)).toBe(false)
    expect(isTrustedProxy(compileTrustedProxies(['unix']), undefined)).toBe(true)
  })

  it('expands loopback, private and linklocal', () => {
    const keywords = compileTrustedProxies(['loopback', 'Private', 'linklocal'])
    for (const a of ['127.8.9.10', '::1', '10.1.1.1', '192.168.1.1', '172.20.0.1', 'fc00::5', 'fdff::1', '169.254.1.1', 'fe80::9']) {
      expect(isTrustedProxy(keywords, a), a).toBe(true)
    }
    for (const a of ['8.8.8.8', '2001:db8::1', '192.169.0.1', '::2']) expect(isTrustedProxy(keywords, a), a).toBe(false)
  })

  it('trusts nobody by default and everybody with ::/0 and 0.0.0.0/0', () => {
    expect(isTrustedProxy(compileTrustedProxies([]), '127.0.0.1')).toBe(false)
    const all = compileTrustedProxies(['0.0.0.0/0', '::/0'])
    expect(isTrustedProxy(all, '203.0.113.9')).toBe(true)
    expect(isTrustedProxy(all, '2001:db8::9')).toBe(true)
  })

  it('refuses a bad entry at startup', () => {
    expect(() => compileTrustedProxies(['10.0.0.0/8', 'lokalhost'])).toThrow(TypeError)
    expect(() => compileTrustedProxies(['10.0.0.1/8'])).toThrow(TypeError)
  })
})
