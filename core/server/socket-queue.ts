/**
 * Push → pull bridge for callback sockets ('data' events or a `data` handler): the
 * engine pulls with `read()`, the socket pushes with `push()`. When more than
 * `highWaterMark` bytes wait unread, the socket is paused, so a client that sends faster
 * than the app reads fills the kernel buffers (TCP flow control), not our memory.
 * @module
 */

/** Pause/resume hooks of the underlying socket. */
export interface FlowControl {
  pause(): void
  resume(): void
}

type Waiter = { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void }

/** Queue of received chunks with one pending reader at most. */
export class SocketQueue {
  private readonly chunks: Uint8Array[] = []
  private queued = 0
  private waiter: Waiter | null = null
  private ended = false
  private failure: unknown = null
  private paused = false
  private readonly flow: FlowControl
  private readonly highWaterMark: number

  constructor(flow: FlowControl, highWaterMark: number = 64 * 1024) {
    this.flow = flow
    this.highWaterMark = highWaterMark
  }

  /** Bytes received from the socket. */
  push(chunk: Uint8Array): void {
    const waiter = this.waiter
    if (waiter !== null) {
      this.waiter = null
      waiter.resolve(chunk)
      return
    }
    this.chunks.push(chunk)
    this.queued += chunk.length
    if (!this.paused && this.queued >= this.highWaterMark) {
      this.paused = true
      this.flow.pause()
    }
  }

  /** The peer closed its side. */
  end(): void {
    this.ended = true
    const waiter = this.waiter
    if (waiter !== null && this.chunks.length === 0) {
      this.waiter = null
      waiter.resolve(null)
    }
  }

  /** The socket failed (reset, TLS error…). */
  error(error: unknown): void {
    this.failure = error ?? new Error('socket error')
    const waiter = this.waiter
    if (waiter !== null) {
      this.waiter = null
      waiter.reject(this.failure)
    }
  }

  /** The next chunk, or null at EOF. Only one read may be pending. */
  read(): Promise<Uint8Array | null> {
    if (this.chunks.length > 0) {
      const chunk = this.chunks.shift()!
      this.queued -= chunk.length
      if (this.paused && this.queued < this.highWaterMark) {
        this.paused = false
        this.flow.resume()
      }
      return Promise.resolve(chunk)
    }
    if (this.failure !== null) return Promise.reject(this.failure)
    if (this.ended) return Promise.resolve(null)
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject }
    })
  }
}
