import { describe, expect, it } from 'vitest'
import { negotiateEncoding } from '../../../core/http/accept-encoding.ts'

const OURS = ['br', 'zstd', 'gzip'] as const

describe('negotiateEncoding (RFC 9110 §12.5.3)', () => {
  const cases: [string | null, string | null, string][] = [
    [null, null, 'no header: identity'],
    ['', null, 'empty header: identity'],
    ['gzip', 'gzip', 'one coding'],
    ['gzip, deflate, br, zstd', 'br', 'equal q: our preference'],
    ['gzip;q=1.0, br;q=0.5', 'gzip', 'higher q wins'],
    ['br;q=0, gzip', 'gzip', 'q=0 refuses'],
    ['*', 'br', '* accepts everything'],
    ['*;q=0.5, gzip', 'gzip', 'named beats *'],
    ['*, br;q=0', 'zstd', '* minus a refused one'],
    ['identity', null, 'identity only'],
    ['gzip;q=0.5, identity', null, 'identity (q=1) above gzip'],
    ['gzip, identity;q=0', 'gzip', 'identity refused'],
    ['identity;q=0', null, 'nothing acceptable: identity anyway'],
    ['x-gzip', 'gzip', 'x-gzip is gzip'],
    ['GZIP', 'gzip', 'case-insensitive'],
    ['gzip;q=2, br', 'br', 'invalid q: the item is ignored'],
    ['gzip;q=0.001', 'gzip', 'tiny q still accepts'],
    ['gzip ; q=0.8 , br ; q=0.9', 'br', 'whitespace around ;'],
    ['deflate, compress', null, 'only codings we do not have'],
  ]
  for (const [header, expected, why] of cases) {
    it(`${header} → ${expected} (${why})`, () => expect(negotiateEncoding(header, OURS)).toBe(expected))
  }
  it('offers only what is available', () => {
    expect(negotiateEncoding('zstd, gzip', ['br', 'gzip'])).toBe('gzip')
    expect(negotiateEncoding('gzip', [])).toBeNull()
  })
})
