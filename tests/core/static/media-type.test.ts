import { describe, expect, it } from 'vitest'
import { contentTypeFor, isCompressible, mediaTypeFor } from '../../../core/static/media-type.ts'

describe('content types from mime-db', () => {
  const cases: [string, string | undefined][] = [
    ['index.html', 'text/html'],
    ['app.JS', 'text/javascript'],
    ['mod.mjs', 'text/javascript'],
    ['style.css', 'text/css'],
    ['data.json', 'application/json'],
    ['logo.svg', 'image/svg+xml'],
    ['photo.jpg', 'image/jpeg'],
    ['font.woff2', 'font/woff2'],
    ['module.wasm', 'application/wasm'],
    ['movie.mp4', 'video/mp4'],
    ['a/b.c/README', undefined],
    ['.env', undefined],
    ['file.unknownext', undefined],
  ]
  for (const [name, type] of cases) it(`${name} → ${type}`, () => expect(mediaTypeFor(name)).toBe(type))

  it('adds charset=utf-8 to text', () => {
    expect(contentTypeFor('a.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a.json')).toBe('application/json; charset=utf-8')
    expect(contentTypeFor('a.png')).toBe('image/png')
    expect(contentTypeFor('a.zzz')).toBe('application/octet-stream')
  })
})

describe('isCompressible', () => {
  it('text, +json/+xml, and mime-db compressible types', () => {
    for (const type of ['text/html; charset=utf-8', 'TEXT/CSS', 'application/json', 'application/ld+json', 'image/svg+xml', 'application/wasm', 'text/event-stream']) {
      expect(isCompressible(type), type).toBe(true)
    }
  })
  it('not media, archives or unknown binaries', () => {
    for (const type of ['image/png', 'image/jpeg', 'video/mp4', 'application/zip', 'application/gzip', 'font/woff2', 'application/octet-stream', '']) {
      expect(isCompressible(type), type).toBe(false)
    }
  })
})
