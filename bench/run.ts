/**
 * Server throughput: Portico on Node, Deno and Bun against each runtime's own servers, under
 * wrk. Run with `npm run bench`, by hand, never in CI: it takes about 12 minutes and wants a
 * quiet machine with at least 2 cores. Each server runs pinned to core 0 and wrk (one thread)
 * to core 1, both on 127.0.0.1. Per server and scenario: a fresh server process, one warm-up
 * run, then `BENCH_RUNS` measured runs; reports the median req/s, the spread, the server's
 * peak RSS (VmHWM) and its CPU time per request (utime + stime from /proc, all threads).
 *
 * Environment:
 * - `BENCH_SECONDS` per measured run (default 5), `BENCH_WARMUP_SECONDS` (3), `BENCH_RUNS` (3);
 * - `BENCH_ONLY=portico-node,node-http` and `BENCH_SCENARIOS=get,post,close,stream` filter;
 * - a filtered run prints its tables only; a full run (or `BENCH_WRITE=1`) also replaces the
 *   "## Servers" section of bench/RESULTS.md and writes bench/results.svg and bench/results.json;
 * - `BENCH_RENDER=bench/results.json` re-renders saved results without measuring.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { renderChart, renderSection, type Meta, type Row, type RunResult } from './report.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BENCH = fileURLToPath(new URL('.', import.meta.url))
const SERVER_CORE = '0'
const WRK_CORE = '1'

function envNumber(name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}
function envList(name: string): string[] | null {
  const value = process.env[name]
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : null
}

const SECONDS = envNumber('BENCH_SECONDS', 5)
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 3)
const RUNS = envNumber('BENCH_RUNS', 3)
/** Before each server start, wait up to this long for the machine to be idle. */
const QUIET_WAIT_SECONDS = envNumber('BENCH_QUIET_WAIT_SECONDS', 60)
/** Idle enough: less than this share of one core busy over a second. */
const QUIET_SHARE = 0.1

// ---- Servers and scenarios --------------------------------------------------------------

type RuntimeName = 'node' | 'deno' | 'bun'
interface ServerDef {
  name: string
  runtime: RuntimeName
  /** Raw TCP servers answer the GET scenarios only. */
  raw?: boolean
}

/** Table order: each runtime's Portico first, then its peers, then its raw ceiling. */
const SERVERS: ServerDef[] = [
  { name: 'portico-node', runtime: 'node' },
  { name: 'portico-node-otel', runtime: 'node' },
  { name: 'node-http', runtime: 'node' },
  { name: 'hono-node', runtime: 'node' },
  { name: 'srvx-node', runtime: 'node' },
  { name: 'raw-node', runtime: 'node', raw: true },
  { name: 'portico-deno', runtime: 'deno' },
  { name: 'portico-deno-otel', runtime: 'deno' },
  { name: 'deno-serve', runtime: 'deno' },
  { name: 'raw-deno', runtime: 'deno', raw: true },
  { name: 'portico-bun', runtime: 'bun' },
  { name: 'portico-bun-otel', runtime: 'bun' },
  { name: 'bun-serve', runtime: 'bun' },
  { name: 'raw-bun', runtime: 'bun', raw: true },
]

interface Scenario {
  id: 'get' | 'post' | 'close' | 'stream'
  title: string
  path: string
  connections: number
  script: string
  headers: string[]
  /** What a correct response body is, checked once per server start before loading. */
  expect: (body: Uint8Array) => boolean
  rawToo: boolean
}

const decoder = new TextDecoder()
const isHello = (body: Uint8Array): boolean => decoder.decode(body) === 'Hello, World!'
const SCENARIOS: Scenario[] = [
  { id: 'get', title: 'GET / keep-alive (`Hello, World!`, 64 connections)', path: '/', connections: 64,
    script: 'wrk-report.lua', headers: [], expect: isHello, rawToo: true },
  { id: 'post', title: 'POST /post, 4 KiB body read fully, length answered (64 connections)', path: '/post',
    connections: 64, script: 'post-4k.lua', headers: [], expect: (b) => decoder.decode(b) === '4096', rawToo: false },
  { id: 'close', title: 'GET / with `Connection: close` (a new connection per request, 64 connections)', path: '/',
    connections: 64, script: 'wrk-report.lua', headers: ['-H', 'Connection: close'], expect: isHello, rawToo: true },
  { id: 'stream', title: 'GET /stream, 1 MiB as 16 × 64 KiB stream chunks (16 connections)', path: '/stream',
    connections: 16, script: 'wrk-report.lua', headers: [], expect: (b) => b.length === 1 << 20, rawToo: false },
]

const DENO = `${ROOT}node_modules/.bin/deno`
const BUN = `${ROOT}node_modules/.bin/bun`

/** The server process itself (no npx or tsx wrapper), so its /proc entry is the server's. */
function command(def: ServerDef): string[] {
  const file = `bench/servers/${def.name}.ts`
  if (def.runtime === 'node') return [process.execPath, '--import', 'tsx', file]
  if (def.runtime === 'deno') return [DENO, 'run', '-A', file]
  return [BUN, 'run', file]
}

// ---- Tools ------------------------------------------------------------------------------

function sh(script: string): { ok: boolean; out: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' })
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() }
}

function ensureWrk(): void {
  if (sh('command -v wrk').ok) return
  console.error('wrk is missing; installing it with apt-get…')
  const sudo = process.getuid?.() === 0 ? '' : 'sudo '
  const install = spawnSync('sh', ['-c', `${sudo}apt-get update && ${sudo}apt-get install -y wrk`], { stdio: 'inherit' })
  if (install.status !== 0 || !sh('command -v wrk').ok) throw new Error('could not install wrk (apt-get install wrk)')
}

const CLK_TCK = Number(sh('getconf CLK_TCK').out) || 100

/** utime + stime of every thread of `pid`, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 (state)
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Peak resident set size of `pid` in MB (VmHWM, kB in /proc). */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? (Number(match[1]) * 1024) / 1e6 : NaN
}

/** Busy seconds of the whole machine so far (all cores; /proc/stat minus idle and iowait). */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  return fields.reduce((sum, n) => sum + n, 0) / CLK_TCK - (fields[3]! + fields[4]!) / CLK_TCK
}

/**
 * Waits (up to `QUIET_WAIT_SECONDS`) until the machine is idle, so that another workload on the
 * same cores does not slow a run; returns the share of one core that was busy at the last look.
 */
async function waitForQuiet(): Promise<number> {
  const deadline = Date.now() + QUIET_WAIT_SECONDS * 1000
  for (;;) {
    const before = machineBusySeconds()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const busy = machineBusySeconds() - before
    if (busy < QUIET_SHARE || Date.now() > deadline) return busy
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

// ---- One server process -------------------------------------------------------------------

interface Running {
  child: ChildProcess
  pid: number
  port: number
  log: () => string
}

async function start(def: ServerDef): Promise<Running> {
  const port = await freePort()
  const [cmd, ...args] = command(def)
  // taskset execs the server in place: the child's pid is the server's.
  const child = spawn('taskset', ['-c', SERVER_CORE, cmd!, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s))
  const deadline = Date.now() + 30_000
  while (!output.includes(`LISTENING ${port}`)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${def.name} exited:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${def.name} did not listen within 30 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, pid: child.pid!, port, log: () => output }
}

async function stop(server: Running): Promise<void> {
  const { child } = server
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function check(server: Running, scenario: Scenario): Promise<string | null> {
  const url = `http://127.0.0.1:${server.port}${scenario.path}`
  const init: RequestInit = scenario.id === 'post' ? { method: 'POST', body: new Uint8Array(4096) } : {}
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
    const body = new Uint8Array(await response.arrayBuffer())
    if (response.status !== 200 || !scenario.expect(body)) return `status ${response.status}, ${body.length} bytes`
    return null
  } catch (error) {
    return String(error)
  }
}

// ---- wrk --------------------------------------------------------------------------------

interface WrkJson {
  requests: number
  bytes: number
  durationUs: number
  connect: number
  read: number
  write: number
  status: number
  timeout: number
  p50Us: number
  p99Us: number
}

/** wrk's own CPU time comes from the waiting shell's cutime + cstime (/proc/<sh>/stat fields 16, 17). */
const WRK_WRAPPER = 'wrk "$@"; rc=$?; echo "WRK_CPU $(cut -d" " -f16,17 /proc/$$/stat)"; exit $rc'

async function wrk(port: number, scenario: Scenario, seconds: number): Promise<{ json: WrkJson; cpu: number; text: string }> {
  const args = ['-c', WRK_CORE, 'sh', '-c', WRK_WRAPPER, 'sh', '-t1', `-c${scenario.connections}`, `-d${seconds}s`, '--timeout', '5s',
    '-s', `${BENCH}${scenario.script}`, ...scenario.headers, `http://127.0.0.1:${port}${scenario.path}`]
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (text += s))
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000) // bounded in time
  const [code] = await once(child, 'exit')
  clearTimeout(timer)
  const line = /^WRK_JSON (.*)$/m.exec(text)
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${text}`)
  const ticks = /^WRK_CPU (\d+) (\d+)$/m.exec(text)
  const cpu = ticks ? (Number(ticks[1]) + Number(ticks[2])) / CLK_TCK : NaN
  return { json: JSON.parse(line[1]!) as WrkJson, cpu, text }
}

function errorsOf(json: WrkJson): string {
  const parts = (['connect', 'read', 'write', 'timeout', 'status'] as const)
    .filter((k) => json[k] > 0)
    .map((k) => `${k === 'status' ? 'non-2xx/3xx' : `${k} errors`} ${json[k]}`)
  return parts.join(', ')
}

async function measure(def: ServerDef, scenario: Scenario): Promise<Row> {
  const row: Row = { server: def.name, runtime: def.runtime, raw: def.raw === true, scenario: scenario.id, runs: [], rssMb: NaN, notes: [] }
  const busy = await waitForQuiet()
  if (busy >= QUIET_SHARE) console.error(`  machine still busy (${Math.round(busy * 100)}% of a core) after ${QUIET_WAIT_SECONDS} s`)
  const server = await start(def)
  try {
    const problem = await check(server, scenario)
    if (problem !== null) {
      row.notes.push(`wrong response before load: ${problem}`)
      return row
    }
    const warm = await wrk(server.port, scenario, WARMUP_SECONDS)
    const warmErrors = errorsOf(warm.json)
    if (warmErrors) row.notes.push(`warm-up: ${warmErrors}`)
    for (let i = 0; i < RUNS; i++) {
      const cpu0 = cpuSeconds(server.pid)
      const busy0 = machineBusySeconds()
      const { json, cpu: wrkCpu } = await wrk(server.port, scenario, SECONDS)
      const cpu = cpuSeconds(server.pid) - cpu0
      const busy = machineBusySeconds() - busy0
      const seconds = json.durationUs / 1e6
      const run: RunResult = {
        rps: json.requests / seconds,
        mbps: json.bytes / json.durationUs,
        cpuUsPerRequest: (cpu * 1e6) / json.requests,
        cpuShare: cpu / seconds,
        wrkShare: wrkCpu / seconds,
        // wrk's wall time covers its run only; the machine's also our /proc reads and wrk's startup.
        otherShare: Math.max(0, busy - cpu - wrkCpu) / seconds,
        p99Ms: json.p99Us / 1000,
        errors: errorsOf(json),
      }
      if (run.errors) row.notes.push(`run ${i + 1}: ${run.errors}`)
      row.runs.push(run)
      console.error(
        `  ${def.name} ${scenario.id} run ${i + 1}: ${Math.round(run.rps)} req/s, ${run.cpuUsPerRequest.toFixed(1)} µs CPU/req,` +
          ` CPU ${(run.cpuShare * 100).toFixed(0)}%, wrk ${(run.wrkShare * 100).toFixed(0)}%, other ${(run.otherShare * 100).toFixed(0)}%${run.errors ? `, ${run.errors}` : ''}`,
      )
    }
    row.rssMb = peakRssMb(server.pid)
    if (server.child.exitCode !== null) row.notes.push(`server exited during the run:\n${server.log()}`)
  } catch (error) {
    row.notes.push(error instanceof Error ? error.message : String(error))
  } finally {
    await stop(server)
  }
  return row
}

// ---- Main -------------------------------------------------------------------------------

function firstLine(script: string): string {
  return sh(script).out.split('\n')[0] ?? '?'
}
function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version
}

const only = envList('BENCH_ONLY')
const onlyScenarios = envList('BENCH_SCENARIOS')
const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id))
const write = process.env.BENCH_WRITE === '1' || (!only && !onlyScenarios)
let rows: Row[]
let meta: Meta
if (process.env.BENCH_RENDER) {
  // Re-render saved results (bench/results.json) without measuring again.
  ;({ rows, meta } = JSON.parse(readFileSync(process.env.BENCH_RENDER, 'utf8')) as { rows: Row[]; meta: Meta })
} else {
  ensureWrk()
  // Node runs Portico from the npm build, as its users do: under tsx every function of the
  // .ts sources gets esbuild's keepNames wrapper, a cost no installed package has.
  if (!sh('npm run build --silent').ok) throw new Error('npm run build failed')
  if (!sh('command -v taskset').ok) throw new Error('taskset (util-linux) is needed to pin server and wrk to cores')
  if (cpus().length < 2) throw new Error('needs 2 cores: server on core 0, wrk on core 1')
  for (const name of only ?? []) if (!SERVERS.some((s) => s.name === name)) throw new Error(`unknown server ${name}`)
  const servers = SERVERS.filter((s) => !only || only.includes(s.name))
  const loadBefore = loadavg()
  rows = []
  for (const scenario of scenarios) {
    for (const def of servers) {
      if (def.raw && !scenario.rawToo) continue
      console.error(`measuring ${def.name} · ${scenario.id}…`)
      const row = await measure(def, scenario)
      for (const note of row.notes) console.error(`  ! ${def.name} ${scenario.id}: ${note}`)
      rows.push(row)
    }
  }
  const loadAfter = loadavg()
  const dirty = sh('git status --porcelain core runtimes').out
  meta = {
    date: new Date().toISOString().slice(0, 10),
    cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU',
    cores: cpus().length,
    versions: [
      `Node ${process.version}`,
      firstLine(`${DENO} --version`).replace('deno ', 'Deno '),
      `Bun ${firstLine(`${BUN} --version`)}`,
      firstLine('wrk -v 2>&1'),
      `hono ${packageVersion('hono')}`,
      `@hono/node-server ${packageVersion('@hono/node-server')}`,
      `srvx ${packageVersion('srvx')}`,
    ],
    commit: `${sh('git rev-parse --short HEAD').out}${dirty ? ' with uncommitted changes in core/ or runtimes/' : ''}`,
    load: [loadBefore, loadAfter],
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    runs: RUNS,
  }
}
const section = renderSection(rows, scenarios, meta)
console.log(section)

if (write) {
  const path = `${BENCH}RESULTS.md`
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n'
  const re = /^## Servers\n[\s\S]*?(?=^## |(?![\s\S]))/m
  const updated = re.test(old) ? old.replace(re, section + '\n') : old.trimEnd() + '\n\n' + section
  writeFileSync(path, updated)
  writeFileSync(`${BENCH}results.svg`, renderChart(rows))
  if (!process.env.BENCH_RENDER) writeFileSync(`${BENCH}results.json`, JSON.stringify({ meta, rows }, null, 1) + '\n')
  console.error('wrote bench/RESULTS.md (## Servers), bench/results.svg and bench/results.json')
}
