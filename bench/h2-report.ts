/**
 * Renders the HTTP/2 benchmark (bench/h2.ts) as the "## HTTP/2" section of bench/RESULTS.md: one
 * table per scenario (both transports), the failures in words, and issue 14's goals. A row whose
 * checks or h2load runs failed shows no figures at all: "pending server integration" for
 * Portico (its HTTP/2 server has not landed or does not work yet), "failed" for a peer.
 * @module
 */
import type { H2Scenario, H2Transport } from './h2load.ts'
import type { H2ServerDef } from './h2-servers.ts'
import type { RuntimeName } from './pinned-process.ts'
import type { Meta } from './report.ts'

/** One measured h2load run against one server process. */
export interface H2Run {
  rps: number
  /** Server CPU time (utime + stime, all threads) over the run, per request. */
  cpuUsPerRequest: number
  /** Server CPU time / wall time: 1.0 = core 0 fully busy with the server. */
  cpuShare: number
  /** h2load's CPU time / wall time (one thread: 1.0 = core 1 busy with it). */
  loadShare: number
  /** The machine's busy time not spent in the server or h2load, per wall second. */
  otherShare: number
  meanMs: number
}

/** One server, one transport, one scenario. */
export interface H2Row {
  server: string
  runtime: RuntimeName
  transport: H2Transport
  scenario: string
  portico: boolean
  runs: H2Run[]
  rssMb: number
  /** Why the row has no figures (failed check, h2load errors); empty when it has. */
  problems: string[]
}

/** Where, when and how the numbers were taken (as for bench/run.ts), and whether in quick mode. */
export interface H2Meta extends Meta {
  quick: boolean
}

/** h2load at this share of its core or more set the pace. */
const LOAD_BUSY_SHARE = 0.9
/** Other work on the machine above this share of one core disturbed the run. */
const OTHER_SHARE = 0.2

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–')
const pct = (n: number): string => `${fixed(n * 100, 0)}%`

/** The run with the median req/s (its other figures go in the table with it), or null without figures. */
function medianRun(row: H2Row): H2Run | null {
  if (row.problems.length > 0 || row.runs.length === 0) return null
  const m = median(row.runs.map((r) => r.rps))
  return row.runs.reduce((best, r) => (Math.abs(r.rps - m) < Math.abs(best.rps - m) ? r : best))
}
/** ±half the min–max range of req/s in % of the median; '–' for a single run. */
function spreadCell(row: H2Row): string {
  const rates = row.runs.map((r) => r.rps)
  return rates.length < 2 ? '–' : `±${fixed(((Math.max(...rates) - Math.min(...rates)) / 2 / median(rates)) * 100)}%`
}

function peerRow(row: H2Row, rows: H2Row[], def: H2ServerDef | undefined): H2Row | undefined {
  return def?.peer && rows.find((r) => r.server === def.peer!.name && r.scenario === row.scenario && r.transport === row.transport)
}

function ratioCell(row: H2Row, rows: H2Row[], def: H2ServerDef | undefined): string {
  const peer = peerRow(row, rows, def)
  const ours = medianRun(row)
  const theirs = peer && medianRun(peer)
  if (!ours || !theirs) return ''
  return `${(ours.rps / theirs.rps).toFixed(2)}× ${peer!.server} (CPU ${(theirs.cpuUsPerRequest / ours.cpuUsPerRequest).toFixed(2)}×)`
}

function table(scenario: H2Scenario, rows: H2Row[], servers: H2ServerDef[]): string[] {
  const mine = rows.filter((r) => r.scenario === scenario.id)
  if (mine.length === 0) return []
  const lines = [
    `### ${scenario.title}`,
    '',
    '| server | transport | req/s (median) | spread | CPU µs/req | server CPU | h2load CPU | other CPU | mean ms | peak RSS MB | ratio vs peer |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  const failures: string[] = []
  for (const row of mine) {
    const run = medianRun(row)
    if (!run) {
      const label = row.portico ? 'pending server integration' : 'failed'
      lines.push(`| ${row.server} | ${row.transport} | ${label} | | | | | | | | |`)
      failures.push(`- ${row.server} (${row.transport}): ${row.problems.map((p) => p.split('\n')[0]).join('; ')}`)
      continue
    }
    const marks = (run.loadShare >= LOAD_BUSY_SHARE ? ' †' : '') + (run.otherShare >= OTHER_SHARE ? ' ‡' : '')
    const def = servers.find((s) => s.name === row.server)
    lines.push(`| ${row.server} | ${row.transport} | ${int(run.rps)}${marks} | ${spreadCell(row)} | ${fixed(run.cpuUsPerRequest)} |` +
      ` ${pct(run.cpuShare)} | ${pct(run.loadShare)} | ${pct(run.otherShare)} | ${fixed(run.meanMs, 2)} | ${fixed(row.rssMb)} | ${ratioCell(row, mine, def)} |`)
  }
  return [...lines, ...(failures.length ? ['', 'Without figures, and why:', ...failures] : []), '']
}

function goals(rows: H2Row[], scenarios: H2Scenario[], servers: H2ServerDef[]): string[] {
  const lines: string[] = []
  for (const def of servers.filter((s) => s.peer?.goal !== undefined)) {
    for (const scenario of scenarios) {
      for (const transport of ['h2c', 'tls'] as const) {
        const ours = rows.find((r) => r.server === def.name && r.scenario === scenario.id && r.transport === transport)
        const peer = ours && peerRow(ours, rows, def)
        if (!ours || !peer) continue
        const goal = `${def.runtime}: ≥ ${def.peer!.goal}× ${def.peer!.name}`
        const a = medianRun(ours)
        const b = medianRun(peer)
        if (!a) {
          lines.push(`| ${goal} | ${scenario.id} | ${transport} | pending server integration | – |`)
        } else if (!b) {
          lines.push(`| ${goal} | ${scenario.id} | ${transport} | ${def.peer!.name} failed | – |`)
        } else {
          const rate = a.rps / b.rps
          const floor = b.loadShare >= LOAD_BUSY_SHARE ? ` (${def.peer!.name} h2load-bound: its figure is a floor)` : ''
          lines.push(`| ${goal} | ${scenario.id} | ${transport} | ${rate.toFixed(2)}× req/s, ${(b.cpuUsPerRequest / a.cpuUsPerRequest).toFixed(2)}× CPU/req${floor} | ${rate >= def.peer!.goal! ? 'yes' : 'no'} |`)
        }
      }
    }
  }
  return lines.length ? ['### Goals (issue 14)', '', '| goal | scenario | transport | measured | met? |', '| --- | --- | --- | --- | --- |', ...lines, ''] : []
}

/** Why these figures are not final, if they are not: quick mode, or other work on the machine. */
function caveat(rows: H2Row[], meta: H2Meta): string[] {
  if (meta.quick) return ['**Quick mode (`BENCH_QUICK=1`): a check that the harness works, not a measurement.**', '']
  const runs = rows.flatMap((r) => r.runs)
  const busy = runs.filter((r) => r.otherShare >= OTHER_SHARE).length
  return busy > 0 ? [`**The machine was busy: other CPU at ${OTHER_SHARE * 100}% of a core or more in ${busy} of ${runs.length} runs (‡). Rerun on a quiet machine before taking these figures as final.**`, ''] : []
}

/** The body of the "## HTTP/2" section (without its heading). */
export function renderH2Section(rows: H2Row[], scenarios: H2Scenario[], servers: H2ServerDef[], meta: H2Meta): string {
  const load = (l: number[]): string => l.map((n) => n.toFixed(2)).join(' / ')
  return [
    `${meta.date}, ${meta.cpu} (${meta.cores} cores), ${meta.versions.join(', ')}. Portico at ${meta.commit}.`,
    `Load average (1 / 5 / 15 min): ${load(meta.load[0])} before, ${load(meta.load[1])} after.`,
    '',
    ...caveat(rows, meta),
    `\`npm run bench:h2\` (bench/h2.ts): each server in a fresh process per scenario and transport, pinned to core 0`,
    `(\`taskset -c 0\`), loaded by \`h2load -t1\` pinned to core 1 over 127.0.0.1: h2c is cleartext HTTP/2 with prior`,
    'knowledge, tls is HTTPS with the tests\' self-signed certificate where h2load offers only `h2` in ALPN (no',
    'fallback to HTTP/1.1). Before loading, one request of the scenario through Node\'s `http2.connect` must come back',
    `200 with the app's body. Then ${meta.warmupSeconds > 0 ? `one ${meta.warmupSeconds} s warm-up and ` : ''}${meta.runs} run${meta.runs === 1 ? '' : 's'} of \`h2load -D ${meta.seconds}\`. A run counts only if h2load`,
    'negotiated h2 (h2c), nothing failed, errored or timed out, every answer was 2xx and carried the app\'s body',
    'size; otherwise the row shows no figures. req/s is h2load\'s succeeded requests over its measured time, the',
    'median run; spread is ±half the min–max range. CPU µs/req is the server process\'s utime + stime (all',
    'threads, /proc/<pid>/stat) over a run divided by its requests; server CPU is that over the wall time (100% =',
    'core 0 busy), h2load CPU the same for h2load, other CPU the rest of the machine\'s busy time (/proc/stat) in',
    '% of one core. mean ms is h2load\'s mean time per request. Peak RSS is the server\'s VmHWM after its scenario.',
    '',
    'Servers (bench/servers/): ' + servers.map((s) => `${s.name}: ${s.what}`).join('; ') + '.',
    '',
    `† h2load-bound: h2load at ${LOAD_BUSY_SHARE * 100}% of its core or more; req/s is then a floor, compare CPU µs/req.`,
    `‡ disturbed: other CPU at ${OTHER_SHARE * 100}% of a core or more.`,
    'ratio vs peer: req/s over the same runtime\'s own server on the same transport, and in parentheses the',
    'peer\'s CPU µs/req over ours (above 1 = we spend less CPU per request).',
    '',
    ...scenarios.flatMap((s) => table(s, rows, servers)),
    ...goals(rows, scenarios, servers),
  ].join('\n')
}
