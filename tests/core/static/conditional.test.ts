import { describe, expect, it } from 'vitest'
import { evaluatePreconditions, rangeApplies, type Validators } from '../../../core/static/conditional.ts'

const MTIME = Date.UTC(2024, 0, 15, 12, 0, 0, 500) // Mon, 15 Jan 2024 12:00:00 GMT (+500 ms)
const AT = 'Mon, 15 Jan 2024 12:00:00 GMT'
const BEFORE = 'Mon, 15 Jan 2024 11:59:59 GMT'
const AFTER = 'Mon, 15 Jan 2024 12:00:01 GMT'
const FILE: Validators = { etag: '"abc"', lastModified: MTIME }

function check(headers: Record<string, string>, method = 'GET', validators = FILE): string {
  return evaluatePreconditions(method, (name) => headers[name] ?? null, validators)
}

// RFC 9110 §13.2.2, each step and the precedence between them.
describe('the conditional matrix', () => {
  const cases: [string, Record<string, string>, string, string?][] = [
    ['no conditions', {}, 'proceed'],
    ['If-Match matches', { 'if-match': '"abc"' }, 'proceed'],
    ['If-Match in a list', { 'if-match': '"x", "abc"' }, 'proceed'],
    ['If-Match *', { 'if-match': '*' }, 'proceed'],
    ['If-Match differs', { 'if-match': '"xyz"' }, 'failed'],
    ['If-Match weak never matches (strong comparison)', { 'if-match': 'W/"abc"' }, 'failed'],
    ['If-Unmodified-Since at mtime (whole seconds)', { 'if-unmodified-since': AT }, 'proceed'],
    ['If-Unmodified-Since before mtime', { 'if-unmodified-since': BEFORE }, 'failed'],
    ['If-Unmodified-Since invalid date: ignored', { 'if-unmodified-since': 'yesterday' }, 'proceed'],
    ['If-Match wins over If-Unmodified-Since', { 'if-match': '"abc"', 'if-unmodified-since': BEFORE }, 'proceed'],
    ['If-None-Match matches → 304', { 'if-none-match': '"abc"' }, 'not-modified'],
    ['If-None-Match weak matches (weak comparison)', { 'if-none-match': 'W/"abc"' }, 'not-modified'],
    ['If-None-Match *', { 'if-none-match': '*' }, 'not-modified'],
    ['If-None-Match differs', { 'if-none-match': '"xyz"' }, 'proceed'],
    ['If-None-Match on POST → 412', { 'if-none-match': '"abc"' }, 'failed', 'POST'],
    ['If-None-Match on HEAD → 304', { 'if-none-match': '"abc"' }, 'not-modified', 'HEAD'],
    ['If-Modified-Since at mtime → 304', { 'if-modified-since': AT }, 'not-modified'],
    ['If-Modified-Since after mtime → 304', { 'if-modified-since': AFTER }, 'not-modified'],
    ['If-Modified-Since before mtime', { 'if-modified-since': BEFORE }, 'proceed'],
    ['If-Modified-Since on POST is ignored', { 'if-modified-since': AT }, 'proceed', 'POST'],
    ['If-None-Match differs wins over a matching If-Modified-Since', { 'if-none-match': '"xyz"', 'if-modified-since': AFTER }, 'proceed'],
    ['If-Match fails before If-None-Match is read', { 'if-match': '"xyz"', 'if-none-match': '"abc"' }, 'failed'],
    ['If-Unmodified-Since fails before If-Modified-Since', { 'if-unmodified-since': BEFORE, 'if-modified-since': AFTER }, 'failed'],
    ['a malformed If-None-Match is ignored', { 'if-none-match': 'abc', 'if-modified-since': AT }, 'not-modified'],
    ['RFC 850 date', { 'if-modified-since': 'Monday, 15-Jan-24 12:00:00 GMT' }, 'not-modified'],
    ['asctime date', { 'if-modified-since': 'Mon Jan 15 12:00:00 2024' }, 'not-modified'],
  ]
  for (const [name, headers, expected, method] of cases) {
    it(name, () => expect(check(headers, method)).toBe(expected))
  }
  it('without an ETag, If-Match * still matches an existing file; a tag does not', () => {
    const noTag = { etag: undefined, lastModified: MTIME }
    expect(check({ 'if-match': '*' }, 'GET', noTag)).toBe('proceed')
    expect(check({ 'if-match': '"abc"' }, 'GET', noTag)).toBe('failed')
  })
  it('a weak ETag of ours never passes If-Match', () => {
    expect(check({ 'if-match': 'W/"abc"' }, 'GET', { etag: 'W/"abc"', lastModified: MTIME })).toBe('failed')
    expect(check({ 'if-none-match': '"abc"' }, 'GET', { etag: 'W/"abc"', lastModified: MTIME })).toBe('not-modified')
  })
})

describe('If-Range', () => {
  const applies = (value?: string): boolean => rangeApplies((name) => (name === 'if-range' ? value ?? null : null), FILE)
  it('is honoured without If-Range', () => expect(applies()).toBe(true))
  it('with the current strong tag', () => expect(applies('"abc"')).toBe(true))
  it('not with another tag or a weak one', () => {
    expect(applies('"xyz"')).toBe(false)
    expect(applies('W/"abc"')).toBe(false)
  })
  it('with the exact Last-Modified date only', () => {
    expect(applies(AT)).toBe(true)
    expect(applies(AFTER)).toBe(false)
    expect(applies(BEFORE)).toBe(false)
    expect(applies('garbage')).toBe(false)
  })
})
