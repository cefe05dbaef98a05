// Several byte ranges through the static handler over an in-memory file system: the
// multipart/byteranges body (RFC 9110 §14.6) byte for byte, its Content-Length, one file
// stream open at a time, and the cases that fall back to one range or the whole file.
import { describe, expect, it } from 'vitest'
import { createStaticHandler } from '../../../core/static/serve-static.ts'
import type { FileInfo, FileSystem } from '../../../core/static/file-system.ts'

const DIGITS = '0123456789'.repeat(1000) // 10,000 bytes

/** Files in memory; counts the read streams open now and at most at once. */
function memoryFiles(files: Record<string, string>): FileSystem & { open: number; maxOpen: number } {
  const fs = {
    open: 0,
    maxOpen: 0,
    realPath: (path: string) => Promise.resolve(path === '/pub' || path.slice('/pub/'.length) in files ? path : null),
    stat: (path: string): Promise<FileInfo | null> => {
      if (path === '/pub') return Promise.resolve({ isFile: false, isDirectory: true, size: 0, mtimeMs: 0 })
      const text = files[path.slice('/pub/'.length)]
      return Promise.resolve(text === undefined ? null : { isFile: true, isDirectory: false, size: text.length, mtimeMs: 1_700_000_000_000 })
    },
    read: (path: string, start: number, end: number, chunkSize: number) => {
      const bytes = new TextEncoder().encode(files[path.slice('/pub/'.length)]!)
      let at = start
      fs.maxOpen = Math.max(fs.maxOpen, ++fs.open)
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = Math.min(end, at + chunkSize)
          controller.enqueue(bytes.slice(at, next))
          at = next
          if (at === end) {
            fs.open--
            controller.close()
          }
        },
        cancel: () => void fs.open--,
      }, { highWaterMark: 0 })
    },
  }
  return fs
}

async function get(files: FileSystem, headers: Record<string, string>, path = '/digits.txt'): Promise<Response> {
  const handler = createStaticHandler(files, '/pub', { precompressed: true })
  return (await handler(new Request(`http://test${path}`, { headers })))!
}

describe('multipart/byteranges', () => {
  it('two distant ranges: one part each, in order, with the exact Content-Length', async () => {
    const files = memoryFiles({ 'digits.txt': DIGITS })
    const response = await get(files, { range: 'bytes=0-3, 9000-9004' })
    expect(response.status).toBe(206)
    const type = response.headers.get('content-type')!
    const boundary = /^multipart\/byteranges; boundary=(portico-[0-9a-f]{24})$/.exec(type)![1]
    const body = await response.text()
    expect(body).toBe(
      `--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 0-3/10000\r\n\r\n0123` +
      `\r\n--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 9000-9004/10000\r\n\r\n01234` +
      `\r\n--${boundary}--\r\n`)
    expect(Number(response.headers.get('content-length'))).toBe(new TextEncoder().encode(body).length)
    expect(response.headers.get('content-range')).toBeNull()
    expect(response.headers.get('etag')).not.toBeNull()
    expect(files.maxOpen).toBe(1)
  })

  it('the same request gets the same boundary (no randomness in core)', async () => {
    const files = memoryFiles({ 'digits.txt': DIGITS })
    const a = await get(files, { range: 'bytes=0-3, 9000-9004' })
    const b = await get(files, { range: 'bytes=0-3, 9000-9004' })
    expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'))
    const c = await get(files, { range: 'bytes=0-3, 8000-8004' })
    expect(c.headers.get('content-type')).not.toBe(a.headers.get('content-type'))
  })

  it('parts larger than a read chunk stream in several pulls', async () => {
    const big = 'x'.repeat(600 * 1024)
    const response = await get(memoryFiles({ 'big.txt': big }), { range: 'bytes=0-299999, 400000-' }, '/big.txt')
    const body = await response.text()
    expect(Number(response.headers.get('content-length'))).toBe(body.length)
    expect(body).toContain('content-range: bytes 0-299999/614400\r\n\r\n' + 'x'.repeat(300000) + '\r\n--')
    expect(body).toContain('content-range: bytes 400000-614399/614400\r\n\r\n' + 'x'.repeat(214400) + '\r\n--')
  })

  it('ranges that coalesce into one get a plain 206', async () => {
    const response = await get(memoryFiles({ 'digits.txt': DIGITS }), { range: 'bytes=0-1, 5-6' })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe('bytes 0-6/10000')
    expect(await response.text()).toBe('0123456')
  })

  it('several ranges of a precompressed sibling: the whole coded file (Content-Encoding cannot go inside parts)', async () => {
    const coded = 'pretend gzip bytes '.repeat(100)
    const files = memoryFiles({ 'digits.txt': DIGITS, 'digits.txt.gz': coded })
    const response = await get(files, { range: 'bytes=0-1, 1000-1001', 'accept-encoding': 'gzip' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(await response.text()).toBe(coded)
  })

  it('cancelling the body closes the open part stream', async () => {
    const files = memoryFiles({ 'big.txt': 'x'.repeat(600 * 1024) })
    const response = await get(files, { range: 'bytes=0-299999, 400000-' }, '/big.txt')
    const reader = response.body!.getReader()
    await reader.read() // the first part's head
    await reader.read() // its first chunk: the part stream is open
    expect(files.open).toBe(1)
    await reader.cancel()
    expect(files.open).toBe(0)
  })
})
