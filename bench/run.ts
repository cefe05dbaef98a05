/**
 * Server throughput: Portico on Node, Deno and Bun against each runtime's own servers and the
 * raw socket floor, under wrk: keep-alive GET, 4 KiB POST, `Connection: close`, a streamed
 * 1 MiB, 16 requests pipelined per write, and a Hono app (bench/server-scenarios.ts). Run with
 * `npm run bench`, by hand, never in CI: it takes about 30 minutes and wants a quiet machine
 * with at least 2 cores. Each server runs pinned to core 0 and wrk (one thread)
 * to core 1, both on 127.0.0.1. Per server and scenario: a fresh server process, one warm-up
 * run, then `BENCH_RUNS` measured runs; reports the median req/s, the spread, the server's
 * peak RSS (VmHWM) and its CPU time per request (utime + stime from /proc, all threads); then
 * issue 13's goals, met or not, from those rows (bench/server-goals.ts).
 *
 * Environment:
 * - `BENCH_SECONDS` per measured run (default 5), `BENCH_WARMUP_SECONDS` (3), `BENCH_RUNS` (3);
 * - `BENCH_QUICK=1` (or `--quick`): 1 s runs after a 1 s warm-up, one run, no waiting for an
 *   idle machine; a check that the harness works, never written to RESULTS.md (its JSON and
 *   chart go to a temporary directory, printed at the end);
 * - `BENCH_ONLY=portico-node,node-http` and `BENCH_SCENARIOS=get,post,close,stream,pipeline,hono` filter;
 * - a filtered run prints its tables only; a full run (or `BENCH_WRITE=1`) also replaces the
 *   "## Servers" section of bench/RESULTS.md and writes bench/results.svg and bench/results.json;
 * - `BENCH_RENDER=bench/results.json` re-renders saved results without measuring.
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BENCH, BUN, DENO, ensureTool, envList, envNumber, firstLine, machineInfo, packageVersion, requirePinning, runLoadGenerator, serverCommand,
  sh, startServer, stopServer, type RunningServer,
} from './pinned-process.ts'
import { cpuTotalSeconds, machineBusySeconds, peakRssMb, waitForQuiet } from './proc-stats.ts'
import { renderSection } from './report.ts'
import { renderChart } from './results-chart.ts'
import { SCENARIOS, SERVERS, serverFile, type Scenario, type ServerDef } from './server-scenarios.ts'
import type { Meta, Row, RunResult } from './server-rows.ts'

const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick')
const SECONDS = envNumber('BENCH_SECONDS', QUICK ? 1 : 5)
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', QUICK ? 1 : 3)
const RUNS = envNumber('BENCH_RUNS', QUICK ? 1 : 3)
/** Before each server start, wait up to this long for the machine to be idle. */
const QUIET_WAIT_SECONDS = envNumber('BENCH_QUIET_WAIT_SECONDS', QUICK ? 0 : 60)

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

async function wrk(port: number, scenario: Scenario, seconds: number): Promise<{ json: WrkJson; cpu: number; text: string }> {
  const args = ['wrk', '-t1', `-c${scenario.connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', `${BENCH}${scenario.script}`,
    ...scenario.wrkOptions, `http://127.0.0.1:${port}${scenario.path}`, ...(scenario.scriptArgs.length ? ['--', ...scenario.scriptArgs] : [])]
  const { code, text, cpu } = await runLoadGenerator(args, seconds + 20) // bounded in time
  const line = /^WRK_JSON (.*)$/m.exec(text)
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${text}`)
  return { json: JSON.parse(line[1]!) as WrkJson, cpu, text }
}

function errorsOf(json: WrkJson): string {
  const parts = (['connect', 'read', 'write', 'timeout', 'status'] as const)
    .filter((k) => json[k] > 0)
    .map((k) => `${k === 'status' ? 'non-2xx/3xx' : `${k} errors`} ${json[k]}`)
  return parts.join(', ')
}

async function measure(def: ServerDef, file: string, scenario: Scenario): Promise<Row> {
  const row: Row = { server: def.name, runtime: def.runtime, raw: def.raw === true, scenario: scenario.id, runs: [], rssMb: NaN, notes: [] }
  await waitForQuiet(QUIET_WAIT_SECONDS)
  let server: RunningServer
  try {
    // The server process itself (no npx or tsx wrapper), so its /proc entry is the server's.
    server = await startServer(def.name, serverCommand(def.runtime, `bench/servers/${file}`))
  } catch (error) {
    row.notes.push(error instanceof Error ? error.message : String(error))
    return row
  }
  try {
    const problem = await scenario.check(server.port)
    if (problem !== null) {
      row.notes.push(`wrong response before load: ${problem}`)
      return row
    }
    if (WARMUP_SECONDS > 0) {
      const warm = await wrk(server.port, scenario, WARMUP_SECONDS)
      const warmErrors = errorsOf(warm.json)
      if (warmErrors) row.notes.push(`warm-up: ${warmErrors}`)
    }
    for (let i = 0; i < RUNS; i++) {
      const cpu0 = cpuTotalSeconds(server.pid)
      const busy0 = machineBusySeconds()
      const { json, cpu: wrkCpu } = await wrk(server.port, scenario, SECONDS)
      const cpu = cpuTotalSeconds(server.pid) - cpu0
      const busy = machineBusySeconds() - busy0
      const seconds = json.durationUs / 1e6
      if (json.requests === 0) {
        // No answer in the whole run: a stalled server (or machine), not a rate of zero.
        row.notes.push(`run ${i + 1}: no responses in ${seconds.toFixed(1)} s (server CPU ${cpu.toFixed(2)} s)${errorsOf(json) ? `, ${errorsOf(json)}` : ''}`)
        continue
      }
      const run: RunResult = {
        rps: json.requests / seconds,
        mbps: json.bytes / json.durationUs,
        cpuUsPerRequest: (cpu * 1e6) / json.requests,
        cpuShare: cpu / seconds,
        wrkShare: wrkCpu / seconds,
        // wrk's wall time covers its run only; the machine's also our /proc reads and wrk's startup.
        otherShare: Math.max(0, busy - cpu - wrkCpu) / seconds,
        // wrk reports a p99 of 0 when its histogram misses (seen in pipelined runs): unknown, not 0.
        p99Ms: json.p99Us > 0 ? json.p99Us / 1000 : NaN,
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
    await stopServer(server)
  }
  return row
}

// ---- Main -------------------------------------------------------------------------------

const only = envList('BENCH_ONLY')
const onlyScenarios = envList('BENCH_SCENARIOS')
const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id))
const write = process.env.BENCH_WRITE === '1' || (!QUICK && !only && !onlyScenarios)
let rows: Row[]
let meta: Meta
if (process.env.BENCH_RENDER) {
  // Re-render saved results (bench/results.json) without measuring again.
  ;({ rows, meta } = JSON.parse(readFileSync(process.env.BENCH_RENDER, 'utf8')) as { rows: Row[]; meta: Meta })
} else {
  ensureTool('wrk', 'wrk')
  // Node runs Portico from the npm build, as its users do: under tsx every function of the
  // .ts sources gets esbuild's keepNames wrapper, a cost no installed package has.
  if (!sh('npm run build --silent').ok) throw new Error('npm run build failed')
  requirePinning()
  for (const name of only ?? []) if (!SERVERS.some((s) => s.name === name)) throw new Error(`unknown server ${name}`)
  for (const id of onlyScenarios ?? []) if (!SCENARIOS.some((s) => s.id === id)) throw new Error(`unknown scenario ${id}`)
  const servers = SERVERS.filter((s) => !only || only.includes(s.name))
  const loadBefore = loadavg()
  const started = Date.now()
  rows = []
  for (const scenario of scenarios) {
    for (const def of servers) {
      const file = serverFile(def, scenario)
      if (file === null) continue
      console.error(`measuring ${def.name} · ${scenario.id}…`)
      const row = await measure(def, file, scenario)
      for (const note of row.notes) console.error(`  ! ${def.name} ${scenario.id}: ${note}`)
      rows.push(row)
    }
  }
  console.error(`measured in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const { date, cpu, cores, commit, load: loadAfter } = machineInfo()
  meta = {
    date,
    cpu,
    cores,
    versions: [
      `Node ${process.version}`,
      firstLine(`${DENO} --version`).replace('deno ', 'Deno '),
      `Bun ${firstLine(`${BUN} --version`)}`,
      firstLine('wrk -v 2>&1'),
      `hono ${packageVersion('hono')}`,
      `@hono/node-server ${packageVersion('@hono/node-server')}`,
      `srvx ${packageVersion('srvx')}`,
    ],
    commit,
    load: [loadBefore, loadAfter],
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    runs: RUNS,
    quick: QUICK,
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
} else if (!process.env.BENCH_RENDER) {
  // Not a measurement to keep, but its chart and rows can be looked at (and re-rendered).
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'))
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ meta, rows }, null, 1) + '\n')
  writeFileSync(join(dir, 'results.svg'), renderChart(rows))
  console.error(`RESULTS.md untouched; this run's rows and chart: ${dir}/results.json, ${dir}/results.svg`)
}
