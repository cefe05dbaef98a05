/**
 * Exchange-level vectors: a byte stream sent to the whole server (engine, connection loop,
 * exchange) and what must come back: the statuses in order, whether the app ran for each
 * request, whether the connection stays open. Run whole and split at every offset by
 * tests/core/server/dispatch.test.ts.
 * @module
 */

/** One dispatch vector. */
export interface DispatchVector {
  name: string
  why: string
  /** Bytes as a latin1 string. */
  input: string
  /** The app reads the request body (echoes it) or ignores it. */
  app: 'echo' | 'ignore-body'
  /** Response statuses in order, when the whole input arrives in one read. */
  statuses: number[]
  /** When the input arrives split, if that may differ (a broken body found later). */
  splitStatuses?: number[]
  /** How many times the app runs, when the input arrives in one read. */
  appCalls: number
  /** The server closes the connection after the last response. */
  closes: boolean
  /** No `100 Continue` may be sent. */
  noContinue?: boolean
  /** The body the echo app must have read, however the input was split. */
  echoed?: string
}

const POST = 'POST / HTTP/1.1\r\nHost: a\r\n'
const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'

export const dispatchVectors: DispatchVector[] = [
  {
    name: 'Expect: 100-continue with Content-Length: 0, a request pipelined behind',
    why: 'RFC 9110 §10.1.1: no content to hold back, so no 100 and no reason to close; the pipelined request is answered',
    input: `${POST}Expect: 100-continue\r\nContent-Length: 0\r\n\r\n${GET}`,
    app: 'echo',
    statuses: [200, 200],
    appCalls: 2,
    closes: false,
    noContinue: true,
  },
  {
    name: 'Expect: 100-continue with Content-Length: 0, app ignores the body',
    why: 'RFC 9110 §10.1.1: an empty body is complete at the head; keep-alive holds',
    input: `${POST}Expect: 100-continue\r\nContent-Length: 0\r\n\r\n${GET}`,
    app: 'ignore-body',
    statuses: [200, 200],
    appCalls: 2,
    closes: false,
    noContinue: true,
  },
  {
    name: 'malformed chunk-size right after the head, app ignores the body',
    why: 'RFC 9112 §7.1: a message already known to be malformed must not reach the app: 400 and close',
    input: `${POST}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`,
    app: 'ignore-body',
    statuses: [400],
    // The head alone reaches the app; the broken body is found while draining: the response
    // stands, the connection closes.
    splitStatuses: [200],
    appCalls: 0,
    closes: true,
  },
  {
    name: 'malformed chunk-size right after the head, app reads the body',
    why: 'RFC 9112 §7.1: 400 whether the break is seen at dispatch or while the app reads',
    input: `${POST}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`,
    app: 'echo',
    statuses: [400],
    appCalls: 0,
    closes: true,
  },
  {
    name: 'chunk data not followed by CRLF, in the same read as the head',
    why: 'RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF; broken at dispatch → 400 before the app',
    input: `${POST}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n`,
    app: 'ignore-body',
    statuses: [400],
    splitStatuses: [200],
    appCalls: 0,
    closes: true,
  },
  {
    name: 'valid chunked body in the same read as the head, then a pipelined GET',
    why: 'RFC 9112 §9.3.2: checking the buffered body at dispatch keeps its bytes for the app and the order of responses',
    input: `${POST}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n${GET}`,
    app: 'echo',
    statuses: [200, 200],
    appCalls: 2,
    closes: false,
    echoed: 'abcde',
  },
  {
    name: 'GET with a malformed chunked body in the same read',
    why: 'RFC 9112 §6.3: a body on GET is still framed; broken framing → 400 before the app',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nnope\r\n',
    app: 'ignore-body',
    statuses: [400],
    splitStatuses: [200],
    appCalls: 0,
    closes: true,
  },
]
