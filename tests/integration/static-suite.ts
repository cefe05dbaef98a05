/**
 * Static files and compression on a real server, the same suite for node, deno and bun (thin
 * files static-{node,deno,bun}.test.ts): the hostile path table over raw TCP, the conditional
 * and range matrix, folders, precompressed siblings, `curl --compressed`, server-sent events
 * through compression arriving one by one, and a 1 GB file sent to a slow reader while the
 * server's RSS stays flat. The folder is built here, in a temporary directory.
 * @module
 */
import { execFile } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, ftruncateSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, createGunzip, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchange, header, type RawResponse } from '../helpers/raw-client.ts'
import { hostilePaths, servedPaths } from '../vectors/static-paths.ts'
import type { Fixture, StartFixture } from './suite.ts'

/** The static fixture, relative to the repository root. */
export const STATIC_FIXTURE: string = 'tests/integration/static-fixture.ts'
const GB = 1024 * 1024 * 1024
const MB = 1024 * 1024
const APP_JS = 'export const answer = 42;\n'.repeat(400)
/** 700 000 bytes that repeat nowhere: several of the server's read chunks (256 KiB). */
const SEVERAL_CHUNKS = Uint8Array.from({ length: 700_000 }, (_, i) => (i * 2654435761) >>> 24)

/** Builds the served folder (`pub/`) with a secret beside it; returns the temporary root. */
function buildTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'portico-static-'))
  const pub = join(root, 'pub')
  mkdirSync(join(pub, 'sub'), { recursive: true })
  mkdirSync(join(pub, '.well-known'))
  mkdirSync(join(root, 'outside'))
  writeFileSync(join(root, 'secret.txt'), 'SECRET outside the folder')
  writeFileSync(join(root, 'outside', 'secret.txt'), 'SECRET outside the folder')
  writeFileSync(join(pub, '.env'), 'SECRET=dotfile')
  writeFileSync(join(pub, 'a.txt'), 'file a\n')
  writeFileSync(join(pub, 'sub', 'b.txt'), 'file b\n')
  writeFileSync(join(pub, 'sub', 'index.html'), '<h1>sub</h1>\n')
  writeFileSync(join(pub, 'index.html'), '<h1>home</h1>\n')
  writeFileSync(join(pub, '.well-known', 'c.txt'), 'file c\n')
  writeFileSync(join(pub, 'digits.txt'), '0123456789'.repeat(10))
  writeFileSync(join(pub, 'app.js'), APP_JS)
  writeFileSync(join(pub, 'app.js.br'), brotliCompressSync(APP_JS))
  writeFileSync(join(pub, 'app.js.gz'), gzipSync(APP_JS))
  writeFileSync(join(pub, 'big.txt'), 'the quick brown fox jumps over the lazy dog\n'.repeat(2000))
  writeFileSync(join(pub, 'several.bin'), SEVERAL_CHUNKS)
  symlinkSync(join(root, 'secret.txt'), join(pub, 'link-out'))
  symlinkSync(join(root, 'outside'), join(pub, 'link-dir-out'))
  symlinkSync(join(pub, '.env'), join(pub, 'link-dot'))
  symlinkSync('a.txt', join(pub, 'link-in'))
  // Sparse: 1 GB that takes no disk, read back as zeros.
  const fd = openSync(join(pub, 'huge.bin'), 'w')
  ftruncateSync(fd, GB)
  closeSync(fd)
  return root
}

function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error(`no VmRSS for ${pid}`)
  return Number(match[1]) * 1024
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Registers the static suite for one runtime. */
export function defineStaticSuite({ runtime, start, skip }: { runtime: string; start: StartFixture; skip?: string }): void {
  describe.skipIf(skip !== undefined)(`static files and compression on ${runtime}`, () => {
    let root: string
    let fixture: Fixture
    const get = async (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> => {
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
      const { responses } = await exchange({ port: fixture.port }, `${method} ${path} HTTP/1.1\r\nHost: test\r\n${lines}\r\n`, { responses: 1, methods: [method] })
      expect(responses.length, `a response to ${method} ${path}`).toBe(1)
      return responses[0]!
    }

    beforeAll(async () => {
      root = buildTree()
      fixture = await start({ STATIC_DIR: join(root, 'pub') })
    }, 30_000)
    afterAll(() => {
      fixture?.kill()
      if (root !== undefined) rmSync(root, { recursive: true, force: true })
    })

    describe('the hostile path table: 404, and nothing of the file or the path in the body', () => {
      for (const { path, why } of hostilePaths) {
        it(`${path} (${why})`, async () => {
          const response = await get(path)
          // A request-target the HTTP parser already refuses (a raw backslash is fine, NUL is not) is a 400.
          expect([400, 404]).toContain(response.status)
          const body = response.body.toString('latin1')
          expect(body).not.toContain('SECRET')
          expect(body).not.toContain(root)
          expect(body).not.toMatch(/\bat\s|Error/)
        })
      }
    })

    describe('served paths', () => {
      for (const { path, why } of servedPaths) {
        it(`${path} (${why})`, async () => {
          const response = await get(path)
          expect(response.status).toBe(200)
          expect(response.body.toString()).toMatch(/^file [abc]\n$/)
        })
      }
    })

    it('serves a file with its type, length and validators', async () => {
      const response = await get('/digits.txt')
      expect(response.status).toBe(200)
      expect(header(response, 'content-type')).toBe('text/plain; charset=utf-8')
      expect(header(response, 'content-length')).toBe('100')
      expect(header(response, 'accept-ranges')).toBe('bytes')
      expect(header(response, 'etag')).toMatch(/^"[0-9a-f]+-64"$/)
      expect(header(response, 'last-modified')).toMatch(/ GMT$/)
      expect(header(response, 'cache-control')).toBe('no-cache')
    })

    it('HEAD: the same head, no body', async () => {
      const response = await get('/digits.txt', {}, 'HEAD')
      expect(response.status).toBe(200)
      expect(header(response, 'content-length')).toBe('100')
      expect(response.body.length).toBe(0)
    })

    it('a file of several read chunks comes back whole, twice on one connection', async () => {
      const request = 'GET /several.bin HTTP/1.1\r\nHost: test\r\n\r\n'
      const { responses } = await exchange({ port: fixture.port }, request + request, { responses: 2, methods: ['GET', 'GET'] })
      expect(responses.map((r) => r.status)).toEqual([200, 200])
      for (const response of responses) {
        expect(header(response, 'content-length')).toBe('700000')
        expect(Buffer.compare(response.body, SEVERAL_CHUNKS)).toBe(0)
      }
    })

    it('a range across read-chunk boundaries, and HEAD of it', async () => {
      const response = await get('/several.bin', { range: 'bytes=200000-600000' })
      expect(response.status).toBe(206)
      expect(header(response, 'content-range')).toBe('bytes 200000-600000/700000')
      expect(Buffer.compare(response.body, SEVERAL_CHUNKS.subarray(200000, 600001))).toBe(0)
      const head = await get('/several.bin', {}, 'HEAD')
      expect([head.status, header(head, 'content-length'), head.body.length]).toEqual([200, '700000', 0])
    })

    it('a file changed between requests: the new bytes, length and validators', async () => {
      const file = join(root, 'pub', 'changing.txt')
      writeFileSync(file, 'version one\n')
      utimesSync(file, 1_700_000_000, 1_700_000_000)
      const first = await get('/changing.txt')
      expect([first.body.toString(), header(first, 'content-length')]).toEqual(['version one\n', '12'])
      writeFileSync(file, 'version two, longer\n')
      utimesSync(file, 1_700_000_100, 1_700_000_100)
      const second = await get('/changing.txt')
      expect([second.body.toString(), header(second, 'content-length')]).toEqual(['version two, longer\n', '20'])
      expect(header(second, 'etag')).not.toBe(header(first, 'etag'))
      expect(header(second, 'last-modified')).not.toBe(header(first, 'last-modified'))
      // The old validator no longer matches: the new file, not a 304.
      expect((await get('/changing.txt', { 'if-none-match': header(first, 'etag')! })).status).toBe(200)
      // Same length, new time: a new ETag too.
      writeFileSync(file, 'version 3, same length\n'.slice(0, 20))
      utimesSync(file, 1_700_000_200, 1_700_000_200)
      const third = await get('/changing.txt')
      expect(third.body.toString()).toBe('version 3, same leng')
      expect(header(third, 'etag')).not.toBe(header(second, 'etag'))
    })

    it('folders: index.html, and a redirect that adds the slash (query kept)', async () => {
      expect((await get('/')).body.toString()).toBe('<h1>home</h1>\n')
      expect((await get('/sub/')).body.toString()).toBe('<h1>sub</h1>\n')
      const redirect = await get('/sub?x=1')
      expect(redirect.status).toBe(301)
      expect(header(redirect, 'location')).toBe('/sub/?x=1')
    })

    it('what no file matches goes to the app', async () => {
      expect((await get('/api/hello')).body.toString()).toBe('app: GET /api/hello')
      expect((await get('/a.txt', {}, 'DELETE')).body.toString()).toBe('app: no such page')
    })

    describe('conditional requests and ranges', () => {
      let etag: string
      let lastModified: string
      beforeAll(async () => {
        const response = await get('/digits.txt')
        etag = header(response, 'etag')!
        lastModified = header(response, 'last-modified')!
      })
      const cases: [string, () => Record<string, string>, number, string?][] = [
        ['If-None-Match current → 304', () => ({ 'if-none-match': etag }), 304],
        ['If-None-Match weak form → 304', () => ({ 'if-none-match': `W/${etag}` }), 304],
        ['If-None-Match other → 200', () => ({ 'if-none-match': '"other"' }), 200],
        ['If-Modified-Since Last-Modified → 304', () => ({ 'if-modified-since': lastModified }), 304],
        ['If-Modified-Since long ago → 200', () => ({ 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }), 200],
        ['If-None-Match other beats If-Modified-Since → 200', () => ({ 'if-none-match': '"other"', 'if-modified-since': lastModified }), 200],
        ['If-Match other → 412', () => ({ 'if-match': '"other"' }), 412],
        ['If-Match current → 200', () => ({ 'if-match': etag }), 200],
        ['If-Unmodified-Since long ago → 412', () => ({ 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }), 412],
        ['Range bytes=10-19 → 206', () => ({ range: 'bytes=10-19' }), 206, '0123456789'],
        ['Range bytes=-5 → 206', () => ({ range: 'bytes=-5' }), 206, '56789'],
        ['Range bytes=95- → 206', () => ({ range: 'bytes=95-' }), 206, '56789'],
        ['Range beyond the end → 416', () => ({ range: 'bytes=100-' }), 416],
        ['two close ranges → one coalesced 206', () => ({ range: 'bytes=0-1,5-6' }), 206, '0123456'],
        ['If-Range current tag → 206', () => ({ range: 'bytes=0-4', 'if-range': etag }), 206, '01234'],
        ['If-Range stale tag → 200', () => ({ range: 'bytes=0-4', 'if-range': '"stale"' }), 200],
        ['If-Range date → 206', () => ({ range: 'bytes=0-4', 'if-range': lastModified }), 206, '01234'],
      ]
      for (const [name, headers, status, body] of cases) {
        it(name, async () => {
          const response = await get('/digits.txt', headers())
          expect(response.status).toBe(status)
          if (status === 304) {
            expect(response.body.length).toBe(0)
            expect(header(response, 'etag')).toBe(etag)
          }
          if (status === 206) {
            expect(response.body.toString()).toBe(body)
            expect(header(response, 'content-range')).toMatch(/^bytes \d+-\d+\/100$/)
          }
          if (status === 416) expect(header(response, 'content-range')).toBe('bytes */100')
          if (status === 200) expect(response.body.length).toBe(100)
        })
      }
      it('two distant ranges → 206 multipart/byteranges', async () => {
        const response = await get('/digits.txt', { range: 'bytes=0-1,97-' })
        expect(response.status).toBe(206)
        const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(header(response, 'content-type')!)![1]
        const part = (range: string, bytes: string): string => `--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes ${range}/100\r\n\r\n${bytes}`
        expect(response.body.toString()).toBe(`${part('0-1', '01')}\r\n${part('97-99', '789')}\r\n--${boundary}--\r\n`)
        expect(Number(header(response, 'content-length'))).toBe(response.body.length)
      })
    })

    describe('precompressed siblings', () => {
      it('br, then gzip, by Accept-Encoding; identity without it; Vary always', async () => {
        const br = await get('/app.js', { 'accept-encoding': 'gzip, br' })
        expect(header(br, 'content-encoding')).toBe('br')
        expect(br.body).toEqual(readFileSync(join(root, 'pub', 'app.js.br')))
        expect(header(br, 'content-type')).toBe('text/javascript; charset=utf-8')
        const gz = await get('/app.js', { 'accept-encoding': 'gzip' })
        expect(header(gz, 'content-encoding')).toBe('gzip')
        expect(gz.body).toEqual(readFileSync(join(root, 'pub', 'app.js.gz')))
        const plain = await get('/app.js', { 'accept-encoding': 'identity' })
        expect(header(plain, 'content-encoding')).toBeUndefined()
        expect(plain.body.toString()).toBe(APP_JS)
        for (const response of [br, gz, plain]) expect(header(response, 'vary')).toBe('accept-encoding')
        expect(header(br, 'etag')).not.toBe(header(plain, 'etag'))
      })
    })

    describe('compression', () => {
      it('curl --compressed gets the same bytes, smaller on the wire', async () => {
        const out = await new Promise<{ body: string; size: string }>((resolve, reject) =>
          execFile('curl', ['-sS', '--compressed', '--max-time', '10', '-w', '\n%{size_download}', `${fixture.url}big.txt`], { encoding: 'utf8', maxBuffer: 4 * MB }, (error, stdout) => {
            if (error) return reject(error)
            const cut = stdout.lastIndexOf('\n')
            resolve({ body: stdout.slice(0, cut), size: stdout.slice(cut + 1) })
          }))
        expect(out.body).toBe(readFileSync(join(root, 'pub', 'big.txt'), 'utf8'))
        expect(Number(out.size)).toBeLessThan(out.body.length / 10)
      })

      it('a compressed response: encoding, Vary, weak ETag, no Content-Length', async () => {
        const response = await get('/api/text', { 'accept-encoding': 'gzip' })
        expect(header(response, 'content-encoding')).toBe('gzip')
        expect(header(response, 'vary')).toBe('accept-encoding')
        expect(header(response, 'etag')).toBe('W/"text-v1"')
        const plain = await get('/api/text')
        expect(header(plain, 'content-encoding')).toBeUndefined()
        expect(header(plain, 'etag')).toBe('"text-v1"')
      })

      it('HEAD gets the head GET would: Content-Encoding, Vary and weak ETag, no body', async () => {
        const head = await get('/api/text', { 'accept-encoding': 'gzip' }, 'HEAD')
        expect(head.status).toBe(200)
        expect(header(head, 'content-encoding')).toBe('gzip')
        expect(header(head, 'vary')).toBe('accept-encoding')
        expect(header(head, 'etag')).toBe('W/"text-v1"')
        expect(head.body.length).toBe(0)
        const file = await get('/big.txt', { 'accept-encoding': 'gzip' }, 'HEAD')
        expect(header(file, 'content-encoding')).toBe('gzip')
        expect(header(file, 'content-length')).toBeUndefined()
      })

      it('images and ranges are not compressed', async () => {
        const ranged = await get('/big.txt', { 'accept-encoding': 'gzip', range: 'bytes=0-9' })
        expect(ranged.status).toBe(206)
        expect(header(ranged, 'content-encoding')).toBeUndefined()
      })

      it('server-sent events arrive one by one through gzip', async () => {
        const arrivals: number[] = []
        const text = await new Promise<string>((resolve, reject) => {
          const request = http.get(`${fixture.url}api/sse`, { headers: { 'accept-encoding': 'gzip' }, agent: false }, (response) => {
            expect(response.headers['content-encoding']).toBe('gzip')
            let decoded = ''
            const gunzip = createGunzip()
            gunzip.on('data', (chunk: Buffer) => {
              decoded += chunk.toString()
              arrivals.push(Date.now())
            })
            gunzip.on('end', () => resolve(decoded))
            gunzip.on('error', reject)
            response.pipe(gunzip)
          })
          request.on('error', reject)
        })
        expect(text).toBe([0, 1, 2, 3, 4].map((i) => `data: event ${i}\n\n`).join(''))
        // Five events 250 ms apart, each decoded on arrival: not one burst at the end.
        expect(arrivals.length).toBeGreaterThanOrEqual(5)
        expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(700)
      })
    })

    // Flat means bounded by the chunk size, not the file size: the peak after the first quarter
    // may not climb further by more than GC noise. Fresh 64 KiB chunks are garbage the
    // collector reclaims in its own time: on Deno the plateau sits 70–80 MB above the start
    // (measured; 15 MB with one shared buffer), on Node and Bun lower, so the absolute bound is 128 MB.
    it('a 1 GB file to a slow reader: memory stays flat', async () => {
      const base = rss(fixture.pid)
      let peak = base
      let peakAtQuarter = -1
      const sampler = setInterval(() => (peak = Math.max(peak, rss(fixture.pid))), 50)
      try {
        const received = await new Promise<number>((resolve, reject) => {
          const socket = net.connect(fixture.port, '127.0.0.1')
          let bytes = 0
          socket.on('error', reject)
          socket.on('data', (chunk: Buffer) => {
            bytes += chunk.length
            if (peakAtQuarter === -1 && bytes >= GB / 4) peakAtQuarter = Math.max(peak, rss(fixture.pid))
            if (bytes >= GB) socket.destroy()
          })
          socket.on('close', () => resolve(bytes))
          socket.write('GET /huge.bin HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n')
          // The slow part: read nothing for a second while the server would buffer ahead.
          socket.pause()
          void sleep(1000).then(() => socket.resume())
        })
        expect(received).toBeGreaterThan(GB)
      } finally {
        clearInterval(sampler)
      }
      const report = `RSS from ${(base / MB).toFixed(0)} MB: ${((peakAtQuarter - base) / MB).toFixed(0)} MB more at 256 MB sent, ${((peak - base) / MB).toFixed(0)} MB more at the peak`
      expect(peak - peakAtQuarter, report).toBeLessThan(32 * MB)
      expect(peak - base, report).toBeLessThan(128 * MB)
    }, 60_000)
  })
}
