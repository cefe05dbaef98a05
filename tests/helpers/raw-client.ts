/**
 * A raw HTTP/1.1 client for integration tests: exact bytes out over node:net (or a unix
 * socket), raw bytes back, and a small strict response parser. Fetch and curl normalize
 * too much to test framing, pipelining, 100-continue or truncation; this does not.
 * Every wait has a deadline.
 * @module
 */
import net from 'node:net'

/** One parsed response. Header names are lower-cased; repeated fields stay separate. */
export interface RawResponse {
  status: number
  reason: string
  headers: Array<[string, string]>
  body: Buffer
  /** The body was framed by chunked encoding. */
  chunked: boolean
}

/** What `parseResponses` found in a byte string. */
export interface ParseResult {
  responses: RawResponse[]
  /** Bytes after the last complete response: a truncated (or still arriving) response. */
  rest: Buffer
}

/** Where to connect. */
export type Target = { port: number; host?: string } | { path: string }

/** Options for one connection. */
export interface ConnectOptions {
  /** Deadline for each wait on this connection, ms. Default 5 000. */
  timeoutMs?: number
}

/** First value of header `name`, lower-case match. */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1]
}

/** Every value of header `name`. */
export function headerValues(response: RawResponse, name: string): string[] {
  return response.headers.filter(([n]) => n === name).map(([, v]) => v)
}

const CRLF = Buffer.from('\r\n')
const BLANK = Buffer.from('\r\n\r\n')

/**
 * Parses the complete responses in `bytes`, in order. `methods[i]` is the method of the
 * i-th request (HEAD responses have no body); 1xx responses are returned too but do not
 * consume a method. With `eof`, a response delimited by close ends at the end of the bytes.
 */
export function parseResponses(bytes: Buffer, methods: readonly string[] = [], eof = false): ParseResult {
  const responses: RawResponse[] = []
  let offset = 0
  let final = 0
  for (;;) {
    const parsed = parseOne(bytes, offset, methods[final] ?? 'GET', eof)
    if (parsed === null) break
    responses.push(parsed.response)
    if (parsed.response.status >= 200) final++
    offset = parsed.end
    if (offset === bytes.length) break
  }
  return { responses, rest: bytes.subarray(offset) }
}

function parseOne(
  bytes: Buffer,
  start: number,
  method: string,
  eof: boolean,
): { response: RawResponse; end: number } | null {
  const headEnd = bytes.indexOf(BLANK, start)
  if (headEnd === -1) return null
  const lines = bytes.subarray(start, headEnd).toString('latin1').split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '')
  if (match === null) throw new Error(`not a status line: ${JSON.stringify(lines[0])}`)
  const status = Number(match[1])
  const headers: Array<[string, string]> = lines.slice(1).map((line) => {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`)
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
  })
  const response: RawResponse = { status, reason: match[2] ?? '', headers, body: Buffer.alloc(0), chunked: false }
  const bodyStart = headEnd + 4
  // RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304.
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return { response, end: bodyStart }
  const te = header(response, 'transfer-encoding')
  if (te !== undefined && /(^|,)\s*chunked\s*$/i.test(te)) {
    response.chunked = true
    return readChunked(bytes, bodyStart, response)
  }
  const cl = header(response, 'content-length')
  if (cl !== undefined) {
    const end = bodyStart + Number(cl)
    if (end > bytes.length) return null
    response.body = bytes.subarray(bodyStart, end)
    return { response, end }
  }
  if (!eof) return null
  response.body = bytes.subarray(bodyStart)
  return { response, end: bytes.length }
}

function readChunked(bytes: Buffer, start: number, response: RawResponse): { response: RawResponse; end: number } | null {
  const parts: Buffer[] = []
  let offset = start
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, offset)
    if (lineEnd === -1) return null
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16)
    if (Number.isNaN(size)) throw new Error('bad chunk size line')
    offset = lineEnd + 2
    if (size === 0) {
      // Trailer section, then the blank line.
      for (;;) {
        const end = bytes.indexOf(CRLF, offset)
        if (end === -1) return null
        const empty = end === offset
        offset = end + 2
        if (empty) break
      }
      response.body = Buffer.concat(parts)
      return { response, end: offset }
    }
    if (offset + size + 2 > bytes.length) return null
    parts.push(bytes.subarray(offset, offset + size))
    offset += size + 2
  }
}

/** One raw connection. */
export class RawConnection {
  /** Everything received so far. */
  received: Buffer = Buffer.alloc(0)
  /** The server closed (or reset) the connection. */
  closed = false
  /** The error that ended the connection, if any (e.g. ECONNRESET). */
  error: Error | null = null
  private readonly socket: net.Socket
  private readonly timeoutMs: number
  private readonly waiters = new Set<() => void>()

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.socket = socket
    this.timeoutMs = timeoutMs
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
      this.wake()
    })
    socket.on('error', (error) => {
      this.error = error
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  /** Connects, or rejects (e.g. ECONNREFUSED) within the deadline. */
  static connect(target: Target, options: ConnectOptions = {}): Promise<RawConnection> {
    const timeoutMs = options.timeoutMs ?? 5000
    return new Promise((resolve, reject) => {
      const socket =
        'path' in target ? net.connect(target.path) : net.connect(target.port, target.host ?? '127.0.0.1')
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`connect timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new RawConnection(socket, timeoutMs))
      })
    })
  }

  /** Writes bytes (latin1 for strings) and waits until they are handed to the kernel. */
  write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()))
    })
  }

  /** Writes the last bytes and half-closes our side (FIN); reading goes on. */
  end(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    return new Promise((resolve) => this.socket.end(bytes, () => resolve()))
  }

  /** Writes the pieces one by one with `delayMs` between them; stops early if the server closes. */
  async trickle(pieces: ReadonlyArray<string | Uint8Array>, delayMs: number): Promise<void> {
    for (const [i, piece] of pieces.entries()) {
      if (this.closed) return
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      if (this.closed) return
      await this.write(piece).catch(() => {})
    }
  }

  /** Resolves once `done()` is true, rejects after the deadline with what was received. */
  until(done: () => boolean, what: string, timeoutMs = this.timeoutMs): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        const text = this.received.toString('latin1').slice(0, 2000)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${JSON.stringify(text)}`))
      }, timeoutMs)
      this.waiters.add(check)
    })
  }

  /** Waits for `count` final (status ≥ 200) responses; `methods` as in `parseResponses`. */
  async responses(count: number, methods: readonly string[] = []): Promise<RawResponse[]> {
    const finals = (): RawResponse[] =>
      parseResponses(this.received, methods, this.closed).responses.filter((r) => r.status >= 200)
    await this.until(() => finals().length >= count || this.closed, `${count} responses`)
    const found = finals()
    if (found.length < count) {
      const text = this.received.toString('latin1').slice(0, 2000)
      throw new Error(`connection closed after ${found.length} of ${count} responses; received: ${JSON.stringify(text)}`)
    }
    return found
  }

  /** Waits for the server to close; returns everything received. */
  async untilClosed(timeoutMs = this.timeoutMs): Promise<Buffer> {
    await this.until(() => this.closed, 'the server to close', timeoutMs)
    return this.received
  }

  /** Closes our side abruptly. */
  destroy(): void {
    this.socket.destroy()
  }

  private wake(): void {
    for (const check of [...this.waiters]) check()
  }
}

/**
 * Connects, sends `data` (as `pieces` with `delayMs` between them, if given), and reads
 * until `responses` final responses are parsed or the server closes. Always closes.
 */
export async function exchange(
  target: Target,
  data: string | Uint8Array | ReadonlyArray<string | Uint8Array>,
  options: ConnectOptions & { responses?: number; methods?: readonly string[]; delayMs?: number } = {},
): Promise<{ responses: RawResponse[]; rest: Buffer; closed: boolean; received: Buffer }> {
  const connection = await RawConnection.connect(target, options)
  try {
    if (Array.isArray(data)) await connection.trickle(data, options.delayMs ?? 0)
    else await connection.write(data as string | Uint8Array)
    const wanted = options.responses
    if (wanted === undefined) await connection.untilClosed()
    else await connection.until(
      () => connection.closed || parseResponses(connection.received, options.methods).responses.filter((r) => r.status >= 200).length >= wanted,
      `${wanted} responses`,
    )
    const parsed = parseResponses(connection.received, options.methods, connection.closed)
    return { ...parsed, closed: connection.closed, received: connection.received }
  } finally {
    connection.destroy()
  }
}
