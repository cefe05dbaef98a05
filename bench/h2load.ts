/**
 * h2load (Debian `nghttp2-client`) as the HTTP/2 load generator of bench/h2.ts and
 * bench/h2-probe.ts: its command line for one scenario, the figures in its text report, and a
 * verdict on them. h2load exits 0 even when every request failed, and over TLS it falls back to
 * HTTP/1.1 when the server does not offer h2 through ALPN, so a req/s figure means something
 * only after `problemsOf` found nothing wrong: the protocol was h2 (h2c in clear text), requests
 * succeeded with 2xx, none failed, errored or timed out, and every response carried the body the
 * app answers.
 * @module
 */

/** One load shape: a path, a method (POST when `postBytes` is set), connections × streams each. */
export interface H2Scenario {
  id: 'get' | 'post' | 'streams'
  title: string
  path: string
  clients: number
  streamsPerClient: number
  /** POST a body of this many bytes (h2load -d). */
  postBytes?: number
  /** The response body the app answers (bench/servers/app.ts), checked by size in h2load's traffic. */
  body: string
}

/** The three scenarios of issue 14's bench bullet. */
export const H2_SCENARIOS: H2Scenario[] = [
  { id: 'get', title: 'GET / (`Hello, World!`), 64 connections × 1 stream', path: '/', clients: 64, streamsPerClient: 1,
    body: 'Hello, World!' },
  { id: 'post', title: 'POST /post, 4 KiB body read fully, length answered, 64 connections × 1 stream', path: '/post',
    clients: 64, streamsPerClient: 1, postBytes: 4096, body: '4096' },
  { id: 'streams', title: 'GET /, 8 connections × 100 concurrent streams', path: '/', clients: 8, streamsPerClient: 100,
    body: 'Hello, World!' },
]

/** h2c: cleartext with prior knowledge (h2load's default for http://); tls: h2 chosen through ALPN. */
export type H2Transport = 'h2c' | 'tls'

/** How long h2load runs: a fixed duration (-D) or a fixed number of requests (-n). */
export type H2Bound = { seconds: number } | { requests: number }

/**
 * The h2load command for `scenario` against 127.0.0.1:`port`. One thread (it runs pinned to one
 * core); over TLS only `h2` is offered, so a server without h2 fails instead of serving HTTP/1.1.
 */
export function h2loadCommand(port: number, transport: H2Transport, scenario: H2Scenario, bound: H2Bound, postFile: string): string[] {
  const scheme = transport === 'tls' ? 'https' : 'http'
  return [
    'h2load', '-t1', `-c${scenario.clients}`, `-m${scenario.streamsPerClient}`,
    ...('seconds' in bound ? ['-D', String(bound.seconds)] : ['-n', String(bound.requests)]),
    '--npn-list=h2',
    ...(scenario.postBytes !== undefined ? ['-d', postFile] : []),
    `${scheme}://127.0.0.1:${port}${scenario.path}`,
  ]
}

/** The figures of one h2load report. */
export interface H2loadReport {
  /** "Application protocol:" (h2, h2c, http/1.1), or null when none was negotiated. */
  protocol: string | null
  /** The measured interval ("finished in"), in seconds. */
  seconds: number
  total: number
  started: number
  done: number
  succeeded: number
  failed: number
  errored: number
  timeout: number
  status2xx: number
  /** Response body bytes (DATA payload) over all requests. */
  dataBytes: number
  /** Mean time per request, in ms. */
  meanMs: number
}

const UNIT_SECONDS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1 }
function duration(value: string, unit: string): number {
  return Number(value) * (UNIT_SECONDS[unit] ?? NaN)
}

/** Reads h2load's text report; null when it printed none (it did not run, or was killed). */
export function parseH2load(text: string): H2loadReport | null {
  const finished = /^finished in ([\d.]+)(us|ms|s),/m.exec(text)
  const requests = /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m.exec(text)
  if (!finished || !requests) return null
  const [total, started, done, succeeded, failed, errored, timeout] = requests.slice(1).map(Number) as number[]
  const mean = /^time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)/m.exec(text)
  return {
    protocol: /^Application protocol: (\S+)/m.exec(text)?.[1] ?? null,
    seconds: duration(finished[1]!, finished[2]!),
    total: total!,
    started: started!,
    done: done!,
    succeeded: succeeded!,
    failed: failed!,
    errored: errored!,
    timeout: timeout!,
    status2xx: Number(/^status codes: (\d+) 2xx/m.exec(text)?.[1] ?? NaN),
    dataBytes: Number(/\((\d+)\) data/.exec(text)?.[1] ?? NaN),
    meanMs: mean ? duration(mean[1]!, mean[2]!) * 1000 : NaN,
  }
}

/** The lines of h2load's output that say why it failed (protocol, connection and request errors). */
export function h2loadComplaints(text: string): string[] {
  return [...new Set(text.split('\n').map((l) => l.trim()).filter((l) =>
    /No protocol negotiated|not supported|error|failed|refused|reset|GOAWAY|timed out/i.test(l) &&
    !/^requests:|:$/.test(l)))].slice(0, 3)
}

/**
 * What is wrong with an h2load run, in words; empty when its figures can be trusted. The
 * order is that of the likely cause: no report, wrong protocol, nothing answered, errors, wrong
 * status or body.
 */
export function problemsOf(report: H2loadReport | null, transport: H2Transport, scenario: H2Scenario, text: string): string[] {
  const why = h2loadComplaints(text)
  const said = why.length > 0 ? ` (h2load: ${why.join('; ')})` : ''
  if (report === null) return [`h2load printed no report${said}`]
  const expected = transport === 'tls' ? 'h2' : 'h2c'
  const problems: string[] = []
  if (report.protocol !== expected) problems.push(`protocol ${report.protocol ?? 'none negotiated'}, not ${expected}`)
  if (report.succeeded === 0) {
    problems.push(`no request succeeded (${report.started} started, ${report.done} done, ${report.failed} failed, ${report.errored} errored)${said}`)
    return problems
  }
  const errors = (['failed', 'errored', 'timeout'] as const).filter((k) => report[k] > 0).map((k) => `${report[k]} ${k}`)
  if (errors.length > 0) problems.push(`${errors.join(', ')} of ${report.started} started${said}`)
  if (report.status2xx !== report.succeeded) problems.push(`${report.succeeded - report.status2xx} of ${report.succeeded} answers not 2xx`)
  const perResponse = report.dataBytes / report.succeeded
  const want = new TextEncoder().encode(scenario.body).length
  if (Math.abs(perResponse - want) > 0.5) problems.push(`${perResponse.toFixed(1)} body bytes per response, the app answers ${want}`)
  return problems
}
