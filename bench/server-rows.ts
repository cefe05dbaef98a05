/**
 * The rows of the server benchmark (bench/run.ts) and what is read from them: the measured
 * runs of one server in one scenario, their median summary, and whether wrk rather than the
 * server set the pace. Shared by the tables (report.ts), the goals (server-goals.ts) and the
 * chart (results-chart.ts).
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
  /** A quick run (`BENCH_QUICK=1`): a check that the harness works, not a measurement. */
  quick?: boolean
}

/** The medians of a row's runs. */
export interface Summary {
  rps: number
  spreadPct: number
  mbps: number
  cpuUs: number
  cpuShare: number
  wrkShare: number
  otherShare: number
  p99Ms: number
}

/** One wrk thread on one core tops out around 140k req/s on this kind of machine (not pipelined). */
export const WRK_BOUND_RPS = 120_000
/** wrk using this much of its core set the pace. */
export const WRK_BUSY_SHARE = 0.9
/** Other work on the machine above this share of one core disturbed the run. */
export const OTHER_SHARE = 0.2

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The medians of the runs, or null when the row has none (it failed). */
export function summarize(row: Row): Summary | null {
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

/**
 * Whether wrk, not the server, set the pace of this row: wrk busy, above what one wrk thread
 * does without pipelining, or within 10% of the same runtime's raw floor in `rows`.
 */
export function isLoadBound(row: Row, s: Summary, rows: Row[]): boolean {
  const raw = rows.find((r) => r.scenario === row.scenario && r.raw && r.runtime === row.runtime)
  const floor = raw ? summarize(raw)?.rps : undefined
  const absolute = row.scenario === 'pipeline' ? Infinity : WRK_BOUND_RPS
  return s.rps > absolute || s.wrkShare >= WRK_BUSY_SHARE || (!row.raw && floor !== undefined && s.rps >= 0.9 * floor)
}
