/**
 * The HTTP/1.1 side of writing a response: `ResponseSink` on the engine's `Connection`. It
 * frames (the engine picks Content-Length, chunked or close-delimited) and hands the bytes
 * to the connection loop's writer, which owns the socket.
 * @module
 */
import { concatBytes } from '../http/ascii.ts'
import type { Connection } from '../http1/connection.ts'
import type { ResponseHead, ResponseSink } from './response-writer.ts'

const EMPTY = new Uint8Array(0)

/** How the sink reaches the socket: the loop's own write path. */
export interface Http1Output {
  write(bytes: Uint8Array): void | Promise<void>
  writeMany(parts: Uint8Array[]): void | Promise<void>
  /** Ends the connection at once (a message that failed mid-body). */
  abort(): void
}

/** One per connection; each response of the connection goes through it in turn. */
export class Http1Sink implements ResponseSink {
  private readonly conn: Connection
  private readonly output: Http1Output

  constructor(conn: Connection, output: Http1Output) {
    this.conn = conn
    this.output = output
  }

  get canRespond(): boolean {
    return this.conn.serverState === 'send-response'
  }

  whole(head: ResponseHead, body: Uint8Array | string | null): number | Promise<number> {
    const conn = this.conn
    let out: Uint8Array
    let sent: number
    if (body === null && conn.currentRequest?.method === 'HEAD') {
      // A HEAD answered without a body says nothing about the length (RFC 9110 §8.6).
      out = concatBytes([conn.send({ type: 'response', status: head.status, reason: head.reason, headers: head.headers }), conn.send({ type: 'end' })])
      sent = 0
    } else {
      out = conn.respond({ type: 'response', status: head.status, reason: head.reason, headers: head.headers }, body ?? EMPTY)
      sent = conn.respondedBodyBytes
    }
    const pending = this.output.write(out)
    return pending === undefined ? sent : pending.then(() => sent)
  }

  start(head: ResponseHead, first: Uint8Array): void | Promise<void> {
    const bytes = this.conn.send({ type: 'response', status: head.status, reason: head.reason, headers: head.headers })
    return this.output.writeMany([bytes, ...this.conn.sendParts(first)])
  }

  data(bytes: Uint8Array): void | Promise<void> {
    return this.output.writeMany(this.conn.sendParts(bytes))
  }

  end(): void | Promise<void> {
    return this.output.write(this.conn.send({ type: 'end' }))
  }

  fail(): void {
    this.conn.sendFailed()
    this.output.abort()
  }
}
