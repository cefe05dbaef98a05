/**
 * WebSocket echo throughput: Portico on Node, Deno and Bun against each runtime's own
 * WebSocket server (the `ws` package on node:http, Deno.upgradeWebSocket on Deno.serve,
 * Bun.serve's native `websocket`), under bench/ws-load.ts. Run with `npm run bench:ws`, by
 * hand, never in CI: about 6 minutes, on a quiet machine with at least 2 cores.
 *
 * Same method as the HTTP benchmark (bench/run.ts): each server runs pinned to core 0
 * (`taskset -c 0`) and the load generator to core 1, both on 127.0.0.1. Per server and
 * scenario: a fresh server process, an echo check (bench/ws-load.ts --check), one warm-up
 * run, then `BENCH_RUNS` measured runs; reports the median messages/s, the spread, the
 * server's peak RSS (VmHWM) and its CPU time per message (utime + stime of all its threads
 * from /proc over the generator's measured interval), the generator's CPU and the rest of
 * the machine's ("other CPU").
 *
 * Environment:
 * - `BENCH_SECONDS` per measured run (default 5), `BENCH_WARMUP_SECONDS` (2), `BENCH_RUNS` (3);
 * - `BENCH_ONLY=portico-node,node-ws` and `BENCH_SCENARIOS=text-64,text-256,binary-64k` filter;
 * - `WS_LOADGEN=node|bun`: the runtime the generator runs under (default node: as fast as under
 *   Bun per message, see RESULTS.md);
 * - `WS_WINDOW_TEXT` (default 16), `WS_WINDOW_BINARY` (default 4): messages in flight per connection;
 * - a filtered run prints its tables only; a full run (or `BENCH_WRITE=1`) also replaces the
 *   "## WebSockets" section of bench/RESULTS.md and writes bench/ws-results.json;
 * - `BENCH_RENDER=bench/ws-results.json` re-renders saved results without measuring.
 * @module
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import {
  BENCH, BUN, DENO, envList, envNumber, firstLine, LOAD_CORE, machineInfo, packageVersion, requirePinning, ROOT, sh,
  startServer, stopServer, type RunningServer, type RuntimeName,
} from './pinned-process.ts'
import { cpuSeconds, machineBusySeconds, peakRssMb, waitForQuiet } from './proc-stats.ts'
import { writeResultsSection } from './results-file.ts'
import { command, SERVERS, type ServerDef } from './ws-servers.ts'

const SECONDS = envNumber('BENCH_SECONDS', 5)
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 2)
const RUNS = envNumber('BENCH_RUNS', 3)
const QUIET_WAIT_SECONDS = envNumber('BENCH_QUIET_WAIT_SECONDS', 60)
const LOADGEN = process.env.WS_LOADGEN === 'bun' ? 'bun' : 'node'
const WINDOW_TEXT = envNumber('WS_WINDOW_TEXT', 16)
const WINDOW_BINARY = envNumber('WS_WINDOW_BINARY', 4)

// ---- Servers and scenarios ------------------------------------------------------------------

interface Scenario {
  id: string
  title: string
  connections: number
  size: number
  binary: boolean
  window: number
}

const SCENARIOS: Scenario[] = [
  { id: 'text-64', title: `32-byte text echo, 64 connections × ${WINDOW_TEXT} in flight`, connections: 64, size: 32, binary: false, window: WINDOW_TEXT },
  { id: 'text-256', title: `32-byte text echo, 256 connections × ${WINDOW_TEXT} in flight`, connections: 256, size: 32, binary: false, window: WINDOW_TEXT },
  { id: 'binary-64k', title: `64 KiB binary echo, 16 connections × ${WINDOW_BINARY} in flight`, connections: 16, size: 65536, binary: true, window: WINDOW_BINARY },
]

function loadCommand(): string[] {
  return LOADGEN === 'bun' ? [BUN, 'run', 'bench/ws-load.ts'] : [process.execPath, '--import', 'tsx', 'bench/ws-load.ts']
}

// ---- The load generator -------------------------------------------------------------------------

interface LoadJson {
  messages: number
  bytes: number
  durationUs: number
  cpuUs: number
  cpuUserUs: number
  connections: number
  failedConnections: number
  errors: string[]
  errorCount: number
  runtime: string
}

/**
 * One generator process on core 1. `hooks.start` runs when it prints WSLOAD_START (its measured
 * interval begins), `hooks.result` when its result line arrives (the interval has ended).
 */
async function runLoad(
  port: number,
  args: string[],
  seconds: number,
  hooks: { start?: () => void; result?: () => void } = {},
): Promise<{ json: LoadJson | null; text: string }> {
  const [cmd, ...rest] = loadCommand()
  const child = spawn('taskset', ['-c', LOAD_CORE, cmd!, ...rest, '--port', String(port), '--seconds', String(seconds), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  let started = false
  let json: LoadJson | null = null
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    text += s
    if (!started && text.includes('WSLOAD_START')) {
      started = true
      hooks.start?.()
    }
    const line = json === null ? /^WSLOAD_JSON (.*)$/m.exec(text) : null
    if (line) {
      hooks.result?.()
      json = JSON.parse(line[1]!) as LoadJson
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (text += s))
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 40) * 1000) // bounded in time
  const [code] = await once(child, 'exit')
  clearTimeout(timer)
  if (code !== 0 && json === null) throw new Error(`ws-load failed (exit ${code}):\n${text}`)
  return { json, text }
}

/** One measured run: the server's CPU and the machine's, sampled when the generator starts and stops. */
interface RunResult {
  messagesPerSecond: number
  /** Echoed payload bytes per µs = MB/s (MB = 10⁶ bytes), one direction. */
  mbps: number
  cpuUsPerMessage: number
  cpuShare: number
  /** The part of `cpuShare` spent in the kernel (stime): syscalls and loopback TCP. */
  cpuSystemShare: number
  loadShare: number
  loadSystemShare: number
  otherShare: number
  errors: string
}

interface Row {
  server: string
  runtime: RuntimeName
  scenario: string
  runs: RunResult[]
  rssMb: number
  notes: string[]
}

async function measured(server: RunningServer, scenario: Scenario): Promise<RunResult> {
  let cpu0 = { user: 0, system: 0 }
  let busy0 = 0
  let cpu1 = { user: 0, system: 0 }
  let busy1 = 0
  const args = scenarioArgs(scenario)
  // The server's and the machine's CPU are sampled at the generator's START and JSON lines, so
  // they cover its measured interval only (not its startup, not the handshakes).
  const { json, text } = await runLoad(server.port, args, SECONDS, {
    start: () => {
      cpu0 = cpuSeconds(server.pid)
      busy0 = machineBusySeconds()
    },
    result: () => {
      cpu1 = cpuSeconds(server.pid)
      busy1 = machineBusySeconds()
    },
  })
  if (json === null) throw new Error(`ws-load printed no result:\n${text}`)
  const seconds = json.durationUs / 1e6
  const cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system
  const load = json.cpuUs / 1e6
  const errors = [
    json.failedConnections > 0 ? `${json.failedConnections} connections failed` : '',
    json.errorCount > 0 ? `${json.errorCount} errors (${json.errors.join('; ')})` : '',
  ].filter(Boolean).join(', ')
  return {
    messagesPerSecond: json.messages / seconds,
    mbps: json.bytes / json.durationUs,
    cpuUsPerMessage: (cpu * 1e6) / json.messages,
    cpuShare: cpu / seconds,
    cpuSystemShare: (cpu1.system - cpu0.system) / seconds,
    loadShare: load / seconds,
    loadSystemShare: (json.cpuUs - json.cpuUserUs) / 1e6 / seconds,
    otherShare: Math.max(0, busy1 - busy0 - cpu - load) / seconds,
    errors,
  }
}

function scenarioArgs(scenario: Scenario): string[] {
  return ['--connections', String(scenario.connections), '--size', String(scenario.size), '--window', String(scenario.window),
    ...(scenario.binary ? ['--binary'] : [])]
}

async function measure(def: ServerDef, scenario: Scenario): Promise<Row> {
  const row: Row = { server: def.name, runtime: def.runtime, scenario: scenario.id, runs: [], rssMb: NaN, notes: [] }
  await waitForQuiet(QUIET_WAIT_SECONDS)
  const server = await startServer(def.name, command(def))
  try {
    const checked = await runLoad(server.port, ['--check'], 10)
    if (!checked.text.includes('WSLOAD_CHECK ok')) {
      row.notes.push(`echo check failed: ${checked.text.trim()}`)
      return row
    }
    const warm = await runLoad(server.port, scenarioArgs(scenario), WARMUP_SECONDS)
    if (warm.json && (warm.json.errorCount > 0 || warm.json.failedConnections > 0)) {
      row.notes.push(`warm-up: ${warm.json.failedConnections} failed connections, ${warm.json.errors.join('; ')}`)
    }
    for (let i = 0; i < RUNS; i++) {
      const run = await measured(server, scenario)
      if (run.errors) row.notes.push(`run ${i + 1}: ${run.errors}`)
      row.runs.push(run)
      console.error(
        `  ${def.name} ${scenario.id} run ${i + 1}: ${Math.round(run.messagesPerSecond)} msg/s, ${run.mbps.toFixed(1)} MB/s,` +
          ` ${run.cpuUsPerMessage.toFixed(2)} µs CPU/msg, server ${pct(run.cpuShare)} (sys ${pct(run.cpuSystemShare)}),` +
          ` load ${pct(run.loadShare)} (sys ${pct(run.loadSystemShare)}), other ${(run.otherShare * 100).toFixed(0)}%${run.errors ? `, ${run.errors}` : ''}`,
      )
    }
    row.rssMb = peakRssMb(server.pid)
    if (server.child.exitCode !== null) row.notes.push(`server exited during the run:\n${server.log()}`)
  } catch (error) {
    row.notes.push(error instanceof Error ? error.message : String(error))
  } finally {
    await stopServer(server)
  }
  return row
}

// ---- Report ---------------------------------------------------------------------------------------

interface Meta {
  date: string
  cpu: string
  cores: number
  versions: string[]
  loadgen: string
  commit: string
  load: [number[], number[]]
  seconds: number
  warmupSeconds: number
  runs: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
/** The run with the median messages/s: its other figures go in the table with it. */
function medianRun(row: Row): RunResult | null {
  if (row.runs.length === 0) return null
  const m = median(row.runs.map((r) => r.messagesPerSecond))
  return row.runs.reduce((best, r) => (Math.abs(r.messagesPerSecond - m) < Math.abs(best.messagesPerSecond - m) ? r : best))
}
/** ±half the min–max range of messages/s, in % of the median. */
function spreadOf(row: Row): number {
  const rates = row.runs.map((r) => r.messagesPerSecond)
  return ((Math.max(...rates) - Math.min(...rates)) / 2 / median(rates)) * 100
}
const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const pct = (n: number): string => `${Math.round(n * 100)}%`

/** What limits a run: the core that was full. */
function boundBy(run: RunResult): string {
  if (run.loadShare >= 0.9 && run.cpuShare >= 0.9) return 'both cores full †'
  if (run.loadShare >= 0.9) return 'load generator †'
  if (run.cpuShare >= 0.9) return 'server CPU'
  return 'neither core full'
}

function ratioCell(row: Row, rows: Row[], def: ServerDef | undefined): string {
  if (!def?.peer) return ''
  const peer = rows.find((r) => r.server === def.peer!.name && r.scenario === row.scenario)
  const ours = medianRun(row)
  const theirs = peer ? medianRun(peer) : null
  if (!ours || !theirs) return ''
  const rate = ours.messagesPerSecond / theirs.messagesPerSecond
  const cpu = theirs.cpuUsPerMessage / ours.cpuUsPerMessage
  return `${rate.toFixed(2)}× ${def.peer.name} (CPU ${cpu.toFixed(2)}×)`
}

function renderWsSection(rows: Row[], scenarios: Scenario[], meta: Meta): string {
  const out: string[] = []
  const [before, after] = meta.load
  const fmt = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ')
  out.push(`${meta.date}, ${meta.cpu} (${meta.cores} cores), ${meta.versions.join(', ')}. Portico at ${meta.commit}.`)
  out.push(`Load average (1 / 5 / 15 min): ${fmt(before)} before, ${fmt(after)} after.`)
  out.push('')
  out.push(`\`npm run bench:ws\` (bench/ws.ts): each server in a fresh process pinned to core 0 (\`taskset -c 0\`), loaded from
core 1 by bench/ws-load.ts under ${meta.loadgen} over 127.0.0.1. Per server and scenario: an echo check (a fragmented
UTF-8 text and a 70,000-byte binary message must come back byte for byte), one ${meta.warmupSeconds} s warm-up, then ${meta.runs} runs of
${meta.seconds} s, each a new generator process with new connections. The generator keeps a fixed window of masked
frames in flight on every connection and sends one more per echo (see bench/ws-load.ts); messages/s counts echoes
received, MB/s their payload bytes (one direction, MB = 10⁶ bytes). The row shows the median run; spread is ±half
the min–max range of messages/s. Peak RSS is the server's VmHWM after its scenario (warm-up included). CPU µs/msg
is the server process's utime + stime (all threads, /proc/<pid>/stat) over the generator's measured interval
divided by the echoes; server CPU is that CPU time over the wall time (100% = core 0 busy), load gen CPU the
generator's own (process.cpuUsage over the same interval; 100% = core 1 busy); in parentheses the part of
each spent in the kernel (stime: socket syscalls and the loopback TCP work they do); other CPU the rest of the
machine's busy time (/proc/stat) in % of one core: kernel work not charged to either process, and other
programs (other engineers' test runs share this machine). Before each server start the runner waits (up to a
minute) for the machine to be idle.`)
  out.push('')
  out.push('Servers (bench/servers/ws-*.ts): ' + SERVERS.map((s) => `${s.name}: ${s.what}`).join('; ') + '.')
  out.push('')
  out.push(`† load-generator-bound: the generator used 90% of core 1 or more, so the server might have echoed more
than it was sent: its messages/s is a floor and CPU µs/msg is the figure to compare ("both cores full":
the server's core was full too).
‡ disturbed: other CPU at 20% of a core or more.
ratio vs peer: messages/s over the peer's, and in parentheses the peer's CPU µs/msg over ours (above 1 = we spend
less CPU per message).`)
  for (const scenario of scenarios) {
    const these = rows.filter((r) => r.scenario === scenario.id)
    if (these.length === 0) continue
    out.push('')
    out.push(`### ${scenario.title}`)
    out.push('')
    out.push('| server | runtime | messages/s (median) | MB/s | spread | peak RSS MB | CPU µs/msg | server CPU (kernel) | load gen CPU (kernel) | other CPU | bounded by | ratio vs peer |')
    out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |')
    for (const row of these) {
      const run = medianRun(row)
      if (!run) {
        out.push(`| ${row.server} | ${row.runtime} | failed | | | | | | | | | |`)
        continue
      }
      const spread = spreadOf(row)
      const disturbed = run.otherShare >= 0.2 ? ' ‡' : ''
      const def = SERVERS.find((s) => s.name === row.server)
      out.push(`| ${row.server} | ${row.runtime} | ${int(run.messagesPerSecond)}${run.loadShare >= 0.9 ? ' †' : ''}${disturbed} | ${run.mbps.toFixed(1)} |` +
        ` ±${spread.toFixed(1)}% | ${row.rssMb.toFixed(1)} | ${run.cpuUsPerMessage.toFixed(2)} | ${pct(run.cpuShare)} (${pct(run.cpuSystemShare)}) |` +
        ` ${pct(run.loadShare)} (${pct(run.loadSystemShare)}) | ${pct(run.otherShare)} | ${boundBy(run)} | ${ratioCell(row, rows, def)} |`)
    }
    const notes = these.flatMap((r) => r.notes.map((n) => `- ${r.server}: ${n.split('\n')[0]}`))
    if (notes.length > 0) out.push('', 'Errors and failures:', ...notes)
  }
  // Goals of issue 12: at least the peer's figure on Node and Deno, at least 0.7× Bun.serve on Bun.
  const goals: string[] = []
  for (const def of SERVERS.filter((s) => s.peer)) {
    for (const scenario of scenarios) {
      const ours = rows.find((r) => r.server === def.name && r.scenario === scenario.id)
      const peer = rows.find((r) => r.server === def.peer!.name && r.scenario === scenario.id)
      const a = ours && medianRun(ours)
      const b = peer && medianRun(peer)
      if (!a || !b) continue
      const rate = a.messagesPerSecond / b.messagesPerSecond
      const cpu = b.cpuUsPerMessage / a.cpuUsPerMessage
      const floor = b.loadShare >= 0.9 ? ` (${def.peer!.name} load-generator-bound: its figure is a floor)` : ''
      const unstable = spreadOf(peer!) > 15 ? ` (${def.peer!.name}'s runs spread ±${spreadOf(peer!).toFixed(0)}%)` : ''
      goals.push(`| ${def.runtime}: ≥ ${def.peer!.goal}× ${def.peer!.name} | ${scenario.id} | ${rate.toFixed(2)}× messages/s, ${cpu.toFixed(2)}× CPU/msg${floor}${unstable} | ${rate >= def.peer!.goal ? 'yes' : 'no'} |`)
    }
  }
  if (goals.length > 0) {
    out.push('', '### Goals (issue 12)', '', '| goal | scenario | measured | met? |', '| --- | --- | --- | --- |', ...goals)
  }
  return out.join('\n') + '\n'
}

// ---- Main ----------------------------------------------------------------------------------------

/** Hand-written notes below this line in the section are kept when the runner rewrites it. */
const KEEP_MARK = '<!-- bench/ws.ts keeps what follows when it rewrites this section -->'
const HEADING = '## WebSockets'

const only = envList('BENCH_ONLY')
const onlyScenarios = envList('BENCH_SCENARIOS')
const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id))
const write = process.env.BENCH_WRITE === '1' || (!only && !onlyScenarios)
let rows: Row[]
let meta: Meta
if (process.env.BENCH_RENDER) {
  ;({ rows, meta } = JSON.parse(readFileSync(process.env.BENCH_RENDER, 'utf8')) as { rows: Row[]; meta: Meta })
} else {
  for (const name of only ?? []) if (!SERVERS.some((s) => s.name === name)) throw new Error(`unknown server ${name}`)
  for (const id of onlyScenarios ?? []) if (!SCENARIOS.some((s) => s.id === id)) throw new Error(`unknown scenario ${id}`)
  requirePinning()
  if (!existsSync(`${ROOT}node_modules/ws/package.json`)) throw new Error('the ws package is missing: npm install')
  // Node runs Portico from the npm build, as its users do (see bench/run.ts).
  if (!sh('npm run build --silent').ok) throw new Error('npm run build failed')
  const servers = SERVERS.filter((s) => !only || only.includes(s.name))
  const loadBefore = loadavg()
  rows = []
  for (const scenario of scenarios) {
    for (const def of servers) {
      console.error(`measuring ${def.name} · ${scenario.id}…`)
      const row = await measure(def, scenario)
      for (const note of row.notes) console.error(`  ! ${def.name} ${scenario.id}: ${note}`)
      rows.push(row)
    }
  }
  const { date, cpu, cores, commit, load: loadAfter } = machineInfo()
  const bunVersion = firstLine(`${BUN} --version`)
  meta = {
    date,
    cpu,
    cores,
    versions: [
      `Node ${process.version}`,
      firstLine(`${DENO} --version`).replace('deno ', 'Deno '),
      `Bun ${bunVersion}`,
      `ws ${packageVersion('ws')}`,
    ],
    loadgen: LOADGEN === 'bun' ? `Bun ${bunVersion}` : `Node ${process.version}`,
    commit,
    load: [loadBefore, loadAfter],
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    runs: RUNS,
  }
}
const section = renderWsSection(rows, scenarios, meta)
console.log(`${HEADING}\n\n${section}`)

if (write) {
  writeResultsSection(HEADING, section, KEEP_MARK)
  if (!process.env.BENCH_RENDER) writeFileSync(`${BENCH}ws-results.json`, JSON.stringify({ meta, rows }, null, 1) + '\n')
  console.error('wrote bench/RESULTS.md (## WebSockets) and bench/ws-results.json')
}
