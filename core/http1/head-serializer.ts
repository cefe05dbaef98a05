/**
 * Response status line + header section → bytes, with the framing fields chosen here
 * (RFC 9112 §6, RFC 9110 §8.6): the app's Content-Length if it set one, else the known
 * length, else chunked (1.1) or close-delimited (1.0). Transfer-Encoding from the app is
 * dropped: framing belongs to the server. Every name and value is validated, so a CR or LF
 * from the app raises an error instead of splitting the response.
 * @module
 */
import { isFieldValue, isToken } from '../http/abnf.ts'
import { latin1Encode } from '../http/ascii.ts'
import { LocalProtocolError } from './errors.ts'
import { connectionTokens } from './fields.ts'
import { STATUS_TEXT } from '../http/status.ts'

/** How the response body is framed on the wire. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close'

/** What the serializer needs to know about the request being answered. */
export interface ResponseContext {
  method: string
  version: '1.0' | '1.1'
  /** The connection may persist after this response. */
  keepAlive: boolean
  /** Date header value, or null to send none. */
  date: string | null
}

/** A serialized head and the framing its body must follow; shared between alike responses. */
export interface SerializedHead {
  /** The head as latin1 text, blank line included; one char per byte. */
  readonly text: string
  readonly framing: BodyFraming
  /** Body length for `'length'` framing. */
  readonly length: number
  readonly keepAlive: boolean
}

function invalid(message: string): LocalProtocolError {
  return new LocalProtocolError('invalid-response', message, 500)
}

/** Status line: HTTP/1.1 always (RFC 9110 §6.2: a server sends its own highest version). */
export function statusLine(status: number, reason?: string): string {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw invalid(`invalid status ${status}`)
  const text = reason ?? STATUS_TEXT[status] ?? ''
  // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
  if (!isFieldValue(text)) throw invalid('invalid reason phrase')
  return `HTTP/1.1 ${status} ${text}\r\n`
}

/** A field line the app gave: a token name and a value without CR, LF or NUL (no splitting). */
function checkField(name: string, value: string): void {
  if (!isToken(name)) throw invalid(`invalid header name ${JSON.stringify(name)}`)
  if (!isFieldValue(value)) throw invalid(`invalid value for header ${name}`)
}

/** Validated `name: value` lines. */
function fieldLines(headers: readonly string[]): string {
  let out = ''
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!
    const value = headers[i + 1]!
    checkField(name, value)
    out += name + ': ' + value + '\r\n'
  }
  return out
}

/** A 1xx head (100 Continue, 103 Early Hints); never has a body. */
export function serializeInformational(status: number, headers: readonly string[] = []): Uint8Array {
  if (status < 100 || status > 199 || status === 101) throw invalid(`${status} is not an informational status`)
  return latin1Encode(statusLine(status) + fieldLines(headers) + '\r\n')
}

/**
 * The last head serialized and what it was made of. A server mostly answers alike (the same
 * status, fields and length within one Date second, as a pipelined batch does): such a head
 * is the same text, already validated, so it is returned again without a second pass over
 * the fields and a second string build. Every input is compared; the fields by value.
 */
interface LastHead {
  status: number
  reason: string | undefined
  headers: string[]
  knownLength: number | undefined
  method: string
  version: '1.0' | '1.1'
  keepAlive: boolean
  date: string | null
  head: SerializedHead
}

let last: LastHead | null = null

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The final response head. `knownLength` is the body size when the server knows it. */
export function serializeResponseHead(
  status: number,
  reason: string | undefined,
  headers: readonly string[],
  knownLength: number | undefined,
  context: ResponseContext,
): SerializedHead {
  const seen = last
  if (
    seen !== null && seen.status === status && seen.knownLength === knownLength && seen.date === context.date &&
    seen.keepAlive === context.keepAlive && seen.method === context.method && seen.version === context.version &&
    seen.reason === reason && sameFields(seen.headers, headers)
  ) {
    return seen.head
  }
  const head = buildResponseHead(status, reason, headers, knownLength, context)
  last = {
    status,
    reason,
    headers: headers.slice(),
    knownLength,
    method: context.method,
    version: context.version,
    keepAlive: context.keepAlive,
    date: context.date,
    head,
  }
  return head
}

function buildResponseHead(
  status: number,
  reason: string | undefined,
  headers: readonly string[],
  knownLength: number | undefined,
  context: ResponseContext,
): SerializedHead {
  if (knownLength !== undefined && !(Number.isSafeInteger(knownLength) && knownLength >= 0)) {
    throw invalid(`invalid body length ${knownLength}`)
  }
  let out = statusLine(status, reason)
  const isHead = context.method === 'HEAD'
  // RFC 9110 §6.4.1: 1xx, 204 and 304 never have content; a 2xx to CONNECT starts a tunnel.
  const isTunnel = context.method === 'CONNECT' && status >= 200 && status < 300
  const forbidsFraming = status < 200 || status === 204 || isTunnel
  let keepAlive = context.keepAlive
  let appLength = -1
  let hasDate = false
  let hasConnectionClose = false

  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!
    const value = headers[i + 1]!
    checkField(name, value)
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'date') hasDate = true
        break
      case 10:
        if (name.toLowerCase() === 'connection' && connectionTokens([value]).close) {
          keepAlive = false
          hasConnectionClose = true
        }
        break
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (forbidsFraming) continue // RFC 9110 §8.6: MUST NOT send in 1xx/204/2xx-to-CONNECT
          if (!/^\d{1,15}$/.test(value)) throw invalid('invalid Content-Length from the app')
          appLength = Number(value)
          continue // emitted once below, so a duplicate cannot slip through
        }
        break
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') continue
        break
    }
    out += name + ': ' + value + '\r\n'
  }

  let framing: BodyFraming
  let length = 0
  if (forbidsFraming) {
    framing = 'none'
  } else if (appLength >= 0 || (knownLength !== undefined && status !== 304)) {
    length = appLength >= 0 ? appLength : knownLength!
    out += 'content-length: ' + length + '\r\n'
    framing = isHead || status === 304 ? 'none' : 'length'
  } else if (isHead || status === 304) {
    framing = 'none' // a 304 or HEAD without a known length: say nothing about the length
  } else if (context.version === '1.1') {
    out += 'transfer-encoding: chunked\r\n'
    framing = 'chunked'
  } else {
    // RFC 9112 §6.3 rule 8: without a length, the body ends when the connection closes.
    framing = 'close'
    keepAlive = false
  }

  if (context.date !== null && !hasDate) out += 'date: ' + context.date + '\r\n'
  if (!keepAlive) {
    if (!hasConnectionClose) out += 'connection: close\r\n'
  } else if (context.version === '1.0') {
    out += 'connection: keep-alive\r\n'
  }
  return { text: out + '\r\n', framing, length, keepAlive }
}

/** Trailer section lines for a chunked body (RFC 9112 §7.1.2). */
export function serializeTrailers(trailers: readonly string[]): string {
  return fieldLines(trailers)
}
