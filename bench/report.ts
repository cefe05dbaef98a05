/**
 * Renders the server benchmark (bench/run.ts) as the "## Servers" markdown section of
 * bench/RESULTS.md: the method, one table per scenario, and issue 13's goals
 * (server-goals.ts). The chart bench/results.svg is results-chart.ts.
 * @module
 */
import { renderGoals } from './server-goals.ts'
import { isLoadBound, OTHER_SHARE, summarize, WRK_BOUND_RPS, WRK_BUSY_SHARE, type Meta, type Row, type Summary } from './server-rows.ts'

export type { Meta, Row, RunResult } from './server-rows.ts'

/** What the section says about the scenario. */
export interface ScenarioInfo {
  id: string
  title: string
}

/**
 * Each Portico row is compared with these servers on the same runtime: its peers, then the raw
 * floor. A peer missing from a scenario (no node-http in the Hono table) is left out.
 */
const PEERS: Record<string, string[]> = {
  'portico-node': ['node-http', 'hono-node', 'raw-node'],
  'portico-deno': ['deno-serve', 'raw-deno'],
  'portico-bun': ['bun-serve', 'raw-bun'],
}
const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–')

function ratioCell(row: Row, s: Summary, rows: Row[]): string {
  if (row.raw) return 'floor'
  const peers = PEERS[row.server] ?? []
  return peers
    .map((peer) => {
      const other = rows.find((r) => r.scenario === row.scenario && r.server === peer)
      const o = other ? summarize(other) : null
      return o ? `${(s.rps / o.rps).toFixed(2)}× ${peer} (CPU ${(o.cpuUs / s.cpuUs).toFixed(2)}×)` : ''
    })
    .filter(Boolean)
    .join(', ')
}

function table(scenario: ScenarioInfo, rows: Row[]): string[] {
  const mine = rows.filter((r) => r.scenario === scenario.id)
  const stream = scenario.id === 'stream'
  const head = ['server', 'runtime', 'req/s (median)', ...(stream ? ['MB/s'] : []), 'spread', 'peak RSS MB',
    'CPU µs/req', 'server CPU', 'wrk CPU', 'other CPU', 'p99 ms', 'ratio vs peer']
  const lines = [`| ${head.join(' | ')} |`, `| --- | --- | ${head.slice(2).map(() => '---:').join(' | ')} |`]
  const notes: string[] = []
  for (const row of mine) {
    const s = summarize(row)
    for (const note of row.notes) notes.push(`- ${row.server}: ${note.split('\n')[0]}`)
    if (!s) {
      lines.push(`| ${row.server} | ${row.runtime} | failed | ${head.slice(3).map(() => '').join(' | ')} |`)
      continue
    }
    const bound = (isLoadBound(row, s, mine) ? ' †' : '') + (s.otherShare >= OTHER_SHARE ? ' ‡' : '')
    const cells = [row.server, row.runtime, int(s.rps) + bound, ...(stream ? [fixed(s.mbps, 0)] : []),
      `±${fixed(s.spreadPct)}%`, fixed(row.rssMb), fixed(s.cpuUs), `${fixed(s.cpuShare * 100, 0)}%`,
      `${fixed(s.wrkShare * 100, 0)}%`, `${fixed(s.otherShare * 100, 0)}%`, fixed(s.p99Ms), ratioCell(row, s, mine)]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return [`### ${scenario.title}`, '', ...lines, ...(notes.length ? ['', 'Errors and failures:', ...notes] : []), '']
}

/** The "## Servers" section of bench/RESULTS.md. */
export function renderSection(rows: Row[], scenarios: ScenarioInfo[], meta: Meta): string {
  const load = (l: number[]): string => l.map((n) => n.toFixed(2)).join(' / ')
  return [
    '## Servers',
    '',
    ...(meta.quick ? ['**Quick mode (`BENCH_QUICK=1`): a check that the harness works, not a measurement.**', ''] : []),
    `${meta.date}, ${meta.cpu} (${meta.cores} cores), ${meta.versions.join(', ')}. Portico at ${meta.commit}.`,
    `Load average (1 / 5 / 15 min): ${load(meta.load[0])} before, ${load(meta.load[1])} after.`,
    '',
    `\`npm run bench\` (bench/run.ts): each server in a fresh process pinned to core 0 (\`taskset -c 0\`),`,
    `loaded from core 1 by \`taskset -c 1 wrk -t1\` over 127.0.0.1; one ${meta.warmupSeconds} s warm-up, then`,
    `${meta.runs} run${meta.runs === 1 ? '' : 's'} of ${meta.seconds} s. req/s is the median run, spread is ±half the min–max range.`,
    'Peak RSS is the server\'s VmHWM after its scenario (warm-up included). CPU µs/req is the server',
    'process\'s utime + stime (all threads, /proc/<pid>/stat) over a run divided by its requests; server',
    'CPU is that CPU time over the wall time (100% = core 0 busy), wrk CPU the same for wrk (100% = core 1',
    'busy), other CPU the rest of the machine\'s busy time (/proc/stat) in % of one core: kernel work not',
    'charged to either process, and other programs. p99 is wrk\'s latency percentile. Before each server',
    'start the runner waits (up to a minute) for the machine to be idle.',
    'Servers (bench/servers/): portico-node/-deno/-bun serve the fetch handler in app.ts through Portico\'s',
    'driver; srvx-node, deno-serve (Deno.serve) and bun-serve (Bun.serve) serve the same handler;',
    'node-http is a plain node:http (req, res) handler; hono-node is a Hono app on @hono/node-server;',
    'raw-* are the floor of JS on the runtime\'s TCP sockets (raw.ts): they find where each request ends',
    '(`\\r\\n\\r\\n`, then a Content-Length body) and answer it with a canned response, every answer a read',
    'completes in one write; no JS server on those sockets does less (all scenarios but the streamed one',
    'and the Hono app). portico-*-otel are portico-* with `telemetry: otel()` and the OpenTelemetry SDK',
    'registered (otel-sdk.ts: a span and two metric records per request, spans dropped), not in the',
    'pipelined and Hono scenarios. The pipelined scenario is wrk with bench/pipeline.lua (16 requests per',
    'write, TechEmpower\'s headers); every server first answers 16 pipelined GETs and POSTs in order, in',
    'one write and cut across three. The Hono scenario serves one Hono app (hono-app.ts: 20 routes, a',
    'middleware, JSON) on Portico, @hono/node-server, Deno.serve(app.fetch) and Bun.serve({ fetch }),',
    'loaded with bench/hono-mix.lua (a cycle of 16 requests to 14 routes, about 3 reads to 1 write).',
    '',
    `† load-generator-bound: wrk at ${WRK_BUSY_SHARE * 100}% of its core or more, above ${WRK_BOUND_RPS / 1000}k req/s without`,
    'pipelining (one wrk thread on one core tops out around 140k here), or within 10% of the same',
    'runtime\'s raw floor. There req/s says more about wrk than about the server; compare CPU µs/req instead.',
    'ratio vs peer: req/s over the peer\'s (or the raw floor\'s) req/s, and in parentheses the peer\'s CPU',
    'µs/req over ours (above 1 = we spend less CPU per request).',
    `‡ disturbed: other CPU at ${OTHER_SHARE * 100}% of a core or more; req/s is then low, CPU µs/req is still fair.`,
    '',
    ...scenarios.flatMap((s) => table(s, rows)),
    ...renderGoals(rows),
  ].join('\n')
}
