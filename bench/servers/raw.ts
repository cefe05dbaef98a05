/**
 * The raw TCP servers' shared logic: count the requests in what arrived (one per `\r\n\r\n`)
 * and answer each with a canned response. No parsing, no Request/Response objects: what
 * is left is the cost of the runtime's sockets, the ceiling of any JS server on them.
 * Only for body-less requests (the GET scenarios). A request head with `Connection: close`
 * gets the canned response with `Connection: close`, then the server closes.
 * @module
 */

const encoder = new TextEncoder()
/** The keep-alive answer. */
export const HELLO: Uint8Array = encoder.encode('HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!')
/** The last answer on a connection the client asked to close. */
export const HELLO_CLOSE: Uint8Array = encoder.encode(
  'HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!',
)
const CLOSE = /\r\nconnection: *close\r\n/i

/** Per-connection request counter over latin1 text; keeps an unfinished head for the next read. */
export class RequestCounter {
  #tail = ''
  /** What this chunk completes: a number of requests, and whether one asked to close. */
  feed(text: string): { requests: number; close: boolean } {
    const s = this.#tail + text
    let requests = 0
    let end = 0
    for (let i = s.indexOf('\r\n\r\n'); i !== -1; i = s.indexOf('\r\n\r\n', end)) {
      requests++
      end = i + 4
    }
    this.#tail = end === s.length ? '' : s.slice(end)
    return { requests, close: requests > 0 && CLOSE.test(s.slice(0, end)) }
  }
}

/** `n` keep-alive answers, then the close answer if `close`, as one write. */
export function answers(n: number, close: boolean): Uint8Array {
  if (n === 1) return close ? HELLO_CLOSE : HELLO
  const parts = Array.from({ length: close ? n - 1 : n }, () => HELLO)
  if (close) parts.push(HELLO_CLOSE)
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
