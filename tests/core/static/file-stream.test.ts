// fileRangeStream and fileChunks, the read() and chunks() behind the node and deno file
// systems, over a scripted file: the file opened on the first pull, short reads filled into
// full chunks, one read per pull, an early end reported as an error, and the file closed on
// end, error and cancel (never under a read still running).
import { describe, expect, it } from 'vitest'
import { fileChunks, fileRangeStream, type SequentialFile } from '../../../core/static/file-stream.ts'

/** A file of `size` bytes (byte i = i % 256) whose reads return at most `maxRead` bytes. */
function scripted(size: number, maxRead: number) {
  const log = { opens: 0, reads: 0, closes: 0, openedAt: -1 }
  const open = (_path: string, start: number): Promise<SequentialFile> => {
    log.opens++
    log.openedAt = start
    let position = start
    return Promise.resolve({
      read(buffer: Uint8Array) {
        log.reads++
        const n = Math.min(buffer.length, maxRead, size - position)
        if (n <= 0) return Promise.resolve(null)
        for (let i = 0; i < n; i++) buffer[i] = (position + i) % 256
        position += n
        return Promise.resolve(n)
      },
      close: () => void log.closes++,
    })
  }
  return { open, log }
}

describe('fileRangeStream', () => {
  it('opens on the first pull, at start; fills short reads into full chunks; closes at the end', async () => {
    const { open, log } = scripted(1000, 7)
    const stream = fileRangeStream(open, '/f', 100, 400, 128)
    expect(log.opens).toBe(0)
    const chunks: Uint8Array[] = []
    const reader = stream.getReader()
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
    expect(log.openedAt).toBe(100)
    expect(chunks.map((c) => c.length)).toEqual([128, 128, 44])
    expect(chunks.flatMap((c) => [...c])).toEqual(Array.from({ length: 300 }, (_, i) => (100 + i) % 256))
    expect(log.closes).toBe(1)
  })
  it('reads nothing ahead of the consumer', async () => {
    const { open, log } = scripted(1000, 1000)
    const reader = fileRangeStream(open, '/f', 0, 1000, 100).getReader()
    await reader.read()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(log.reads).toBe(1)
  })
  it('a file shorter than promised: what there is, then an error, and the file closed', async () => {
    const { open, log } = scripted(150, 1000)
    const reader = fileRangeStream(open, '/f', 0, 300, 100).getReader()
    expect((await reader.read()).value!.length).toBe(100)
    expect((await reader.read()).value!.length).toBe(50)
    await expect(reader.read()).rejects.toThrow(/ended at byte 150, before 300/)
    expect(log.closes).toBe(1)
  })
  it('cancel closes the file', async () => {
    const { open, log } = scripted(1000, 1000)
    const reader = fileRangeStream(open, '/f', 0, 1000, 100).getReader()
    await reader.read()
    await reader.cancel()
    expect(log.closes).toBe(1)
  })
})

describe('fileChunks', () => {
  it('the same chunks as the stream; done set, and the file closed, by the pull that reads the last byte', async () => {
    const { open, log } = scripted(1000, 7)
    const source = fileChunks(open, '/f', 100, 400, 128)
    const chunks: Uint8Array[] = []
    while (!source.done) chunks.push((await source.pull())!)
    expect(chunks.map((c) => c.length)).toEqual([128, 128, 44])
    expect(chunks.flatMap((c) => [...c])).toEqual(Array.from({ length: 300 }, (_, i) => (100 + i) % 256))
    expect(log.closes).toBe(1)
    expect(await source.pull()).toBeNull()
    expect(log.reads).toBe(19 + 19 + 7) // ceil(128 / 7) twice, ceil(44 / 7): no read after the last byte
  })

  it('an empty range is done before it opens anything', async () => {
    const { open, log } = scripted(1000, 1000)
    const source = fileChunks(open, '/f', 5, 5, 128)
    expect(source.done).toBe(true)
    expect(await source.pull()).toBeNull()
    expect(log.opens).toBe(0)
  })

  it('reads into the buffers it is given (a driver\'s unzeroed ones)', async () => {
    const { open } = scripted(1000, 1000)
    const given: Uint8Array[] = []
    const source = fileChunks(open, '/f', 0, 300, 256, (size) => {
      const buffer = new Uint8Array(size).fill(0xee)
      given.push(buffer)
      return buffer
    })
    const first = await source.pull()
    const last = await source.pull()
    expect(first).toBe(given[0])
    expect(last!.buffer).toBe(given[1]!.buffer)
    expect([...last!]).toEqual(Array.from({ length: 44 }, (_, i) => (256 + i) % 256))
  })

  it('cancel during a read closes the file when the read is over, not under it', async () => {
    let finish: (n: number) => void = () => {}
    let closes = 0
    let closedWhileReading = false
    let reading = false
    const open = (): Promise<SequentialFile> => Promise.resolve({
      read: () => {
        reading = true
        return new Promise<number>((resolve) => (finish = (n) => { reading = false; resolve(n) }))
      },
      close: () => {
        closes++
        closedWhileReading ||= reading
      },
    })
    const source = fileChunks(open, '/f', 0, 1000, 100)
    const pulled = source.pull()
    await new Promise((resolve) => setTimeout(resolve, 0))
    source.cancel()
    expect(closes).toBe(0)
    finish(100)
    await pulled
    expect([closes, closedWhileReading, source.done]).toEqual([1, false, true])
    expect(await source.pull()).toBeNull()
  })

  it('cancel while the file opens: closed once it is open, nothing read', async () => {
    const { open, log } = scripted(1000, 1000)
    const source = fileChunks(open, '/f', 0, 1000, 100)
    const pulled = source.pull()
    source.cancel()
    expect(await pulled).toBeNull()
    expect([log.opens, log.reads, log.closes]).toEqual([1, 0, 1])
  })

  it('a file shorter than promised: what there is, then a rejected pull, and the file closed', async () => {
    const { open, log } = scripted(150, 1000)
    const source = fileChunks(open, '/f', 0, 300, 100)
    expect((await source.pull())!.length).toBe(100)
    expect((await source.pull())!.length).toBe(50)
    await expect(source.pull()).rejects.toThrow(/ended at byte 150, before 300/)
    expect([log.closes, source.done]).toEqual([1, true])
  })
})
