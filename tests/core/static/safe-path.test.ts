import { describe, expect, it } from 'vitest'
import { isInsideRoot, resolveSafePath, urlPath } from '../../../core/static/safe-path.ts'
import { hostilePaths, servedPaths } from '../../vectors/static-paths.ts'

describe('resolveSafePath refuses hostile paths', () => {
  for (const { path, why, byFileSystem } of hostilePaths) {
    it(`${path} (${why})`, () => {
      const safe = resolveSafePath(path, '')
      if (byFileSystem === undefined) expect(safe).toBeNull()
      // What passes names nothing outside the folder; the file system refuses it (symlinks: isInsideRoot).
      else expect(safe!.segments.every((s) => s !== '..' && s !== '.' && !s.includes('/') && !s.includes('\\'))).toBe(true)
    })
  }
})

describe('resolveSafePath serves', () => {
  for (const { path, why } of servedPaths) {
    it(`${path} (${why})`, () => expect(resolveSafePath(path, '')).not.toBeNull())
  }
  it('decodes each segment once', () => {
    expect(resolveSafePath('/a%20b/%252e', '')).toEqual({ segments: ['a b', '%2e'], directory: false })
  })
  it('marks folders by their trailing slash', () => {
    expect(resolveSafePath('/', '')).toEqual({ segments: [], directory: true })
    expect(resolveSafePath('/sub/', '')).toEqual({ segments: ['sub'], directory: true })
  })
})

describe('prefixes', () => {
  it('strips the prefix', () => {
    expect(resolveSafePath('/assets/a.txt', '/assets')).toEqual({ segments: ['a.txt'], directory: false })
    expect(resolveSafePath('/assets', '/assets')).toEqual({ segments: [], directory: false })
    expect(resolveSafePath('/assets/', '/assets')).toEqual({ segments: [], directory: true })
  })
  it('does not match a longer name or another path', () => {
    expect(resolveSafePath('/assetsx/a.txt', '/assets')).toBeNull()
    expect(resolveSafePath('/a.txt', '/assets')).toBeNull()
    expect(resolveSafePath('/assets/../a.txt', '/assets')).toBeNull()
  })
})

describe('urlPath', () => {
  it('takes the path of an absolute URL, without query or fragment', () => {
    expect(urlPath('http://h:8/a/b?x=1#f')).toBe('/a/b')
    expect(urlPath('http://h/a#f?x')).toBe('/a')
    expect(urlPath('http://h')).toBe('/')
    expect(urlPath('http://h/%2e%2e/x')).toBe('/%2e%2e/x')
  })
})

describe('isInsideRoot', () => {
  it('accepts the root and what is below it', () => {
    expect(isInsideRoot('/srv/www', '/srv/www')).toBe(true)
    expect(isInsideRoot('/srv/www/a/b.txt', '/srv/www')).toBe(true)
  })
  it('refuses a sibling with the same prefix, the parent, and dotfiles below', () => {
    expect(isInsideRoot('/srv/www-secret/a', '/srv/www')).toBe(false)
    expect(isInsideRoot('/srv', '/srv/www')).toBe(false)
    expect(isInsideRoot('/srv/www/.git/config', '/srv/www')).toBe(false)
    expect(isInsideRoot('/srv/www/.well-known/x', '/srv/www')).toBe(true)
  })
  it('works for the file-system root', () => {
    expect(isInsideRoot('/etc/passwd', '/')).toBe(true)
  })
})
