/**
 * Slow reader (issue 7): a client downloads a large streamed response (the fixture's
 * `/stream?n=N&size=65536`: N fresh 64 KiB chunks from a pull stream, chunked encoding, at
 * most ~12 MB/s because the fixture sleeps 5 ms between chunks) but reads it at a fixed rate, by
 * pausing and resuming its socket. A server that honours backpressure holds only about one
 * socket buffer of the body at a time, so its RSS must stay flat; one that does not buffers
 * the whole body. The server's RSS (VmRSS from /proc/<pid>/status) is sampled every second.
 * Writes the `## Slow reader` section of bench/RESULTS.md (the rows of runtimes not run this
 * time are kept) and leaves the other sections.
 *
 * Run by hand: `npm run bench:slow-reader` (optionally `-- node deno` to pick runtimes).
 * Environment: SLOW_READER_MB (default 100, MiB), SLOW_READER_MB_PER_S (default 1, MiB/s);
 * the defaults take 100 s per runtime. SLOW_READER_CLOSE=1 asks for `Connection: close`.
 * SLOW_READER_WRITE=0 skips RESULTS.md.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FIXTURE_COMMANDS, procStatus, sleep, startFixture, type RuntimeName as Name } from './fixture-process.ts'
import { replaceSection } from './results-file.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench/RESULTS.md')
const MB = 1024 * 1024
const SIZE_MB = Number(process.env['SLOW_READER_MB'] || 100)
const RATE_MB = Number(process.env['SLOW_READER_MB_PER_S'] || 1)
/** Whole 64 KiB chunks. */
/**
 * SLOW_READER_CLOSE=1 sends `Connection: close`, so the server closes right after handing the
 * last chunk to the socket, while a slow reader has megabytes still to read: this exercises
 * the drivers' lingering close (2 s) rather than memory. Default: keep-alive.
 */
const CLOSE = process.env['SLOW_READER_CLOSE'] === '1'
const TOTAL = Math.max(1, Math.round((SIZE_MB * MB) / (64 * 1024))) * 64 * 1024
const RATE = RATE_MB * MB

/** Chunk size of the fixture's `/stream`: 64 KiB, each a fresh buffer filled with one letter. */
const CHUNK = 64 * 1024

/**
 * A streaming decoder for the chunked body: counts body bytes and checks that chunk data
 * is the fixture's pattern (chunk i is filled with 'a' + i % 26, whatever the framing).
 */
class ChunkedCounter {
  body = 0
  done = false
  private line = ''
  private left = 0
  private state: 'size' | 'data' | 'data-crlf' | 'last-crlf' = 'size'

  push(bytes: Buffer): void {
    let i = 0
    while (i < bytes.length && !this.done) {
      if (this.state === 'data') {
        const n = Math.min(this.left, bytes.length - i)
        const expected = 0x61 + (Math.floor(this.body / CHUNK) % 26)
        if (bytes[i] !== expected || bytes[i + n - 1] !== 0x61 + (Math.floor((this.body + n - 1) / CHUNK) % 26)) {
          throw new Error(`wrong body byte near offset ${this.body}`)
        }
        this.body += n
        this.left -= n
        i += n
        if (this.left === 0) this.state = 'data-crlf'
        continue
      }
      this.line += String.fromCharCode(bytes[i++]!)
      if (!this.line.endsWith('\r\n')) {
        if (this.line.length > 100) throw new Error(`bad chunk framing: ${JSON.stringify(this.line)}`)
        continue
      }
      const line = this.line.slice(0, -2)
      this.line = ''
      if (this.state === 'data-crlf' || this.state === 'last-crlf') {
        if (line !== '') throw new Error(`expected CRLF after chunk data, got ${JSON.stringify(line)}`)
        if (this.state === 'last-crlf') this.done = true
        this.state = 'size'
        continue
      }
      this.left = parseInt(line, 16)
      if (!Number.isFinite(this.left)) throw new Error(`bad chunk size ${JSON.stringify(line)}`)
      this.state = this.left === 0 ? 'last-crlf' : 'data'
    }
  }
}

/**
 * GETs /stream with TOTAL bytes in 64 KiB chunks and reads the body at RATE bytes/s: whenever
 * the bytes read run ahead of `RATE × elapsed`, the socket is paused until the schedule
 * catches up. `/stream` makes a fresh buffer per chunk (unlike `/download`, which reuses one),
 * so a server that queued the body instead of waiting for the socket would grow by it.
 * Resolves with the body length once the response is complete.
 */
function slowDownload(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const body = new ChunkedCounter()
    let head: Buffer | null = Buffer.alloc(0)
    let started = 0
    const limit = (TOTAL / RATE) * 2 + 60
    const deadline = setTimeout(() => finish(new Error(`not complete after ${limit} s: ${body.body} bytes`)), limit * 1000)
    let finished = false
    const finish = (error: Error | null): void => {
      if (finished) return
      finished = true
      clearTimeout(deadline)
      socket.destroy()
      if (error) reject(error)
      else resolve(body.body)
    }
    socket.on('error', (error) => finish(new Error(`${error.message} after ${body.body} of ${TOTAL} body bytes, ${((Date.now() - started) / 1000).toFixed(1)} s`)))
    socket.on('close', () => finish(body.done ? null : new Error(`closed after ${body.body} of ${TOTAL} body bytes`)))
    socket.on('data', (chunk: Buffer) => {
      try {
        if (head !== null) {
          head = Buffer.concat([head, chunk])
          const end = head.indexOf('\r\n\r\n')
          if (end === -1) return
          const text = head.subarray(0, end).toString('latin1')
          if (!/^HTTP\/1\.1 200 /.test(text) || !/\r\ntransfer-encoding: chunked\r\n/i.test(`${text}\r\n`)) {
            return finish(new Error(`unexpected head: ${text}`))
          }
          chunk = head.subarray(end + 4)
          head = null
          started = Date.now()
        }
        body.push(chunk)
      } catch (error) {
        return finish(error as Error)
      }
      if (body.done) return finish(body.body === TOTAL ? null : new Error(`body was ${body.body} bytes, not ${TOTAL}`))
      const ahead = body.body / RATE - (Date.now() - started) / 1000
      if (ahead > 0.01) {
        socket.pause()
        setTimeout(() => socket.resume(), ahead * 1000)
      }
    })
    socket.on('connect', () =>
      socket.write(`GET /stream?n=${TOTAL / CHUNK}&size=${CHUNK} HTTP/1.1\r\nHost: slow-reader\r\n${CLOSE ? 'Connection: close\r\n' : ''}\r\n`),
    )
  })
}

interface Row {
  runtime: Name
  seconds: number
  startRss: number
  peakRss: number
  endRss: number
  hwm: number
  samples: number
}

async function measure(name: Name): Promise<Row> {
  // The keep-alive timeout must not end the connection while the kernel buffers still hold the
  // response's tail (see CLOSE below).
  const fixture = await startFixture(name, { KEEP_ALIVE_TIMEOUT: '600000' })
  try {
    await sleep(1000)
    const startRss = procStatus(fixture.pid, 'VmRSS')
    const samples: number[] = [startRss]
    const sampler = setInterval(() => samples.push(procStatus(fixture.pid, 'VmRSS')), 1000)
    const t0 = Date.now()
    try {
      await slowDownload(fixture.port)
    } finally {
      clearInterval(sampler)
    }
    const seconds = (Date.now() - t0) / 1000
    await sleep(1000)
    const endRss = procStatus(fixture.pid, 'VmRSS')
    samples.push(endRss)
    const row: Row = { runtime: name, seconds, startRss, peakRss: Math.max(...samples), endRss, hwm: procStatus(fixture.pid, 'VmHWM'), samples: samples.length }
    console.log(
      `${name}: ${SIZE_MB} MiB in ${seconds.toFixed(1)} s; RSS start ${(startRss / MB).toFixed(1)} MB, peak ${(row.peakRss / MB).toFixed(1)} MB ` +
        `(VmHWM ${(row.hwm / MB).toFixed(1)}), end ${(endRss / MB).toFixed(1)} MB; growth ${((row.peakRss - startRss) / MB).toFixed(1)} MB over ${samples.length} samples`,
    )
    return row
  } finally {
    fixture.kill()
  }
}


/** The table rows already in the section, by runtime, so a partial run keeps the others. */
function previousRows(markdown: string): Map<string, string> {
  const rows = new Map<string, string>()
  const start = markdown.indexOf('\n## Slow reader\n')
  if (start === -1) return rows
  const end = markdown.indexOf('\n## ', start + 5)
  for (const line of markdown.slice(start, end === -1 ? undefined : end).split('\n')) {
    const match = /^\| (node|deno|bun) \|/.exec(line)
    if (match) rows.set(match[1]!, line)
  }
  return rows
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  const names = (Object.keys(FIXTURE_COMMANDS) as Name[]).filter((n) => existsSync(FIXTURE_COMMANDS[n][0]) && (wanted.length === 0 || wanted.includes(n)))
  console.log(`slow reader: ${SIZE_MB} MiB at ${RATE_MB} MiB/s (${(TOTAL / RATE).toFixed(0)} s) on ${names.join(', ')}`)
  const mb = (bytes: number): string => (bytes / MB).toFixed(1)
  const rows = new Map<string, string>()
  const date = new Date().toISOString().slice(0, 10)
  for (const name of names) {
    const row = await measure(name)
    rows.set(
      name,
      `| ${name} | ${SIZE_MB} MiB at ${RATE_MB} MiB/s | ${row.seconds.toFixed(1)} s | ${mb(row.startRss)} MB | ${mb(row.peakRss)} MB | ${mb(row.endRss)} MB | ${(row.peakRss - row.startRss) >= 0 ? '+' : ''}${mb(row.peakRss - row.startRss)} MB | ${date} |`,
    )
  }
  if (process.env['SLOW_READER_WRITE'] === '0') return
  const markdown = readFileSync(RESULTS, 'utf8')
  const all = previousRows(markdown)
  for (const [name, line] of rows) all.set(name, line)
  const cpu = cpus()
  const body = [
    `\`npm run bench:slow-reader\`: each runtime serves the test fixture's \`/stream?n=N&size=65536\` (a pull \`ReadableStream\` of fresh`,
    '64 KiB chunks, chunked encoding, produced at up to ~12 MB/s) to one client on 127.0.0.1 that reads at a fixed rate by pausing',
    'and resuming its socket, and checks every body byte. The request is keep-alive and the fixture\'s keepAliveTimeout is',
    '10 min, so the connection outlives the tail still in the kernel buffers (`SLOW_READER_CLOSE=1` asks for `Connection: close`).',
    'RSS is the server\'s VmRSS, sampled every second from 1 s before the request to 1 s after the last byte; growth is',
    `peak − start. ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} CPUs, shared with other work); Node ${process.version} runs the client.`,
    '',
    '| runtime | download | took | RSS start | RSS peak | RSS end | growth | run |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...(['node', 'deno', 'bun'] as const).flatMap((n) => (all.has(n) ? [all.get(n)!] : [])),
    '',
    'A server that buffered the unread body would grow by about the download size; flat RSS means the response stream',
    'is pulled only as fast as the socket drains.',
    '',
  ].join('\n')
  writeFileSync(RESULTS, replaceSection(readFileSync(RESULTS, 'utf8'), '## Slow reader', body))
  console.log(`wrote the ## Slow reader section of ${RESULTS}`)
}

await main()
