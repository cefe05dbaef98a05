/**
 * The body of the HTTP/1.1 request being answered, as the app reads it (`BodySource`):
 * chunks already buffered when the request was dispatched first (checked before the app
 * ran), then the engine's, reading the socket only when the app asks. A 100 Continue goes
 * out before the first read that needs one.
 * @module
 */
import type { BodySource } from '../fetch/light-request.ts'
import type { Connection } from '../http1/connection.ts'
import { NEED_DATA, PAUSED, type ServerEvent } from '../http1/events.ts'

/** What the body needs of its connection loop. */
export interface BodyHost {
  readonly conn: Connection
  /** The engine's next event (the loop's single call site of `Connection.next()`). */
  pull(): ServerEvent | typeof NEED_DATA | typeof PAUSED
  /** Reads the socket once into the engine. */
  fill(): Promise<void>
  write(bytes: Uint8Array): void | Promise<void>
  /** The body has ended: from now on a read only tells whether the client is still there. */
  bodyEnded(): void
}

/** See the module comment. One per connection, reset for each request. */
export class Http1Body implements BodySource {
  /** No more body to read (none, or its end was seen). */
  complete = true
  private readonly host: BodyHost
  private readonly prefetched: Uint8Array[] = []

  constructor(host: BodyHost) {
    this.host = host
  }

  /** A new request: `contentLength` 0 has no body; null is chunked. */
  reset(contentLength: number | null): void {
    this.complete = contentLength === 0
    // Guarded: on JavaScriptCore, setting an array's length is a runtime call even when it is 0.
    if (this.prefetched.length !== 0) this.prefetched.length = 0
  }

  /**
   * Takes the chunks already buffered (views, no copies) up to the first wait. Throws the
   * engine's RemoteProtocolError if they break the framing: the request never reaches the app.
   */
  prefetch(): void {
    for (;;) {
      const chunk = this.nextChunk()
      if (chunk === NEED_DATA || chunk === null) return
      this.prefetched.push(chunk)
    }
  }

  async read(): Promise<Uint8Array | null> {
    if (this.prefetched.length > 0) return this.prefetched.shift()!
    const host = this.host
    if (host.conn.waitingForContinue) await host.write(host.conn.send({ type: 'informational', status: 100 }))
    for (;;) {
      const chunk = this.nextChunk()
      if (chunk !== NEED_DATA) return chunk
      await host.fill()
    }
  }

  readBuffered(): Uint8Array | null | undefined {
    if (this.prefetched.length > 0) return this.prefetched.shift()!
    if (this.host.conn.waitingForContinue) return undefined
    const chunk = this.nextChunk()
    return chunk === NEED_DATA ? undefined : chunk
  }

  /** The next body chunk the engine has, null at the body's end, or NEED_DATA. */
  private nextChunk(): Uint8Array | null | typeof NEED_DATA {
    if (this.complete) return null
    const event = this.host.pull()
    if (event === NEED_DATA) return NEED_DATA
    if (event !== PAUSED && event.type === 'data') return event.bytes
    this.complete = true
    this.host.bodyEnded()
    return null
  }
}
