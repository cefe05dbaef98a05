/**
 * Static files: a 10 KiB and a 1 MiB file over keep-alive (wrk, 32 connections), Portico's
 * `serveStatic` on Node, Deno and Bun against nginx (one worker, sendfile), Bun.serve with
 * `Bun.file`, and sirv on node:http; then node:zlib's compression throughput on each runtime
 * (bench/compression-speed.ts). `npm run bench:static`, by hand: about 2 minutes.
 *
 * Method as bench/run.ts: the server pinned to core 0, wrk to core 1, 127.0.0.1; per server a
 * fresh process, a check that both files come back whole, a 2 s warm-up, then one measured
 * run of `BENCH_SECONDS` (default 5) per file. One run: on a shared machine the ratios within
 * the run mean more than the absolute numbers. CPU µs/req is the server process's utime +
 * stime (all threads, /proc/<pid>/stat) over a run divided by its requests: other work on the
 * machine moves it less than req/s. `BENCH_ONLY=portico-node,sirv` filters; a full
 * run (or `BENCH_WRITE=1`) replaces the "## Static files" section of bench/RESULTS.md.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { cpuTotalSeconds } from './proc-stats.ts'
import { writeResultsSection } from './results-file.ts'

const KEEP_MARK = '<!-- bench/static.ts keeps what follows when it rewrites this section -->'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5)
const ONLY = process.env['BENCH_ONLY']?.split(',') ?? null
const DENO = join(ROOT, 'node_modules/.bin/deno')
const BUN = join(ROOT, 'node_modules/.bin/bun')
const FILES = [['10k.bin', 10 * 1024], ['1m.bin', 1024 * 1024]] as const

interface Peer { name: string; what: string; command: (dir: string, port: number, work: string) => [string, string[]] }
const PEERS: Peer[] = [
  { name: 'portico-node', what: 'Portico serveStatic on Node 20 (the npm build)', command: () => [process.execPath, ['--import', 'tsx', 'bench/servers/static-portico.ts']] },
  { name: 'portico-deno', what: 'Portico serveStatic on Deno', command: () => [DENO, ['run', '-A', 'bench/servers/static-portico.ts']] },
  { name: 'portico-bun', what: 'Portico serveStatic on Bun', command: () => [BUN, ['run', 'bench/servers/static-portico.ts']] },
  { name: 'sirv', what: 'sirv on node:http, dev: false (files indexed at startup), ETags', command: () => [process.execPath, ['--import', 'tsx', 'bench/servers/static-sirv.ts']] },
  { name: 'bun-file', what: 'Bun.serve returning Bun.file (sendfile), no path checks', command: () => [BUN, ['run', 'bench/servers/static-bun-serve.ts']] },
  { name: 'nginx', what: 'nginx, 1 worker, sendfile on, access log off', command: (dir, port, work) => ['nginx', ['-p', work, '-c', nginxConfig(dir, port, work), '-e', join(work, 'error.log')]] },
]

function nginxConfig(dir: string, port: number, work: string): string {
  const file = join(work, 'nginx.conf')
  writeFileSync(file, `worker_processes 1; daemon off; master_process off; pid ${work}/nginx.pid; error_log ${work}/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; types { application/octet-stream bin; }
  client_body_temp_path ${work}/body; proxy_temp_path ${work}/proxy; fastcgi_temp_path ${work}/fcgi; uwsgi_temp_path ${work}/uwsgi; scgi_temp_path ${work}/scgi;
  server { listen 127.0.0.1:${port}; root ${dir}; } }\n`)
  return file
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (spawnSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/10k.bin`]).status === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('server did not answer within 20 s')
}

/** A wrk run against `url`; `pid`'s CPU time over it (all threads) per request, in µs. */
function wrk(url: string, seconds: number, pid: number): { rps: number; mbps: number; cpuUs: number } {
  const cpuBefore = cpuTotalSeconds(pid)
  const out = spawnSync('taskset', ['-c', '1', 'wrk', '-t1', '-c32', `-d${seconds}s`, url], { encoding: 'utf8' }).stdout
  const cpu = cpuTotalSeconds(pid) - cpuBefore
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN)
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out)
  const unit = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 }[transfer?.[2] ?? 'MB'] ?? 1
  return { rps, mbps: Number(transfer?.[1] ?? NaN) * unit, cpuUs: (cpu * 1e6) / requests }
}

// Portico on Node runs the npm build (dist/), as bench/run.ts does.
if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed')
const work = mkdtempSync(join(tmpdir(), 'portico-bench-static-'))
const dir = join(work, 'files')
mkdirSync(dir)
for (const [name, size] of FILES) writeFileSync(join(dir, name), randomBytes(size))
const rows: { peer: Peer; results: { rps: number; mbps: number; cpuUs: number }[] }[] = []
try {
  for (const peer of PEERS.filter((p) => ONLY === null || ONLY.includes(p.name))) {
    const port = await freePort()
    const [cmd, args] = peer.command(dir, port, work)
    const child = spawn('taskset', ['-c', '0', cmd, ...args], { cwd: ROOT, env: { ...process.env, PORT: String(port), STATIC_DIR: dir }, stdio: 'ignore' })
    try {
      await waitForPort(port, child)
      for (const [name, size] of FILES) {
        const got = spawnSync('curl', ['-s', `http://127.0.0.1:${port}/${name}`], { maxBuffer: 4 * size }).stdout
        if (!got.equals(readFileSync(join(dir, name)))) throw new Error(`${peer.name}: /${name} came back wrong`)
      }
      // taskset execs the server: the child's pid is the server's.
      wrk(`http://127.0.0.1:${port}/10k.bin`, 2, child.pid!)
      const results = FILES.map(([name]) => wrk(`http://127.0.0.1:${port}/${name}`, SECONDS, child.pid!))
      rows.push({ peer, results })
      console.log(`${peer.name.padEnd(14)} ${results.map((r, i) => `${FILES[i]![0]}: ${r.rps.toFixed(0)} req/s ${r.mbps.toFixed(0)} MB/s ${r.cpuUs.toFixed(0)} µs/req`).join('  ')}`)
    } finally {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL')
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

const speeds: Record<string, Record<string, { mbPerSecond: number; ratio: number } | null>> = {}
for (const [runtime, cmd, args] of [['node', process.execPath, ['--import', 'tsx']], ['deno', DENO, ['run', '-A']], ['bun', BUN, ['run']]] as const) {
  const out = spawnSync('taskset', ['-c', '0', cmd, ...args, 'bench/compression-speed.ts'], { cwd: ROOT, encoding: 'utf8' }).stdout
  speeds[runtime] = JSON.parse(out.trim().split('\n').pop()!)
}

const get = (name: string): (typeof rows)[number] | undefined => rows.find((r) => r.peer.name === name)
const ratio = (a: string, b: string, i: number): string => {
  const x = get(a)?.results[i]
  const y = get(b)?.results[i]
  return x === undefined || y === undefined ? '–' : `${(x.rps / y.rps).toFixed(2)}× (${(y.cpuUs / x.cpuUs).toFixed(2)}×)`
}
const table = [
  '| server | 10 KiB req/s | 1 MiB req/s | 1 MiB MB/s | 10 KiB CPU µs/req | 1 MiB CPU µs/req | what |',
  '|---|---:|---:|---:|---:|---:|---|',
  ...rows.map(({ peer, results }) =>
    `| ${peer.name} | ${results[0]!.rps.toFixed(0)} | ${results[1]!.rps.toFixed(0)} | ${results[1]!.mbps.toFixed(0)} | ${results[0]!.cpuUs.toFixed(0)} | ${results[1]!.cpuUs.toFixed(0)} | ${peer.what} |`),
  '',
  '| ratio (req/s, this run; in parentheses by CPU µs/req, theirs over ours) | 10 KiB | 1 MiB | goal (1 MiB) |',
  '|---|---:|---:|---|',
  ...['node', 'deno', 'bun'].flatMap((r) => [
    `| portico-${r} / sirv | ${ratio(`portico-${r}`, 'sirv', 0)} | ${ratio(`portico-${r}`, 'sirv', 1)} | ≥ 1.0× |`,
    `| portico-${r} / nginx | ${ratio(`portico-${r}`, 'nginx', 0)} | ${ratio(`portico-${r}`, 'nginx', 1)} | ≥ 0.5× |`,
  ]),
  '',
  '| node:zlib, MB of input per second (ratio) | gzip 6 | br 4 | zstd 3 | br 11 |',
  '|---|---:|---:|---:|---:|',
  ...Object.entries(speeds).map(([runtime, s]) => `| ${runtime} | ${['gzip-6', 'br-4', 'zstd-3', 'br-11'].map((k) => (s[k] ? `${s[k]!.mbPerSecond.toFixed(1)} (${s[k]!.ratio.toFixed(2)})` : 'n/a')).join(' | ')} |`),
]
const body = `${new Date().toISOString().slice(0, 10)}, one run of ${SECONDS} s per file, wrk -t1 -c32 keep-alive, server on core 0 and wrk on core 1 of a 2-core machine shared with other agents (load average at the end: ${loadavg()[0]!.toFixed(2)}): noisy, so read the ratios, which come from the same minutes. Random bytes (\`.bin\`, not compressed).

${table.join('\n')}
`
console.log(`\n${table.join('\n')}`)
if (ONLY === null || process.env['BENCH_WRITE'] === '1') {
  writeResultsSection('## Static files', body, KEEP_MARK)
}
