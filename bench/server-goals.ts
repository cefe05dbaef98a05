/**
 * Issue 13's goals, judged from one run of the server benchmark (bench/run.ts): each goal is a
 * ratio of two rows measured side by side (req/s over req/s) or, for memory, a difference of
 * peak RSS; marked met or not met from the medians, with the CPU ratio beside it and a † where
 * wrk set the pace of either row (then req/s says more about wrk, the CPU ratio more about
 * the servers). A row that failed or did not run leaves its goal "not measured".
 * @module
 */
import { isLoadBound, summarize, type Row, type Summary } from './server-rows.ts'

/** `server` ≥ `atLeast` × `versus` in req/s, in `scenario`. */
interface RatioGoal {
  goal: string
  scenario: string
  server: string
  versus: string
  atLeast: number
}
/** `server`'s peak RSS in `scenario` ≤ `versus`'s + `slackMiB`. */
interface MemoryGoal {
  goal: string
  scenario: string
  server: string
  versus: string
  slackMiB: number
}

const RUNTIMES = [['node', 'node:http', 'node-http'], ['deno', 'Deno.serve', 'deno-serve'], ['bun', 'Bun.serve', 'bun-serve']] as const

const RATIO_GOALS: RatioGoal[] = [
  ...RUNTIMES.map(([rt, label, peer]): RatioGoal => ({
    goal: `pipelined 16 deep, ${rt}: ≥ ${rt === 'node' ? 4 : 2}× ${label}`, scenario: 'pipeline', server: `portico-${rt}`, versus: peer,
    atLeast: rt === 'node' ? 4 : 2 })),
  ...RUNTIMES.map(([rt]): RatioGoal => ({
    goal: `keep-alive GET, ${rt}: ≥ 0.8× raw-${rt}`, scenario: 'get', server: `portico-${rt}`, versus: `raw-${rt}`, atLeast: 0.8 })),
  { goal: 'POST 4 KiB, node: ≥ 1.3× node:http', scenario: 'post', server: 'portico-node', versus: 'node-http', atLeast: 1.3 },
  { goal: 'POST 4 KiB, deno: ≥ 0.8× raw-deno', scenario: 'post', server: 'portico-deno', versus: 'raw-deno', atLeast: 0.8 },
  { goal: 'POST 4 KiB, bun: ≥ 0.8× raw-bun', scenario: 'post', server: 'portico-bun', versus: 'raw-bun', atLeast: 0.8 },
  ...RUNTIMES.map(([rt, label, peer]): RatioGoal => ({
    goal: `Connection: close, ${rt}: ≥ ${rt === 'node' ? '1.0' : '0.8'}× ${label}`, scenario: 'close', server: `portico-${rt}`, versus: peer,
    atLeast: rt === 'node' ? 1 : 0.8 })),
  { goal: 'Hono app, node: ≥ 1.2× @hono/node-server', scenario: 'hono', server: 'portico-node', versus: 'hono-node', atLeast: 1.2 },
  { goal: 'Hono app, deno: ≥ 0.85× Deno.serve', scenario: 'hono', server: 'portico-deno', versus: 'deno-serve', atLeast: 0.85 },
  { goal: 'Hono app, bun: ≥ 0.85× Bun.serve', scenario: 'hono', server: 'portico-bun', versus: 'bun-serve', atLeast: 0.85 },
]
const MEMORY_GOALS: MemoryGoal[] = RUNTIMES.map(([rt]) => ({
  goal: `memory, ${rt}: GET peak RSS ≤ raw-${rt} + 20 MiB`, scenario: 'get', server: `portico-${rt}`, versus: `raw-${rt}`, slackMiB: 20,
}))

const MB_PER_MIB = 1.048576
const k = (rps: number): string => `${(rps / 1000).toFixed(rps >= 100_000 ? 0 : 1)}k`

/** Why a goal has no verdict: its scenario was not run, or these rows failed or were left out. */
function missing(rows: Row[], goal: { scenario: string; server: string; versus: string }): string {
  const mine = rows.filter((r) => r.scenario === goal.scenario)
  if (mine.length === 0) return `${goal.scenario} not run`
  const gone = [goal.server, goal.versus].filter((name) => !mine.some((r) => r.server === name && r.runs.length > 0))
  return `${gone.join(' and ')} failed or not run`
}

function measured(rows: Row[], scenario: string, server: string): { row: Row; s: Summary } | null {
  const row = rows.find((r) => r.scenario === scenario && r.server === server)
  const s = row ? summarize(row) : null
  return row && s ? { row, s } : null
}

function ratioLine(goal: RatioGoal, rows: Row[]): string {
  const ours = measured(rows, goal.scenario, goal.server)
  const theirs = measured(rows, goal.scenario, goal.versus)
  if (!ours || !theirs) return `| ${goal.goal} | ${missing(rows, goal)} | not measured |`
  const mine = rows.filter((r) => r.scenario === goal.scenario)
  const bound = isLoadBound(ours.row, ours.s, mine) || isLoadBound(theirs.row, theirs.s, mine) ? ' †' : ''
  const ratio = ours.s.rps / theirs.s.rps
  const cpuRatio = theirs.s.cpuUs / ours.s.cpuUs
  return `| ${goal.goal} | ${ratio.toFixed(2)}×${bound} (${k(ours.s.rps)} vs ${k(theirs.s.rps)} req/s; CPU ${cpuRatio.toFixed(2)}×: ` +
    `${ours.s.cpuUs.toFixed(1)} vs ${theirs.s.cpuUs.toFixed(1)} µs/req) | ${ratio >= goal.atLeast ? 'met' : 'not met'} |`
}

function memoryLine(goal: MemoryGoal, rows: Row[]): string {
  const ours = rows.find((r) => r.scenario === goal.scenario && r.server === goal.server)
  const theirs = rows.find((r) => r.scenario === goal.scenario && r.server === goal.versus)
  if (!ours || !theirs || !Number.isFinite(ours.rssMb) || !Number.isFinite(theirs.rssMb)) return `| ${goal.goal} | ${missing(rows, goal)} | not measured |`
  const overMiB = (ours.rssMb - theirs.rssMb) / MB_PER_MIB
  return `| ${goal.goal} | ${(ours.rssMb / MB_PER_MIB).toFixed(1)} vs ${(theirs.rssMb / MB_PER_MIB).toFixed(1)} MiB ` +
    `(${overMiB >= 0 ? '+' : ''}${overMiB.toFixed(1)}) | ${overMiB <= goal.slackMiB ? 'met' : 'not met'} |`
}

/** The "### Goals (issue 13)" table of the Servers section. */
export function renderGoals(rows: Row[]): string[] {
  return [
    '### Goals (issue 13)',
    '',
    'From the tables above: req/s of the two rows\' medians (the goal\'s verdict), then each row\'s',
    'req/s and the CPU ratio (theirs µs/req over ours: above 1 = Portico spends less per request).',
    '† wrk set the pace of one of the two rows: the req/s ratio is then bounded by wrk, the CPU ratio is the fairer one.',
    'The parser goal (≥ 1.0× llhttp) is measured by `npm run bench:parser` (## Parser).',
    '',
    '| goal | measured | verdict |',
    '| --- | --- | --- |',
    ...RATIO_GOALS.map((goal) => ratioLine(goal, rows)),
    ...MEMORY_GOALS.map((goal) => memoryLine(goal, rows)),
    '',
  ]
}
