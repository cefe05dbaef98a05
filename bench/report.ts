/**
 * Renders the server benchmark (bench/run.ts): the "## Servers" markdown section of
 * bench/RESULTS.md and the req/s bar chart bench/results.svg (hand-written SVG).
 * @module
 */

/** One measured wrk run against one server process. */
export interface RunResult {
  rps: number
  /** Response bytes (heads included) per µs = MB/s, MB = 10⁶ bytes. */
  mbps: number
  /** Server CPU time (utime + stime, all threads) over the run, per request. */
  cpuUsPerRequest: number
  /** Server CPU time / wall time: 1.0 = core 0 fully busy with the server. */
  cpuShare: number
  /** wrk's CPU time / wall time (its one thread: 1.0 = core 1 busy with wrk). */
  wrkShare: number
  /** The machine's busy time not spent in the server or wrk, per wall second (kernel, other work). */
  otherShare: number
  p99Ms: number
  /** wrk's socket errors and non-2xx/3xx count, empty when none. */
  errors: string
}

/** One server in one scenario. */
export interface Row {
  server: string
  runtime: 'node' | 'deno' | 'bun'
  raw: boolean
  scenario: string
  runs: RunResult[]
  rssMb: number
  notes: string[]
}

/** What the section says about the scenario. */
export interface ScenarioInfo {
  id: string
  title: string
}

/** Where and how the numbers were taken. */
export interface Meta {
  date: string
  cpu: string
  cores: number
  versions: string[]
  commit: string
  load: [number[], number[]]
  seconds: number
  warmupSeconds: number
  runs: number
}

/** Each Portico row is compared with these servers on the same runtime. */
const PEERS: Record<string, string[]> = {
  'portico-node': ['node-http', 'hono-node'],
  'portico-deno': ['deno-serve'],
  'portico-bun': ['bun-serve'],
}
/** One wrk thread on one core tops out around 140k req/s on this kind of machine. */
const WRK_BOUND_RPS = 120_000
/** wrk using this much of its core set the pace. */
const WRK_BUSY_SHARE = 0.9
/** Other work on the machine above this share of one core disturbed the run. */
const OTHER_SHARE = 0.2

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–')

interface Summary {
  rps: number
  spreadPct: number
  mbps: number
  cpuUs: number
  cpuShare: number
  wrkShare: number
  otherShare: number
  p99Ms: number
}

function summarize(row: Row): Summary | null {
  if (row.runs.length === 0) return null
  const rps = row.runs.map((r) => r.rps)
  const m = median(rps)
  return {
    rps: m,
    spreadPct: ((Math.max(...rps) - Math.min(...rps)) / 2 / m) * 100,
    mbps: median(row.runs.map((r) => r.mbps)),
    cpuUs: median(row.runs.map((r) => r.cpuUsPerRequest)),
    cpuShare: median(row.runs.map((r) => r.cpuShare)),
    wrkShare: median(row.runs.map((r) => r.wrkShare)),
    otherShare: median(row.runs.map((r) => r.otherShare)),
    p99Ms: median(row.runs.map((r) => r.p99Ms)),
  }
}

/** Whether wrk, not the server, set the pace of this row. */
function isLoadBound(row: Row, s: Summary, rows: Row[]): boolean {
  const raw = rows.find((r) => r.scenario === row.scenario && r.raw && r.runtime === row.runtime)
  const ceiling = raw ? summarize(raw)?.rps : undefined
  return (
    s.rps > WRK_BOUND_RPS || s.wrkShare >= WRK_BUSY_SHARE || (!row.raw && ceiling !== undefined && s.rps >= 0.9 * ceiling)
  )
}

function ratioCell(row: Row, s: Summary, rows: Row[]): string {
  if (row.raw) return 'ceiling'
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
    `${meta.date}, ${meta.cpu} (${meta.cores} cores), ${meta.versions.join(', ')}. Portico at ${meta.commit}.`,
    `Load average (1 / 5 / 15 min): ${load(meta.load[0])} before, ${load(meta.load[1])} after.`,
    '',
    `\`npm run bench\` (bench/run.ts): each server in a fresh process pinned to core 0 (\`taskset -c 0\`),`,
    `loaded from core 1 by \`taskset -c 1 wrk -t1\` over 127.0.0.1; one ${meta.warmupSeconds} s warm-up, then`,
    `${meta.runs} runs of ${meta.seconds} s. req/s is the median run, spread is ±half the min–max range.`,
    'Peak RSS is the server\'s VmHWM after its scenario (warm-up included). CPU µs/req is the server',
    'process\'s utime + stime (all threads, /proc/<pid>/stat) over a run divided by its requests; server',
    'CPU is that CPU time over the wall time (100% = core 0 busy), wrk CPU the same for wrk (100% = core 1',
    'busy), other CPU the rest of the machine\'s busy time (/proc/stat) in % of one core: kernel work not',
    'charged to either process, and other programs. p99 is wrk\'s latency percentile. Before each server',
    'start the runner waits (up to a minute) for the machine to be idle.',
    'Servers (bench/servers/): portico-node/-deno/-bun serve the fetch handler in app.ts through Portico\'s',
    'driver; srvx-node, deno-serve (Deno.serve) and bun-serve (Bun.serve) serve the same handler;',
    'node-http is a plain node:http (req, res) handler; hono-node is a Hono app on @hono/node-server;',
    'raw-* answer a canned response per `\\r\\n\\r\\n` on the runtime\'s TCP sockets (raw.ts), the ceiling',
    'of JS on those sockets (GET scenarios only). portico-*-otel are portico-* with `telemetry: otel()` and',
    'the OpenTelemetry SDK registered (otel-sdk.ts: a span and two metric records per request, spans dropped).',
    '',
    `† load-generator-bound: wrk at ${WRK_BUSY_SHARE * 100}% of its core or more, above ${WRK_BOUND_RPS / 1000}k req/s (one wrk`,
    'thread on one core tops out around 140k here), or within 10% of the same runtime\'s raw ceiling.',
    'There req/s says more about wrk than about the server; compare CPU µs/req instead.',
    'ratio vs peer: req/s over the peer\'s req/s, and in parentheses the peer\'s CPU µs/req over ours',
    '(above 1 = we spend less CPU per request).',
    `‡ disturbed: other CPU at ${OTHER_SHARE * 100}% of a core or more; req/s is then low, CPU µs/req is still fair.`,
    '',
    ...scenarios.flatMap((s) => table(s, rows)),
  ].join('\n')
}

// ---- SVG chart --------------------------------------------------------------------------

const COLORS: Record<Row['runtime'], string> = { node: '#3c873a', deno: '#2f3a4a', bun: '#c2567a' }
const CHART_SCENARIOS: [string, string][] = [
  ['get', 'GET / keep-alive'],
  ['post', 'POST /post, 4 KiB body'],
]

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Horizontal bars of median req/s for the GET and POST scenarios, one bar per server. */
export function renderChart(rows: Row[]): string {
  const LABEL = 130
  const BAR = 500
  const WIDTH = LABEL + BAR + 90
  const BAR_H = 16
  const GAP = 5
  const groups = CHART_SCENARIOS.map(([id, title]) => ({
    title,
    bars: rows
      .filter((r) => r.scenario === id)
      .map((r) => ({ row: r, s: summarize(r) }))
      .filter((b): b is { row: Row; s: Summary } => b.s !== null)
      .map((b) => ({ ...b, bound: isLoadBound(b.row, b.s, rows.filter((r) => r.scenario === id)) })),
  }))
  const capacity = (s: Summary): number => 1e6 / s.cpuUs
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => Math.max(b.s.rps, capacity(b.s)))))
  const step = max > 100_000 ? 25_000 : max > 40_000 ? 10_000 : 5_000
  const top = Math.ceil(max / step) * step
  const x = (v: number): number => LABEL + (v / top) * BAR

  const out: string[] = []
  let y = 28
  out.push(`<text x="${LABEL}" y="16" font-weight="bold">req/s, median of runs (higher is better); server on core 0, wrk -t1 on core 1</text>`)
  for (const group of groups) {
    y += 10
    out.push(`<text x="4" y="${y + 4}" font-weight="bold">${escapeXml(group.title)}</text>`)
    y += 12
    const y0 = y
    for (const { row, s, bound } of group.bars) {
      const portico = row.server.startsWith('portico-')
      const color = COLORS[row.runtime]
      const fill = row.raw ? 'none' : color
      const opacity = portico || row.raw ? 1 : 0.5
      out.push(
        `<text x="${LABEL - 6}" y="${y + BAR_H - 4}" text-anchor="end"${portico ? ' font-weight="bold"' : ''}>${row.server}</text>`,
        `<rect x="${LABEL}" y="${y}" width="${(x(s.rps) - LABEL).toFixed(1)}" height="${BAR_H}" fill="${fill}" fill-opacity="${opacity}"` +
          `${row.raw ? ` stroke="${color}" stroke-dasharray="4 2"` : ''}/>`,
        `<path d="M${x(capacity(s)).toFixed(1)} ${y + 1}l4 ${BAR_H / 2 - 1}l-4 ${BAR_H / 2 - 1}l-4 ${-(BAR_H / 2 - 1)}z" fill="#222"/>`,
        `<text x="${(Math.max(x(s.rps), x(capacity(s))) + 6).toFixed(1)}" y="${y + BAR_H - 4}">${(s.rps / 1000).toFixed(1)}k${bound ? ' †' : ''}${s.otherShare >= OTHER_SHARE ? ' ‡' : ''}</text>`,
      )
      y += BAR_H + GAP
    }
    for (let v = 0; v <= top; v += step) {
      out.push(`<line x1="${x(v).toFixed(1)}" y1="${y0 - 2}" x2="${x(v).toFixed(1)}" y2="${y - GAP + 2}" stroke="#999" stroke-opacity="0.35"/>`)
    }
    out.push(...axisLabels(top, step, x, y + 8))
    y += 18
  }
  y += 6
  out.push(
    `<text x="4" y="${y}" fill="#555">bold: Portico · faded: the runtime's own servers · dashed: raw TCP ceiling · † load-generator-bound · ‡ disturbed</text>`,
    `<text x="4" y="${y + 16}" fill="#555">◆ 10⁶ / server CPU µs per request: the req/s one core would serve, unaffected by other load</text>`,
  )
  y += 16
  for (const [i, runtime] of (['node', 'deno', 'bun'] as const).entries()) {
    out.push(`<rect x="${4 + i * 70}" y="${y + 10}" width="12" height="12" fill="${COLORS[runtime]}"/>`,
      `<text x="${20 + i * 70}" y="${y + 20}">${runtime}</text>`)
  }
  y += 30
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n')
}

function axisLabels(top: number, step: number, x: (v: number) => number, y: number): string[] {
  const labels: string[] = []
  for (let v = 0; v <= top; v += step) {
    labels.push(`<text x="${x(v).toFixed(1)}" y="${y}" text-anchor="middle" fill="#777" font-size="10">${v / 1000}k</text>`)
  }
  return labels
}
