/**
 * What the two directions of one HTTP/2 connection share. The receive side
 * (`frame-receiver.ts`) and the send side (`connection.ts`) each keep their own state; what
 * both must agree on lives here: the stream table, the connection-level flow-control windows,
 * the output queue, the flood budgets (spent by the peer's frames, earned back by our
 * answers as well as by its requests) and where the connection is in its life (SETTINGS
 * acknowledged, GOAWAY sent or received, failed).
 *
 * The operations here are the ones both sides perform the same way: closing a stream and
 * settling its accounts, giving flow-control credit back, sending the GOAWAY that ends the
 * connection or a graceful shutdown.
 * @module
 */
import { ConnectionError } from './errors.ts'
import { Budget } from './flood-guard.ts'
import { ReceiveWindow } from './flow-window.ts'
import { goawayFrame, windowUpdateFrame } from './frame-serializer.ts'
import { DEFAULT_WINDOW_SIZE, ErrorCode } from './frame-types.ts'
import type { Http2Limits } from './limits.ts'
import { OutputQueue } from './output-queue.ts'
import { PeerSettings } from './settings.ts'
import type { CloseReason, Stream } from './stream.ts'
import { StreamTable } from './stream-table.ts'

/** The opaque data of the PING that ends the first phase of a graceful shutdown. */
export const SHUTDOWN_PING: Uint8Array = new Uint8Array([0x73, 0x68, 0x75, 0x74, 0x64, 0x6f, 0x77, 0x6e]) // 'shutdown'

/** The state one connection's receive and send sides share. */
export class ConnectionState {
  readonly limits: Http2Limits
  /** The peer's SETTINGS as last received. */
  readonly peer: PeerSettings = new PeerSettings()
  readonly streams: StreamTable
  readonly output: OutputQueue
  /** What we may still send on the connection as a whole (§6.9.1). */
  sendWindow: number = DEFAULT_WINDOW_SIZE
  /** What the peer may still send on the connection as a whole. */
  readonly receiveWindow: ReceiveWindow
  /** Frames that carry no request forward (see `Http2Limits.maxControlFrames`). */
  readonly control: Budget
  /** Streams ended before an answer (see `Http2Limits.maxUnansweredResets`). */
  readonly resets: Budget
  /** Our SETTINGS frames not yet acknowledged. */
  settingsUnacked = 0
  /** The peer has acknowledged our SETTINGS at least once (its windows now use our sizes). */
  settingsAcked = false
  /** Last stream id of our final GOAWAY, or -1: streams above it are ignored. */
  goawayLastStreamId = -1
  goawayReceived = false
  /** A graceful shutdown waits for the ack of `SHUTDOWN_PING`. */
  shutdownPingPending = false
  /** A GOAWAY ended the connection: nothing is received or sent any more. */
  failed = false

  constructor(limits: Http2Limits) {
    this.limits = limits
    this.streams = new StreamTable(limits.maxConcurrentStreams)
    this.output = new OutputQueue(limits.maxQueuedControlBytes)
    this.receiveWindow = new ReceiveWindow(limits.connectionWindowSize)
    this.control = new Budget(limits.maxControlFrames)
    this.resets = new Budget(limits.maxUnansweredResets)
  }

  /** True once a GOAWAY was sent or received (or the connection failed) and no stream remains. */
  get isDone(): boolean {
    if (this.failed) return true
    return (this.goawayLastStreamId >= 0 || this.goawayReceived) && this.streams.active === 0
  }

  /** Queues GOAWAY(highest stream id so far, code): streams above it will be ignored. */
  goaway(code: number): void {
    this.output.push(goawayFrame(this.streams.highestId, code))
    this.goawayLastStreamId = this.streams.highestId
  }

  /** The peer's frame cost us work without moving a request forward; throws when the budget is spent. */
  spendControl(): void {
    if (!this.control.spend()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxControlFrames} frames that carry no request`)
    }
  }

  /** A stream ended before we answered it; throws when the budget is spent (rapid reset). */
  spendReset(): void {
    if (!this.resets.spend()) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxUnansweredResets} streams ended before an answer (rapid reset)`)
    }
  }

  /** We sent END_STREAM on `stream`. */
  endLocal(stream: Stream): void {
    stream.endLocal()
    this.settle(stream)
  }

  /** `stream` was reset (by us or by the peer). */
  close(stream: Stream, reason: CloseReason): void {
    stream.close(reason)
    this.settle(stream)
  }

  /** Once a stream is closed: it stops counting, a reset one gives its bytes back, it is forgotten when drained. */
  settle(stream: Stream): void {
    this.giveBack(this.streams.settle(stream))
  }

  /** Connection-level bytes nobody will consume (padding, frames on closed streams, resets). */
  giveBack(n: number): void {
    if (n <= 0) return
    const increment = this.receiveWindow.consume(n)
    if (increment > 0) this.output.push(windowUpdateFrame(0, increment))
  }
}
