// Node's pooled read buffers (runtimes/chunk-pool.ts): a buffer is reused only after the
// socket wrote that very object, the pool keeps a bounded amount idle, and a body that
// someone else reads (a middleware that tees it and keeps the chunks) never gets pooled
// buffers, so what it keeps is never overwritten. Concurrent downloads of a file several
// chunks long stay byte-exact while buffers go round, over HTTP/1.1, HTTP/2 and TLS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { giveBack, isLent, takeChunk } from '../../runtimes/chunk-pool.ts'
import { readTlsFiles, serve, serveStatic, type Server } from '../../runtimes/node.ts'

const KB = 1024

describe('the chunk pool', () => {
  it('lends unzeroed buffers and takes back only what it lent, whole', () => {
    const size = 256 * KB + 1 // a size no other test uses: a pool of its own
    const a = takeChunk(size)
    expect(a.length).toBe(size)
    expect(isLent(a)).toBe(true)
    giveBack(a.subarray(0, 10)) // a view of it is not it
    giveBack(new Uint8Array(size)) // nor is a buffer from elsewhere
    expect(takeChunk(size)).not.toBe(a)
    giveBack(a)
    giveBack(a) // twice: still one idle copy
    expect(isLent(a)).toBe(false)
    const b = takeChunk(size)
    expect(b).toBe(a)
    expect(takeChunk(size)).not.toBe(a)
  })

  it('keeps at most 8 MiB idle', () => {
    const size = 256 * KB + 2
    const taken = Array.from({ length: 40 }, () => takeChunk(size))
    for (const buffer of taken) giveBack(buffer)
    const again = new Set(Array.from({ length: 40 }, () => takeChunk(size)))
    expect(taken.filter((buffer) => again.has(buffer)).length).toBe(Math.floor((8 * 1024 * KB) / size)) // 31
  })
})

describe('pooled file bodies on a Node server', () => {
  let dir: string
  let server: Server
  let base: string
  const file = Uint8Array.from({ length: 900 * KB }, (_, i) => (i * 2654435761) >>> 24)
  const kept: Uint8Array[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-pool-'))
    writeFileSync(join(dir, 'f.bin'), file)
    const files = serveStatic(dir)
    server = await serve(async (request, info) => {
      const response = await files(request, info)
      if (!new URL(request.url).searchParams.has('tee')) return response
      // A middleware that keeps every chunk it passes on (a cache filling itself).
      const [out, copy] = response.body!.tee()
      void (async () => {
        const reader = copy.getReader()
        for (let next = await reader.read(); !next.done; next = await reader.read()) kept.push(next.value)
      })()
      return new Response(out, response)
    }, { hostname: '127.0.0.1', port: 0, http2: true, onListen: () => {}, log: () => {} }).ready()
    base = server.url.toString()
  })

  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const fetchBytes = async (path: string): Promise<Uint8Array> => new Uint8Array(await (await fetch(base + path)).arrayBuffer())

  it('concurrent downloads come back byte-exact while buffers are reused', async () => {
    for (let round = 0; round < 3; round++) {
      const bodies = await Promise.all(Array.from({ length: 8 }, () => fetchBytes('f.bin')))
      for (const body of bodies) expect(Buffer.compare(body, file)).toBe(0)
    }
  })

  it('over HTTP/2 (h2c) too: concurrent streams byte-exact, framed from pooled chunks', async () => {
    const session = http2.connect(base)
    try {
      const get = (): Promise<Buffer> =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = []
          session.request({ ':path': '/f.bin' }).on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject)
        })
      for (let round = 0; round < 2; round++) {
        const bodies = await Promise.all(Array.from({ length: 6 }, get))
        for (const body of bodies) expect(Buffer.compare(body, file)).toBe(0)
      }
    } finally {
      session.close()
    }
  })

  it('chunks a middleware keeps are never reused under it', async () => {
    const body = await fetchBytes('f.bin?tee')
    expect(Buffer.compare(body, file)).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Pooled buffers go round meanwhile; what the middleware kept must not change.
    await Promise.all(Array.from({ length: 8 }, () => fetchBytes('f.bin')))
    expect(kept.some(isLent)).toBe(false)
    expect(Buffer.compare(Buffer.concat(kept), file)).toBe(0)
  })
})

describe('pooled file bodies over TLS', () => {
  it('concurrent HTTPS downloads come back byte-exact (TLS copies the chunk before the write callback)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-pool-tls-'))
    const file = Uint8Array.from({ length: 700 * KB }, (_, i) => (i * 40503) >>> 8)
    writeFileSync(join(dir, 'f.bin'), file)
    const certs = join(import.meta.dirname, '../integration/certs')
    const server = await serve(serveStatic(dir), {
      hostname: '127.0.0.1', port: 0, tls: readTlsFiles(join(certs, 'cert.pem'), join(certs, 'key.pem')), onListen: () => {}, log: () => {},
    }).ready()
    try {
      const get = (): Promise<Buffer> =>
        new Promise((resolve, reject) => {
          https.get(new URL('f.bin', server.url), { rejectUnauthorized: false }, (response) => {
            const chunks: Buffer[] = []
            response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject)
          }).on('error', reject)
        })
      for (let round = 0; round < 2; round++) {
        const bodies = await Promise.all(Array.from({ length: 6 }, get))
        for (const body of bodies) expect(Buffer.compare(body, file)).toBe(0)
      }
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
