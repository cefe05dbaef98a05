// Which body the static handler gives a file: with a file system that offers chunks(), a
// light response with a pull body (the server reads the file straight into its writes), whose
// `body`, if anyone reads it, is a read() stream of its own; without chunks(), a read() stream.
// HEAD and empty files get no body at all. Over an in-memory file system.
import { describe, expect, it } from 'vitest'
import { pulledResponseParts } from '../../../core/fetch/light-response.ts'
import { sourceStream, type ChunkSource } from '../../../core/fetch/pull-body.ts'
import type { FileSystem } from '../../../core/static/file-system.ts'
import { createStaticHandler } from '../../../core/static/serve-static.ts'

const encoder = new TextEncoder()
const FILES: Record<string, string> = { '/root/a.txt': 'hello, file', '/root/empty.txt': '' }

/** An in-memory file system; counts which of read() and chunks() were asked for. */
function memoryFiles(withChunks: boolean): FileSystem & { calls: string[] } {
  const calls: string[] = []
  const source = (path: string, start: number, end: number): ChunkSource => {
    let done = false
    return {
      get done() {
        return done
      },
      pull: () => {
        done = true
        return Promise.resolve(encoder.encode(FILES[path]!.slice(start, end)))
      },
      cancel: () => void (done = true),
    }
  }
  const files: FileSystem & { calls: string[] } = {
    calls,
    realPath: (path) => Promise.resolve(path === '/root' || path in FILES ? path : null),
    stat: (path) =>
      Promise.resolve(path === '/root'
        ? { isFile: false, isDirectory: true, size: 0, mtimeMs: 0 }
        : path in FILES ? { isFile: true, isDirectory: false, size: FILES[path]!.length, mtimeMs: 1_700_000_000_000 } : null),
    read: (path, start, end) => {
      calls.push(`read ${start}-${end}`)
      return sourceStream(source(path, start, end))
    },
  }
  if (withChunks) {
    files.chunks = (path, start, end) => {
      calls.push(`chunks ${start}-${end}`)
      return source(path, start, end)
    }
  }
  return files
}

const request = (path: string, init?: RequestInit): Request => new Request(`http://test${path}`, init)

describe('the body of a served file', () => {
  it('with chunks(): a pull body the server takes, nothing read yet', async () => {
    const files = memoryFiles(true)
    const response = (await createStaticHandler(files, '/root')(request('/a.txt')))!
    const parts = pulledResponseParts(response)!
    expect(parts.status).toBe(200)
    expect(parts.headers).toContain('11') // content-length
    expect(files.calls).toEqual(['chunks 0-11'])
    expect(new TextDecoder().decode((await parts.body.source.pull())!)).toBe('hello, file')
  })

  it('a range too: 206 with the range\'s bytes', async () => {
    const files = memoryFiles(true)
    const response = (await createStaticHandler(files, '/root')(request('/a.txt', { headers: { range: 'bytes=7-10' } })))!
    expect(response.status).toBe(206)
    expect(new TextDecoder().decode((await pulledResponseParts(response)!.body.source.pull())!)).toBe('file')
  })

  it('read by someone else: a read() stream of its own, the same bytes', async () => {
    const files = memoryFiles(true)
    const response = (await createStaticHandler(files, '/root')(request('/a.txt')))!
    expect(await response.text()).toBe('hello, file')
    expect(files.calls).toEqual(['chunks 0-11', 'read 0-11'])
    expect(pulledResponseParts(response)).toBeNull()
  })

  it('without chunks(): a read() stream', async () => {
    const files = memoryFiles(false)
    const response = (await createStaticHandler(files, '/root')(request('/a.txt')))!
    expect(pulledResponseParts(response)).toBeNull()
    expect(await response.text()).toBe('hello, file')
    expect(files.calls).toEqual(['read 0-11'])
  })

  it('HEAD and an empty file: no body, nothing opened', async () => {
    const files = memoryFiles(true)
    const handler = createStaticHandler(files, '/root')
    const head = (await handler(request('/a.txt', { method: 'HEAD' })))!
    expect([head.status, head.headers.get('content-length'), head.body]).toEqual([200, '11', null])
    const empty = (await handler(request('/empty.txt')))!
    expect([empty.status, empty.headers.get('content-length'), empty.body]).toEqual([200, '0', null])
    expect(files.calls).toEqual([])
  })
})
