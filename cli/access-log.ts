/**
 * Access log line formatters: Common Log Format (Apache `%h %l %u %t "%r" %>s %b`) and
 * JSON lines. Pure; the caller adds the newline and writes.
 * @module
 */
import type { AccessLogEntry } from '../core/server/options.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/**
 * `127.0.0.1 - - [27/Nov/2026:16:24:21 +0000] "GET /path HTTP/1.1" 200 13`, time in UTC. With
 * `pid` (workers mode), ` pid=1234` is appended: after the CLF fields, so CLF parsers still match.
 */
export function formatCommonLog(entry: AccessLogEntry, pid?: number): string {
  const host = entry.remoteAddress === undefined || entry.remoteAddress === '' ? '-' : escapeField(entry.remoteAddress)
  const request = `${escapeField(entry.method)} ${escapeField(entry.target)} HTTP/${entry.version}`
  // CLF writes '-' for an empty body, not 0.
  const bytes = entry.bytes === 0 ? '-' : String(entry.bytes)
  const line = `${host} - - [${clfTime(entry.time)}] "${request}" ${entry.status} ${bytes}`
  return pid === undefined ? line : `${line} pid=${pid}`
}

/**
 * One JSON object per line: every `AccessLogEntry` field, `time` as ISO 8601, unknowns as
 * null, and `pid` when given (workers mode).
 */
export function formatJsonLog(entry: AccessLogEntry, pid?: number): string {
  return JSON.stringify({
    time: new Date(entry.time).toISOString(),
    remoteAddress: entry.remoteAddress ?? null,
    method: entry.method,
    target: entry.target,
    version: entry.version,
    status: entry.status,
    bytes: entry.bytes,
    durationMs: entry.durationMs,
    referer: entry.referer ?? null,
    userAgent: entry.userAgent ?? null,
    pid,
  })
}

function clfTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:`
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

// Apache's rule: a client must not be able to forge log lines or break the quoted field,
// so '"', '\' and control bytes become escapes.
function escapeField(text: string): string {
  // deno-lint-ignore no-control-regex -- matching control bytes is the point
  return text.replace(/["\\\x00-\x1f\x7f]/g, (ch) => {
    if (ch === '"' || ch === '\\') return `\\${ch}`
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
}
