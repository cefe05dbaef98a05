/**
 * bench/results.svg, the chart in the README: horizontal bars of median req/s per server for
 * the keep-alive GET, the 4 KiB POST, the pipelined GET and the Hono app, each group on its
 * own scale (pipelined req/s are ten times the others). Hand-written SVG, no dependency.
 * @module
 */
import { isLoadBound, OTHER_SHARE, summarize, type Row, type Summary } from './server-rows.ts'

const COLORS: Record<Row['runtime'], string> = { node: '#3c873a', deno: '#2f3a4a', bun: '#c2567a' }
const CHART_SCENARIOS: [string, string][] = [
  ['get', 'GET / keep-alive'],
  ['post', 'POST /post, 4 KiB body'],
  ['pipeline', 'GET /plaintext, 16 pipelined per write'],
  ['hono', 'A Hono app (20 routes, JSON)'],
]
const LABEL = 130
const BAR = 500
const WIDTH = LABEL + BAR + 90
const BAR_H = 16
const GAP = 5

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A round axis step for values up to `max`, about 4–10 gridlines. */
function axisStep(max: number): number {
  for (const step of [5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000]) if (max / step <= 10) return step
  return 1_000_000
}

/** Horizontal bars of median req/s, one group per scenario measured, one bar per server. */
export function renderChart(rows: Row[]): string {
  const groups = CHART_SCENARIOS.map(([id, title]) => {
    const mine = rows.filter((r) => r.scenario === id)
    const bars = mine
      .map((row) => ({ row, s: summarize(row) }))
      .filter((b): b is { row: Row; s: Summary } => b.s !== null)
      .map((b) => ({ ...b, bound: isLoadBound(b.row, b.s, mine) }))
    return { title, bars }
  }).filter((g) => g.bars.length > 0)
  // A run without a CPU reading draws no diamond (and must not turn the scale into NaN).
  const capacity = (s: Summary): number => (Number.isFinite(s.cpuUs) && s.cpuUs > 0 ? 1e6 / s.cpuUs : 0)

  const out: string[] = []
  let y = 28
  out.push(`<text x="${LABEL}" y="16" font-weight="bold">req/s, median of runs (higher is better); server on core 0, wrk -t1 on core 1</text>`)
  for (const group of groups) {
    const max = Math.max(1, ...group.bars.map((b) => Math.max(b.s.rps, capacity(b.s))))
    const step = axisStep(max)
    const top = Math.ceil(max / step) * step
    const x = (v: number): number => LABEL + (v / top) * BAR
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
      out.push(`<text x="${x(v).toFixed(1)}" y="${y + 8}" text-anchor="middle" fill="#777" font-size="10">${v / 1000}k</text>`)
    }
    y += 18
  }
  y += 6
  out.push(
    `<text x="4" y="${y}" fill="#555">bold: Portico · faded: the runtime's own servers · dashed: raw socket floor · † load-generator-bound · ‡ disturbed</text>`,
    `<text x="4" y="${y + 16}" fill="#555">◆ 10⁶ / server CPU µs per request: the req/s one core would serve, unaffected by other load</text>`,
    `<text x="4" y="${y + 32}" fill="#555">each group has its own scale</text>`,
  )
  y += 32
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
