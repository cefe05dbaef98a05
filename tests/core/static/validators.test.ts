import { describe, expect, it } from 'vitest'
import { fileEtag, matchesStrongly, matchesWeakly, parseHttpDate, parseTagList } from '../../../core/static/validators.ts'

describe('fileEtag', () => {
  it('is strong, from mtime and size, with the coding for a precompressed sibling', () => {
    expect(fileEtag(255, 4096.7)).toBe('"1000-ff"')
    expect(fileEtag(255, 4096, 'br')).toBe('"1000-ff-br"')
  })
})

describe('entity-tag lists', () => {
  it('parses lists, weak tags and *', () => {
    expect(parseTagList(' "a" , W/"b","c"')).toEqual([
      { weak: false, opaque: '"a"' },
      { weak: true, opaque: '"b"' },
      { weak: false, opaque: '"c"' },
    ])
    expect(parseTagList('*')).toBe('*')
    expect(parseTagList('""')).toEqual([{ weak: false, opaque: '""' }])
  })
  it('rejects what is not a list of tags', () => {
    for (const bad of ['abc', '"a" "b"', '"a', 'W/a', '"a",b', '"a"b']) expect(parseTagList(bad)).toBeNull()
  })
  it('compares strongly and weakly (RFC 9110 §8.8.3.2 table)', () => {
    const list = (value: string): NonNullable<ReturnType<typeof parseTagList>> => parseTagList(value)!
    expect(matchesStrongly(list('W/"1"'), 'W/"1"')).toBe(false)
    expect(matchesWeakly(list('W/"1"'), 'W/"1"')).toBe(true)
    expect(matchesStrongly(list('W/"1"'), 'W/"2"')).toBe(false)
    expect(matchesWeakly(list('W/"1"'), 'W/"2"')).toBe(false)
    expect(matchesStrongly(list('W/"1"'), '"1"')).toBe(false)
    expect(matchesWeakly(list('W/"1"'), '"1"')).toBe(true)
    expect(matchesStrongly(list('"1"'), '"1"')).toBe(true)
    expect(matchesWeakly(list('"1"'), '"1"')).toBe(true)
  })
})

describe('parseHttpDate', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37)
  it('reads the three formats of RFC 9110 §5.6.7', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(t)
  })
  it('rejects anything else', () => {
    for (const bad of ['', 'Sun, 06 Nov 1994 08:49:37 UTC', 'Sun, 31 Feb 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:00:00 GMT', '1994-11-06T08:49:37Z', 'Sun, 06 Xyz 1994 08:49:37 GMT']) {
      expect(parseHttpDate(bad)).toBeNull()
    }
  })
  it('round-trips toUTCString', () => {
    expect(parseHttpDate(new Date(t).toUTCString())).toBe(t)
  })
})
