/**
 * A `Response` that only records its body and init until something needs the real one. On
 * a runtime's own `new Response('Hello')` can cost 10–13 µs, most of a whole request's budget; the
 * server reads a light response's string or bytes body directly, with no stream at all.
 *
 * A driver may install it as the global `Response` (the bundled drivers do, unless told not
 * to); it is then what `new Response()` in app code builds. `instanceof Response` holds for
 * light and real responses alike, and every member not answered from the recorded init
 * (body, clone(), text(), …) builds the real Response and delegates to it.
 * @module
 */
import { isFieldValue } from '../http/abnf.ts'
import { hasField, headerList } from '../http/field-list.ts'
import { delegateToReal } from './delegate.ts'
import { PullBody } from './pull-body.ts'

/** Where an installed LightResponse keeps the runtime's own Response. */
export const REAL_RESPONSE: unique symbol = Symbol.for('portico.RealResponse') as never
// If a LightResponse is already installed (a second copy of this module), use the real one.
const RealResponse: typeof Response =
  (Response as unknown as { [REAL_RESPONSE]?: typeof Response })[REAL_RESPONSE] ?? Response
const TEXT_PLAIN = 'text/plain;charset=UTF-8'

/** The parts of a light response the server can write without building the real one. */
export interface ResponseParts {
  status: number
  statusText: string
  /** Flat header list. */
  headers: string[]
  /** A string (UTF-8), bytes, or null for no body. */
  body: string | Uint8Array | null
}

/** Reads a light response's parts, or returns null when the real Response is needed. */
export let responseParts: (response: unknown) => ResponseParts | null

/**
 * The `body` stream of a light response with a string or bytes body, and that body: while
 * nobody has read the stream, a response built from it (`new Response(r.body, r)`, which
 * Hono's `c.header()` after `next()` does) is light too and is written from `source`, with no
 * real Response and no stream read. The first reader (a read, a cancel, or the server writing
 * either response) sets `used`; the stream is then what it is for the standard: read once.
 */
interface BodyStream {
  readonly stream: ReadableStream<Uint8Array>
  readonly source: string | Uint8Array
  used: boolean
}
const bodyStreams = new WeakMap<ReadableStream, BodyStream>()
const utf8 = new TextEncoder()

function newBodyStream(source: string | Uint8Array): BodyStream {
  const entry = { source, used: false } as { stream: ReadableStream<Uint8Array>; source: string | Uint8Array; used: boolean }
  // A byte stream (as a Response's body is) that produces its bytes when first read.
  const stream = new ReadableStream<Uint8Array>({
    type: 'bytes',
    pull(controller) {
      if (entry.used) return controller.error(new TypeError('the body has already been read'))
      entry.used = true
      // A copy made with the constructor: enqueue() transfers its buffer, and a Buffer's slice() is a view.
      controller.enqueue(typeof source === 'string' ? utf8.encode(source) : new Uint8Array(source))
      controller.close()
    },
    cancel() {
      entry.used = true
    },
  })
  entry.stream = stream
  bodyStreams.set(stream, entry)
  return entry
}

/** The parts of a light response whose body is a `PullBody` (see pull-body.ts). */
export interface PulledResponseParts {
  status: number
  statusText: string
  /** Flat header list. */
  headers: string[]
  body: PullBody
}

/**
 * A light response's parts and its `PullBody`, or null when it has another body or its real
 * Response was built (someone read `body`: the body is that stream's).
 */
export let pulledResponseParts: (response: unknown) => PulledResponseParts | null

/** See the module comment. */
export class LightResponse {
  #body: unknown
  #init: ResponseInit | undefined
  #headers: Headers | null = null
  #real: Response | null = null
  /** The `body` stream handed out, or adopted from another light response (see `BodyStream`). */
  #stream: BodyStream | null = null
  /** The body was given as a stream (an adopted one): no default Content-Type. */
  #fromStream = false

  constructor(body?: BodyInit | null, given?: ResponseInit) {
    const init = readInit(given)
    const status = init?.status
    if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive (got ${status})`)
    }
    if (init?.statusText !== undefined && !isFieldValue(init.statusText)) throw new TypeError('invalid statusText')
    if (body != null && (status === 204 || status === 205 || status === 304)) {
      throw new TypeError(`a response with status ${status} cannot have a body`)
    }
    this.#body = body ?? null
    this.#init = init
    if (body instanceof ReadableStream) {
      const light = bodyStreams.get(body)
      // Another light response's unread body: this one is written from the same source.
      if (light !== undefined && !light.used && !body.locked) {
        this.#stream = light
        this.#body = light.source
        this.#fromStream = true
      }
    }
  }

  static {
    responseParts = (response) => {
      // A brand check: `instanceof LightResponse` is true of real Responses too (hasInstance).
      if (typeof response !== 'object' || response === null || !(#real in response) || response.#real !== null) return null
      const stream = response.#stream
      if (stream !== null) {
        // Its body stream is out: written from the source only if nobody has read it.
        if (stream.used || stream.stream.locked) return null
        stream.used = true
      }
      const body = response.#body
      let bytes: string | Uint8Array | null
      if (body === null || typeof body === 'string' || body instanceof Uint8Array) bytes = body
      else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body)
      else return null
      const headers = response.#headers !== null ? headerList(response.#headers) : initHeaders(response.#init?.headers)
      if (headers === null) return null
      if (typeof body === 'string' && !response.#fromStream && !hasField(headers, 'content-type')) headers.push('content-type', TEXT_PLAIN)
      return { status: response.status, statusText: response.statusText, headers, body: bytes }
    }
    pulledResponseParts = (response) => {
      if (typeof response !== 'object' || response === null || !(#real in response) || response.#real !== null) return null
      const body = response.#body
      if (!(body instanceof PullBody)) return null
      const headers = response.#headers !== null ? headerList(response.#headers) : initHeaders(response.#init?.headers)
      if (headers === null) return null
      return { status: response.status, statusText: response.statusText, headers, body }
    }
  }

  get status(): number {
    return this.#real?.status ?? this.#init?.status ?? 200
  }

  get statusText(): string {
    return this.#real?.statusText ?? this.#init?.statusText ?? ''
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299
  }

  get headers(): Headers {
    if (this.#real !== null) return this.#real.headers
    if (this.#headers === null) {
      const headers = new Headers(this.#init?.headers)
      if (typeof this.#body === 'string' && !this.#fromStream && !headers.has('content-type')) headers.set('content-type', TEXT_PLAIN)
      this.#headers = headers
    }
    return this.#headers
  }

  /**
   * `body`, light while the body is a string or bytes: a stream that a response built from it
   * can adopt unread (see `BodyStream`). Anything else comes from the real Response.
   */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real !== null) return this.#real.body
    if (this.#stream !== null) return this.#stream.stream
    const body = this.#body
    if (body === null) return null
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return LightResponse.materialize(this).body
    this.#stream = newBodyStream(body)
    return this.#stream.stream
  }

  /** `bodyUsed`, light while the body is a string or bytes: whether its stream was read. */
  get bodyUsed(): boolean {
    if (this.#real !== null) return this.#real.bodyUsed
    const body = this.#body
    if (body === null) return false
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return LightResponse.materialize(this).bodyUsed
    return this.#stream?.used ?? false
  }

  /** Builds the real Response once, with the recorded body and init (and any header changes). */
  static materialize(response: LightResponse): Response {
    if (response.#real === null) {
      const init: ResponseInit = { ...response.#init }
      if (response.#headers !== null) init.headers = response.#headers
      const stream = response.#stream
      if (stream === null) {
        const body = response.#body
        // A pull body becomes a stream now, and the stream owns its source from here on.
        response.#real = new RealResponse((body instanceof PullBody ? body.stream() : body) as BodyInit | null, init)
      }
      else if (!stream.used && !stream.stream.locked) {
        // Once its stream is out, the body is that stream: read once, whichever way.
        response.#real = new RealResponse(stream.stream, init)
      } else {
        // Already read: the standard Response would not take that stream, so it gets one that
        // is used up too (text() and the like reject, bodyUsed is true).
        const real = new RealResponse(new ReadableStream(), init)
        void real.body!.cancel()
        response.#real = real
      }
    }
    return response.#real
  }

  /** `Response.json()`, light. */
  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data)
    if (body === undefined) throw new TypeError('the value is not JSON-serializable')
    const given = readInit(init)
    if (given?.headers === undefined) {
      return new LightResponse(body, { ...given, headers: { 'content-type': 'application/json' } }) as unknown as Response
    }
    const headers = new Headers(given.headers)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    return new LightResponse(body, { ...given, headers }) as unknown as Response
  }

  static error(): Response {
    return RealResponse.error()
  }

  static redirect(url: string | URL, status?: number): Response {
    return RealResponse.redirect(url, status)
  }

  /** Real responses (from fetch, say) are Responses too. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof RealResponse
  }
}

Object.defineProperty(LightResponse, REAL_RESPONSE, { value: RealResponse })
Object.setPrototypeOf(LightResponse, RealResponse)
delegateToReal(LightResponse, RealResponse, (self: LightResponse) => LightResponse.materialize(self))

/** HeadersInit → flat list without building a Headers; null for shapes left to Headers. */
function initHeaders(init: HeadersInit | undefined): string[] | null {
  if (init === undefined) return []
  if (init instanceof Headers) return headerList(init)
  const out: string[] = []
  if (Array.isArray(init)) {
    for (const pair of init) {
      if (pair.length !== 2) return null
      out.push(pair[0]!, trimHttpWhitespace(String(pair[1])))
    }
    return out
  }
  if (typeof init !== 'object' || Object.getPrototypeOf(init) !== Object.prototype) return null
  for (const name in init) out.push(name, trimHttpWhitespace(String((init as Record<string, string>)[name])))
  return out
}

/** Headers normalizes values by stripping HTTP whitespace at both ends (Fetch §2.2). */
function trimHttpWhitespace(value: string): string {
  return /^[\t\n\r ]|[\t\n\r ]$/.test(value) ? value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '') : value
}

/**
 * The init as the standard reads it (WebIDL dictionary conversion): each member read once,
 * inherited getters included. An init may be another Response (`new Response(r.body, r)`,
 * which Hono's `c.header()` does after `next()`): its status is a getter on the prototype,
 * which a spread would lose.
 */
function readInit(init: ResponseInit | undefined): ResponseInit | undefined {
  if (init === undefined || init === null) return undefined
  return { headers: init.headers, status: init.status, statusText: init.statusText }
}
