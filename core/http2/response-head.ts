/**
 * The other direction of `request-head.ts`: checking what the server or app asks us to send
 * (RFC 9113 §8.2, §8.3.2) and building the field list the HPACK encoder takes. Mistakes are
 * the caller's and throw `Http2LocalError`; connection-specific fields are dropped rather
 * than refused, since apps written for HTTP/1.1 set them innocently (§8.2.2).
 * @module
 */
import { Http2LocalError } from './errors.ts'
import { fieldProblem, isConnectionSpecific } from './request-head.ts'

/** Three-digit status code check; `informational` asks for 1xx other than 101 (§8.6: no 101 in HTTP/2). */
export function checkStatus(status: number, informational: boolean): void {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Http2LocalError(`invalid status ${status}`)
  if (informational ? status >= 200 || status === 101 : status < 200) {
    throw new Http2LocalError(`status ${status} not allowed ${informational ? 'as an informational response' : 'as a final response'}`)
  }
}

/**
 * `[':status', status, name, value, …]` (or without :status for trailers) with names
 * lowercased, values trimmed of surrounding whitespace, connection-specific fields dropped.
 * Throws `Http2LocalError` for a pseudo-header or a field HTTP cannot carry.
 */
export function responseFields(status: number | null, headers: readonly string[]): string[] {
  const out: string[] = status === null ? [] : [':status', String(status)]
  for (let i = 0; i < headers.length; i += 2) {
    let name = headers[i]!
    if (name.charCodeAt(0) === 0x3a) throw new Http2LocalError(`pseudo-header ${name} set by the application`)
    name = lower(name)
    const raw = headers[i + 1]!
    if (isConnectionSpecific(name) || (name === 'te' && raw.trim() !== 'trailers')) continue
    const value = trimOws(raw)
    const problem = fieldProblem(name, value)
    if (problem !== null) throw new Http2LocalError(problem)
    out.push(name, value)
  }
  return out
}

function lower(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase()
  }
  return name
}

function trimOws(value: string): string {
  const n = value.length
  if (n === 0) return value
  const first = value.charCodeAt(0)
  const last = value.charCodeAt(n - 1)
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09) return value
  return value.replace(/^[ \t]+|[ \t]+$/g, '')
}
