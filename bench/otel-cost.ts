/**
 * Where Portico's telemetry cost goes on one runtime: GET / keep-alive (64 connections) against
 * bench/servers/portico-<runtime>-otel-parts.ts with the SDK parts of each `OTEL_COST_VARIANTS`
 * entry (`;`-separated `OTEL_PARTS` values; see that server), interleaved round by round
 * (`OTEL_COST_ROUNDS`, default 3): a fresh pinned server per run, a 1 s warm-up, then
 * `OTEL_COST_SECONDS` (default 4) of wrk. Prints the server's CPU µs per request (utime +
 * stime from /proc, all threads, and the main thread's alone) and req/s per variant: the
 * lowest and the median over the rounds (on a shared machine, other load only adds CPU per
 * request, so the lowest is the least disturbed); a run that got no answer is left out.
 * Needs `npm run build` first (the server loads dist/). The server runs on this process's
 * Node binary, so another Node version is measured by running this file with it.
 * `OTEL_COST_TREES=/tmp/base,.` runs every variant in each of these checkouts (each built),
 * interleaved: an A/B of a change.
 *
 *     node --import tsx bench/otel-cost.ts
 * @module
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { BENCH, envNumber, runLoadGenerator, serverCommand, startServer, stopServer, type RuntimeName } from './pinned-process.ts'
import { CLK_TCK, cpuTotalSeconds } from './proc-stats.ts'

const RUNTIME = (process.env.OTEL_COST_RUNTIME ?? 'node') as RuntimeName
const VARIANTS = (process.env.OTEL_COST_VARIANTS ?? 'off;telemetry;telemetry,traces,metrics;telemetry,traces,metrics,context').split(';')
const ROUNDS = envNumber('OTEL_COST_ROUNDS', 3)
const SECONDS = envNumber('OTEL_COST_SECONDS', 4)

/** The main thread's utime + stime in seconds (/proc/<pid>/task/<pid>/stat, fields 14 and 15). */
function mainThreadSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

async function wrk(port: number, seconds: number): Promise<number> {
  const { code, text } = await runLoadGenerator(['wrk', '-t1', '-c64', `-d${seconds}s`, '--timeout', '5s', '-s', `${BENCH}wrk-report.lua`, `http://127.0.0.1:${port}/`], seconds + 20)
  const line = /^WRK_JSON (.*)$/m.exec(text)
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${text}`)
  const json = JSON.parse(line[1]!) as { requests: number; status: number; read: number }
  if (json.status > 0 || json.read > 0) throw new Error(`wrk saw errors: ${line[1]}`)
  return json.requests
}

interface Sample { total: number; main: number; rps: number }
const TREES = (process.env.OTEL_COST_TREES ?? '.').split(',')
const RUNS = TREES.flatMap((tree) => VARIANTS.map((variant) => ({ tree, variant, label: TREES.length > 1 ? `${tree} ${variant}` : variant })))
const samples = new Map<string, Sample[]>(RUNS.map((r) => [r.label, []]))
console.error(`load before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
for (let round = 1; round <= ROUNDS; round++) {
  for (const { tree, variant, label } of RUNS) {
    const server = await startServer(label, serverCommand(RUNTIME, resolve(tree, `bench/servers/portico-${RUNTIME}-otel-parts.ts`)), { OTEL_PARTS: variant })
    try {
      await wrk(server.port, 1)
      const cpu0 = cpuTotalSeconds(server.pid)
      const main0 = mainThreadSeconds(server.pid)
      const started = performance.now()
      const requests = await wrk(server.port, SECONDS)
      const seconds = (performance.now() - started) / 1000
      if (requests < 1000) {
        console.error(`round ${round} ${label}: ${requests} requests in ${seconds.toFixed(1)} s, left out (the machine stalled)`)
        continue
      }
      const sample = {
        total: ((cpuTotalSeconds(server.pid) - cpu0) * 1e6) / requests,
        main: ((mainThreadSeconds(server.pid) - main0) * 1e6) / requests,
        rps: requests / seconds,
      }
      samples.get(label)!.push(sample)
      console.error(`round ${round} ${label}: ${sample.total.toFixed(1)} µs/req (main thread ${sample.main.toFixed(1)}), ${Math.round(sample.rps)} req/s`)
    } finally {
      await stopServer(server)
    }
  }
}
console.error(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
const sorted = (values: number[]): number[] => values.sort((a, b) => a - b)
const lowest = (values: number[]): string => (values.length === 0 ? '–' : sorted(values)[0]!.toFixed(1))
const median = (values: number[]): string => (values.length === 0 ? '–' : sorted(values)[Math.floor((values.length - 1) / 2)]!.toFixed(1))
console.log(`Node ${process.version}`)
console.log('| OTEL_PARTS | CPU µs/req, lowest · median (all threads) | main thread, lowest | req/s, median | runs (all threads) |')
console.log('| --- | ---: | ---: | ---: | --- |')
for (const [variant, runs] of samples) {
  const rps = runs.length === 0 ? '–' : Math.round(Number(median(runs.map((s) => s.rps)))).toLocaleString('en')
  console.log(`| ${variant} | ${lowest(runs.map((s) => s.total))} · ${median(runs.map((s) => s.total))} | ${lowest(runs.map((s) => s.main))} | ${rps} | ${runs.map((s) => s.total.toFixed(1)).join(', ')} |`)
}
