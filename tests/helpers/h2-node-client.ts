/**
 * Node's own HTTP/2 client (node:http2) for the real-client and load tests: open a session
 * (h2c with prior knowledge, or TLS with ALPN), send one request on it and collect the answer.
 * Bodies are either kept (`body`) or only counted (`bytes`), so that a 1 GB download costs no
 * memory on the test side. Every wait is bounded by the stream's own timeout.
 * @module
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'

/** One answered stream. */
export interface H2Response {
  status: number
  headers: IncomingHttpHeaders
  /** The body, when the request asked to keep it; empty otherwise. */
  body: Buffer
  /** Body bytes received. */
  bytes: number
}

/** What a request sends and how long it may take. */
export interface H2RequestOptions {
  /** Sent as one DATA run, then END_STREAM; a number sends that many zero bytes with backpressure. */
  body?: Uint8Array | string | number
  /** Count the body without keeping it (big downloads). */
  discardBody?: boolean
  timeoutMs?: number
}

/** Opens a session to `origin`; for `https:` the test certificate is not checked. */
export function connectH2(origin: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, { rejectUnauthorized: false })
    session.once('connect', () => {
      session.off('error', reject)
      // A session-level error after connect fails the streams still open; keep it from crashing vitest.
      session.on('error', () => {})
      resolve(session)
    })
    session.once('error', reject)
  })
}

/** Writes `total` zero bytes to `stream` in 1 MiB pieces, waiting for 'drain', then ends it. */
async function writeZeros(stream: ClientHttp2Stream, total: number): Promise<void> {
  const piece = new Uint8Array(1024 * 1024)
  for (let left = total; left > 0 && !stream.destroyed; left -= piece.length) {
    const ok = stream.write(left >= piece.length ? piece : piece.subarray(0, left))
    if (!ok) await new Promise<void>((resume) => stream.once('drain', resume).once('close', resume))
  }
  stream.end()
}

/** Sends one request on `session`; resolves when its response has ended. */
export function h2Request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, options: H2RequestOptions = {}): Promise<H2Response> {
  const { body, discardBody = false, timeoutMs = 20_000 } = options
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined })
    const chunks: Buffer[] = []
    let bytes = 0
    let status = 0
    let responseHeaders: IncomingHttpHeaders = {}
    stream.setTimeout(timeoutMs, () => stream.close(http2.constants.NGHTTP2_CANCEL))
    stream.on('response', (head) => {
      responseHeaders = head
      status = Number(head[':status'])
    })
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (!discardBody) chunks.push(chunk)
    })
    stream.on('end', () => resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks), bytes }))
    stream.on('error', reject)
    stream.on('close', () => {
      if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
        reject(new Error(`${String(headers[':path'])}: stream closed with code ${stream.rstCode} after ${bytes} body bytes`))
      }
    })
    if (typeof body === 'number') void writeZeros(stream, body)
    else if (body !== undefined) stream.end(body)
  })
}

/** Closes `session` gracefully, or destroys it if that takes longer than `ms`. */
export function closeH2(session: ClientHttp2Session | undefined, ms = 2000): Promise<void> {
  if (session === undefined || session.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      session.destroy()
      resolve()
    }, ms)
    session.close(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
