/**
 * A `Request` that costs almost nothing until the app needs more than its method, URL and
 * headers. Building a real Request costs 1–6 µs per request (depending on the runtime), a large
 * share of a whole request's budget; most apps read only method, url and a header or two.
 *
 * Its prototype chain runs through the runtime's `Request.prototype`, so `instanceof Request`
 * and `Object.prototype.toString` hold. Method, url, headers, signal and the body readers
 * (text, json, arrayBuffer, bytes, blob) are served directly; every other member first
 * builds the real Request (same method, URL, headers, body stream and signal) and delegates
 * to it, so what the standard says of those members holds because the runtime does it.
 * @module
 */
import { concatBytes } from '../http/ascii.ts'
import { delegateToReal } from './delegate.ts'
import { getHeader } from '../http/field-list.ts'

/** Where a request's body comes from. */
export interface BodySource {
  /** The next chunk, waiting for the socket if needed; null at the end. */
  read(): Promise<Uint8Array | null>
  /** The next chunk if it is already here: bytes, null at the end, undefined if read() must wait. */
  readBuffered(): Uint8Array | null | undefined
}

const EMPTY = new Uint8Array(0)
const decoder = new TextDecoder()
const RealRequest = Request

/** Aborts a light request's signal (the client went away); set in the class's static block. */
export let abortRequest: (request: LightRequest, reason?: unknown) => void

/** The client of a light request went away (without creating its signal); set in the static block. */
export let isRequestAborted: (request: LightRequest) => boolean

/**
 * The `info` a request was served with, or undefined for other requests: how
 * `upgradeWebSocket(request)` finds the connection to upgrade. Set in the class's static block.
 */
export let requestInfo: (request: unknown) => unknown

/** Where another copy of this module finds a request's info (see `requestInfo`). */
const INFO: unique symbol = Symbol.for('portico.requestInfo') as never

/** See the module comment. Create with `new LightRequest(…)`; apps only ever see it as a Request. */
export class LightRequest {
  #method: string
  #url: string
  #list: readonly string[]
  #source: BodySource | null
  #headers: Headers | null = null
  #controller: AbortController | null = null
  #abortReason: unknown = undefined
  #aborted = false
  #stream: ReadableStream<Uint8Array> | null = null
  #used = false
  #real: Request | null = null

  #info: unknown

  constructor(method: string, url: string, headers: readonly string[], body: BodySource | null, info?: unknown) {
    this.#method = method
    this.#url = url
    this.#list = headers
    this.#source = body
    this.#info = info
  }

  static {
    // Through a registered symbol as well: the CLI and the app may load two copies of this
    // module (source and dist/ bundle), and a private field is only seen by its own copy.
    requestInfo = (request) => {
      if (typeof request !== 'object' || request === null) return undefined
      if (#info in request) return request.#info
      const read = (request as { [INFO]?: () => unknown })[INFO]
      return typeof read === 'function' ? read.call(request) : undefined
    }
    isRequestAborted = (request) => request.#aborted
    abortRequest = (request, reason) => {
      if (request.#aborted) return
      request.#aborted = true
      request.#abortReason = reason
      request.#controller?.abort(reason)
    }
  }

  get method(): string {
    return this.#method
  }

  get url(): string {
    return this.#url
  }

  get headers(): Headers {
    if (this.#real !== null) return this.#real.headers
    if (this.#headers === null) {
      const headers = new Headers()
      const list = this.#list
      for (let i = 0; i < list.length; i += 2) headers.append(list[i]!, list[i + 1]!)
      this.#headers = headers
    }
    return this.#headers
  }

  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#abortReason)
    }
    return this.#controller.signal
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real !== null) return this.#real.body
    return this.#bodyStream()
  }

  get bodyUsed(): boolean {
    return this.#real !== null ? this.#real.bodyUsed : this.#used
  }

  text(): Promise<string> {
    return this.#readAll().then((bytes) => decoder.decode(bytes))
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text))
  }

  bytes(): Promise<Uint8Array> {
    return this.#readAll().then((bytes) => new Uint8Array(bytes))
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    // A copy: the bytes are a view into a socket buffer, which may hold the next request.
    return this.#readAll().then((bytes) => new Uint8Array(bytes).buffer as ArrayBuffer)
  }

  blob(): Promise<Blob> {
    return this.#readAll().then((bytes) => new Blob([bytes as Uint8Array<ArrayBuffer>], { type: getHeader(this.#list, 'content-type') ?? '' }))
  }

  /** The real Request, built once with the same method, URL, headers, body and signal. */
  #materialize(): Request {
    if (this.#real === null) {
      const init: RequestInit & { duplex?: 'half' } = { method: this.#method, headers: this.headers, signal: this.signal }
      const body = this.#bodyStream()
      if (body !== null) {
        init.body = body
        init.duplex = 'half'
      }
      this.#real = new RealRequest(this.#url, init)
    }
    return this.#real
  }

  #bodyStream(): ReadableStream<Uint8Array> | null {
    const source = this.#source
    if (source === null) return null
    if (this.#stream === null) {
      this.#stream = new ReadableStream<Uint8Array>(
        {
          pull: async (controller) => {
            this.#used = true
            const buffered = source.readBuffered()
            const chunk = buffered !== undefined ? buffered : await source.read()
            if (chunk === null) controller.close()
            else controller.enqueue(chunk)
          },
        },
        { highWaterMark: 0 },
      )
    }
    return this.#stream
  }

  /** The whole body, read straight from the connection unless a stream or real Request exists. */
  async #readAll(): Promise<Uint8Array> {
    if (this.#real !== null || this.#stream !== null) {
      return new Uint8Array(await this.#materialize().arrayBuffer())
    }
    if (this.#used) throw new TypeError('Body is unusable: it has already been read')
    this.#used = true
    const source = this.#source
    if (source === null) return EMPTY
    const chunks: Uint8Array[] = []
    for (;;) {
      // What is already buffered is taken without a promise per chunk.
      const buffered = source.readBuffered()
      const chunk = buffered !== undefined ? buffered : await source.read()
      if (chunk === null) break
      chunks.push(chunk)
    }
    return chunks.length === 1 ? chunks[0]! : concatBytes(chunks)
  }

  /** Used by the generic delegates below. */
  static materialize(request: LightRequest): Request {
    return request.#materialize()
  }
}

// Every other member of the runtime's Request (clone, formData, cache, mode, … and any
// runtime extras) is delegated to the real Request.
delegateToReal(LightRequest, RealRequest, (self: LightRequest) => LightRequest.materialize(self))
