/**
 * HTTP/2 throughput: Portico on Node, Deno and Bun against each runtime's own HTTP/2 server
 * (node:http2, Deno.serve, Bun.serve with `http2: true`), under h2load, over h2c (prior
 * knowledge) and TLS (ALPN), in one run. Run with `npm run bench:h2`, by hand, never in CI: about
 * 12 minutes on a quiet machine with at least 2 cores; the goals are issue 14's (≥ 1.2×
 * node:http2, ≥ 0.8× Deno.serve).
 *
 * Same method as bench/run.ts (processes pinned by bench/pinned-process.ts, CPU read by
 * bench/proc-stats.ts): per server, transport and scenario a fresh server process pinned to
 * core 0, an HTTP/2 request checked for the right answer (bench/h2-check.ts), one warm-up, then
 * `BENCH_RUNS` runs of `h2load -D BENCH_SECONDS` pinned to core 1. A run whose h2load report
 * shows a wrong protocol, failures or wrong answers (bench/h2load.ts) voids the row: Portico's
 * then reads "pending server integration", never a bogus req/s.
 *
 * Environment:
 * - `BENCH_SECONDS` per measured run (default 5), `BENCH_WARMUP_SECONDS` (2), `BENCH_RUNS` (3);
 * - `BENCH_QUICK=1` (or `--quick`): 1 s runs, no warm-up, one run, no waiting for an idle
 *   machine; a check that the harness works, never written to RESULTS.md;
 * - `BENCH_ONLY=node-http2,deno-serve`, `BENCH_SCENARIOS=get,post,streams`, `BENCH_TRANSPORTS=h2c,tls` filter;
 * - a full run (or `BENCH_WRITE=1`) replaces the "## HTTP/2" section of bench/RESULTS.md (keeping
 *   hand-written notes below its mark) and writes bench/h2-results.json; a filtered or quick run
 *   prints the section only;
 * - `BENCH_RENDER=bench/h2-results.json` re-renders saved results without measuring.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkH2 } from './h2-check.ts'
import { renderH2Section, type H2Meta, type H2Row, type H2Run } from './h2-report.ts'
import { H2_SERVERS, h2ServerLaunch, isPortico, type H2ServerDef } from './h2-servers.ts'
import { H2_SCENARIOS, h2loadCommand, parseH2load, problemsOf, type H2Scenario, type H2Transport } from './h2load.ts'
import {
  BENCH, BUN, DENO, ensureTool, envList, envNumber, firstLine, machineInfo, requirePinning, runLoadGenerator, sh, startServer,
  stopServer, type RunningServer,
} from './pinned-process.ts'
import { cpuTotalSeconds, machineBusySeconds, peakRssMb, waitForQuiet } from './proc-stats.ts'
import { writeResultsSection } from './results-file.ts'

const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick')
const SECONDS = envNumber('BENCH_SECONDS', QUICK ? 1 : 5)
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', QUICK ? 0 : 2)
const RUNS = envNumber('BENCH_RUNS', QUICK ? 1 : 3)
const QUIET_WAIT_SECONDS = envNumber('BENCH_QUIET_WAIT_SECONDS', QUICK ? 0 : 60)
/** Seconds h2load may take beyond its -D duration (connecting, TLS handshakes) before it is killed. */
const LOAD_GRACE_SECONDS = 20
const TRANSPORTS: H2Transport[] = ['h2c', 'tls']
const HEADING = '## HTTP/2'
/** Hand-written notes below this line in the section are kept when the runner rewrites it. */
const KEEP_MARK = '<!-- bench/h2.ts keeps what follows when it rewrites this section -->'

interface Load {
  run: H2Run | null
  problems: string[]
}

/** One h2load run of `seconds`, with the server's and the machine's CPU sampled around it. */
async function load(server: RunningServer, transport: H2Transport, scenario: H2Scenario, seconds: number, postFile: string): Promise<Load> {
  const cpu0 = cpuTotalSeconds(server.pid)
  const busy0 = machineBusySeconds()
  const command = h2loadCommand(server.port, transport, scenario, { seconds }, postFile)
  const { code, text, cpu: loadCpu } = await runLoadGenerator(command, seconds + LOAD_GRACE_SECONDS)
  const cpu = cpuTotalSeconds(server.pid) - cpu0
  const busy = machineBusySeconds() - busy0
  const report = parseH2load(text)
  const problems = problemsOf(report, transport, scenario, text)
  if (code !== 0) problems.unshift(`h2load exited with ${code}`)
  if (report === null || problems.length > 0) return { run: null, problems }
  return {
    run: {
      rps: report.succeeded / report.seconds,
      cpuUsPerRequest: (cpu * 1e6) / report.succeeded,
      cpuShare: cpu / report.seconds,
      loadShare: loadCpu / report.seconds,
      // h2load's measured time leaves out its start and connects; the machine's includes them.
      otherShare: Math.max(0, busy - cpu - loadCpu) / report.seconds,
      meanMs: report.meanMs,
    },
    problems,
  }
}

async function measure(def: H2ServerDef, transport: H2Transport, scenario: H2Scenario, postFile: string): Promise<H2Row> {
  const row: H2Row = { server: def.name, runtime: def.runtime, transport, scenario: scenario.id, portico: isPortico(def), runs: [], rssMb: NaN, problems: [] }
  await waitForQuiet(QUIET_WAIT_SECONDS)
  const { command, env } = h2ServerLaunch(def, transport)
  let server: RunningServer
  try {
    server = await startServer(def.name, command, env)
  } catch (error) {
    row.problems.push(error instanceof Error ? error.message : String(error))
    return row
  }
  try {
    const wrong = await checkH2(server.port, transport, scenario)
    if (wrong !== null) {
      row.problems.push(`HTTP/2 check: ${wrong}`)
      // Let h2load say it too, briefly: what a user of h2load would see.
      const probe = await load(server, transport, scenario, 1, postFile)
      row.problems.push(...probe.problems.map((p) => `h2load: ${p}`))
      return row
    }
    if (WARMUP_SECONDS > 0) {
      const warm = await load(server, transport, scenario, WARMUP_SECONDS, postFile)
      row.problems.push(...warm.problems.map((p) => `warm-up: ${p}`))
    }
    for (let i = 0; i < RUNS && row.problems.length === 0; i++) {
      const { run, problems } = await load(server, transport, scenario, SECONDS, postFile)
      row.problems.push(...problems.map((p) => `run ${i + 1}: ${p}`))
      if (run === null) break
      row.runs.push(run)
      console.error(`  ${def.name} ${transport} ${scenario.id} run ${i + 1}: ${Math.round(run.rps)} req/s, ${run.cpuUsPerRequest.toFixed(1)} µs CPU/req,` +
        ` server ${(run.cpuShare * 100).toFixed(0)}%, h2load ${(run.loadShare * 100).toFixed(0)}%, other ${(run.otherShare * 100).toFixed(0)}%`)
    }
    row.rssMb = peakRssMb(server.pid)
    if (server.child.exitCode !== null || server.child.signalCode !== null) row.problems.push(`server exited during the run:\n${server.log()}`)
  } catch (error) {
    row.problems.push(error instanceof Error ? error.message : String(error))
  } finally {
    await stopServer(server)
  }
  return row
}

function pick<T>(all: T[], key: (t: T) => string, env: string): T[] {
  const wanted = envList(env)
  for (const w of wanted ?? []) if (!all.some((t) => key(t) === w)) throw new Error(`${env}: unknown ${w}`)
  return all.filter((t) => !wanted || wanted.includes(key(t)))
}

const servers = pick(H2_SERVERS, (s) => s.name, 'BENCH_ONLY')
const scenarios = pick(H2_SCENARIOS, (s) => s.id, 'BENCH_SCENARIOS')
const transports = pick(TRANSPORTS.map((t) => ({ id: t })), (t) => t.id, 'BENCH_TRANSPORTS').map((t) => t.id)
const filtered = servers.length < H2_SERVERS.length || scenarios.length < H2_SCENARIOS.length || transports.length < TRANSPORTS.length
const write = process.env.BENCH_WRITE === '1' || (!QUICK && !filtered)

let rows: H2Row[]
let meta: H2Meta
if (process.env.BENCH_RENDER) {
  ;({ rows, meta } = JSON.parse(readFileSync(process.env.BENCH_RENDER, 'utf8')) as { rows: H2Row[]; meta: H2Meta })
} else {
  ensureTool('h2load', 'nghttp2-client')
  requirePinning()
  // Node runs Portico from the npm build, as its users do (see bench/run.ts).
  if (servers.some((s) => s.name === 'portico-node') && !sh('npm run build --silent').ok) throw new Error('npm run build failed')
  const scratch = mkdtempSync(join(tmpdir(), 'portico-h2bench-'))
  const postFile = join(scratch, 'post-4k.bin')
  writeFileSync(postFile, new Uint8Array(4096))
  const loadBefore = loadavg()
  const started = Date.now()
  rows = []
  try {
    for (const scenario of scenarios) {
      for (const transport of transports) {
        for (const def of servers) {
          console.error(`measuring ${def.name} · ${transport} · ${scenario.id}…`)
          const row = await measure(def, transport, scenario, postFile)
          for (const problem of row.problems) console.error(`  ! ${def.name} ${transport} ${scenario.id}: ${problem}`)
          rows.push(row)
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  console.error(`measured in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const { date, cpu, cores, commit, load: loadAfter } = machineInfo()
  meta = {
    date, cpu, cores, commit,
    versions: [`Node ${process.version}`, firstLine(`${DENO} --version`).replace('deno ', 'Deno '), `Bun ${firstLine(`${BUN} --version`)}`,
      firstLine('h2load --version')],
    load: [loadBefore, loadAfter],
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    runs: RUNS,
    quick: QUICK,
  }
}
const section = renderH2Section(rows, scenarios, servers, meta)
console.log(`${HEADING}\n\n${section}`)

if (write) {
  writeResultsSection(HEADING, section, KEEP_MARK)
  if (!process.env.BENCH_RENDER) writeFileSync(`${BENCH}h2-results.json`, JSON.stringify({ meta, rows }, null, 1) + '\n')
  console.error('wrote bench/RESULTS.md (## HTTP/2) and bench/h2-results.json')
}
