/**
 * The raw TCP servers' shared logic: the least work that still answers HTTP/1.1 correctly, so
 * that what is left is the cost of the runtime's sockets, the floor of any JS server on them.
 * `RequestFramer` finds where each request ends (its head up to `\r\n\r\n`, then a
 * `Content-Length` body, skipped) and answers it with a canned response: `Hello, World!` for a
 * body-less request (GET), the body's length as text for one with a body (the POST scenario's
 * answer). One answer per request, in order, all those a read completes in one write: 16
 * pipelined requests in one read get 16 answers in one write; a head or body cut across reads
 * is finished on the next. No paths, methods or Request/Response objects; no chunked bodies
 * (wrk never sends them). A request with `Connection: close` gets its answer with
 * `Connection: close`, then the server closes and ignores what follows.
 * @module
 */

const encoder = new TextEncoder()
/** The keep-alive answer to a body-less request. */
export const HELLO: Uint8Array = encoder.encode('HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!')
/** The same, as the last answer on a connection the client asked to close. */
export const HELLO_CLOSE: Uint8Array = encoder.encode(
  'HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!',
)
/** The framing fields of a head; the head is sliced from just before its first field line. */
const FRAMING = /\r\n(content-length|connection)[ \t]*:[ \t]*([^\r]*)/gi
/** Heads larger than this without an end are refused (the server closes): memory stays bounded. */
const MAX_HEAD = 64 * 1024

/** The answer to a request whose body had `length` bytes: that length as text. */
const lengthAnswers = new Map<string, Uint8Array>()
function answer(length: number, close: boolean): Uint8Array {
  if (length === 0) return close ? HELLO_CLOSE : HELLO
  const key = `${length}${close ? 'c' : ''}`
  let bytes = lengthAnswers.get(key)
  if (bytes === undefined) {
    const text = String(length)
    bytes = encoder.encode(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${text}`)
    lengthAnswers.set(key, bytes)
  }
  return bytes
}

/** What one read completes: the bytes to write (empty: nothing yet), and whether to close after. */
export interface Answers {
  bytes: Uint8Array
  close: boolean
}
const NOTHING: Answers = { bytes: new Uint8Array(0), close: false }

/** One connection's request boundaries, fed each read as latin1 text (one char per byte). */
export class RequestFramer {
  /** An unfinished head, kept for the next read. */
  #head = ''
  /** Body bytes of the current request still to come, its length, and whether it asked to close. */
  #bodyLeft = 0
  #bodyLength = 0
  #closeAfterBody = false
  #closed = false

  feed(text: string): Answers {
    if (this.#closed) return NOTHING
    const parts: Uint8Array[] = []
    let at = 0
    if (this.#bodyLeft > 0) {
      at = Math.min(this.#bodyLeft, text.length)
      this.#bodyLeft -= at
      if (this.#bodyLeft > 0) return NOTHING
      parts.push(answer(this.#bodyLength, this.#closeAfterBody))
      if (this.#closeAfterBody) return this.#finish(parts, true)
    }
    let s = text
    if (this.#head !== '') {
      s = this.#head + text.slice(at)
      at = 0
      this.#head = ''
    }
    for (;;) {
      const end = s.indexOf('\r\n\r\n', at)
      if (end === -1) {
        this.#head = s.slice(at)
        if (this.#head.length > MAX_HEAD) return this.#finish(parts, true)
        break
      }
      let length = 0
      let close = false
      const head = s.slice(s.indexOf('\r\n', at), end + 2)
      FRAMING.lastIndex = 0
      for (let m = FRAMING.exec(head); m !== null; m = FRAMING.exec(head)) {
        if (m[1]!.length === 14) length = Number(m[2]) // content-length
        else close = m[2]!.toLowerCase() === 'close'
      }
      at = end + 4
      if (length > 0) {
        const have = s.length - at
        if (have < length) {
          this.#bodyLeft = length - have
          this.#bodyLength = length
          this.#closeAfterBody = close
          break
        }
        at += length
      }
      parts.push(answer(length, close))
      if (close) return this.#finish(parts, true)
    }
    return this.#finish(parts, false)
  }

  #finish(parts: Uint8Array[], close: boolean): Answers {
    if (close) this.#closed = true
    if (parts.length === 1) return { bytes: parts[0]!, close }
    const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
    let at = 0
    for (const p of parts) {
      bytes.set(p, at)
      at += p.length
    }
    return { bytes, close }
  }
}
