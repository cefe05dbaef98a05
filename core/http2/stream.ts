/**
 * One stream's state (RFC 9113 §5.1), server side. A server never pushes, so the reserved
 * states never occur; "idle" streams have no object (any id above the highest seen is idle).
 *
 *                  +--------+
 *          recv H  |        |  recv H+ES
 *        ,---------|  idle  |-----------.
 *       v          +--------+            v
 *   +--------+                      +----------+
 *   |        | recv ES              |   half   |
 *   |  open  |--------------------->|  closed  |
 *   |        |                      | (remote) |
 *   +--------+                      +----------+
 *       |  send ES                       | send ES / send R / recv R
 *       v                                v
 *   +----------+   recv ES / R      +--------+
 *   |   half   |------------------->|        |
 *   |  closed  |   send R           | closed |
 *   | (local)  |------------------->|        |
 *   +----------+                    +--------+
 *   (H = HEADERS, ES = END_STREAM flag, R = RST_STREAM; any state → closed on R)
 *
 * What a received frame does in each state:
 *   state              DATA / HEADERS            WINDOW_UPDATE   RST_STREAM      PRIORITY
 *   idle               HEADERS opens; DATA →     PROTOCOL_ERROR  PROTOCOL_ERROR  accepted
 *                      PROTOCOL_ERROR (conn)     (conn)          (conn)
 *   open, hc (local)   accepted                  accepted        closes          accepted
 *   hc (remote)        STREAM_CLOSED (stream)    accepted        closes          accepted
 *   closed             see `closedStreamRule`    ignored         ignored         accepted
 * @module
 */
import { ReceiveWindow } from './flow-window.ts'
import { FrameType } from './frame-types.ts'

/** §5.1 states an existing stream can be in. */
export type StreamState = 'open' | 'half-closed-remote' | 'half-closed-local' | 'closed'

/** How a stream was closed, which decides what late frames mean (§5.1 "closed"). */
export type CloseReason = 'ended' | 'reset-by-us' | 'reset-by-peer'

/** One request/response exchange. */
export class Stream {
  readonly id: number
  state: StreamState
  closeReason: CloseReason | null = null
  /** May go negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE (§6.9.2). */
  sendWindow: number
  readonly receiveWindow: ReceiveWindow
  /** Declared content-length (§8.1.1), or null. */
  contentLength: number | null
  /** DATA payload bytes received so far (padding excluded). */
  received = 0
  /** Bytes delivered in 'data' events and not yet consumed by the server. */
  unconsumed = 0
  /** A final response head was sent. */
  responded = false
  /** The request surfaced as an event (so a reset must be reported). */
  surfaced = false
  /** Closed and accounted for by the connection (no longer counted as active). */
  retired = false

  constructor(id: number, sendWindow: number, receiveWindowSize: number, contentLength: number | null, endStream: boolean) {
    this.id = id
    this.state = endStream ? 'half-closed-remote' : 'open'
    this.sendWindow = sendWindow
    this.receiveWindow = new ReceiveWindow(receiveWindowSize)
    this.contentLength = contentLength
  }

  /** The peer may still send DATA or trailers. */
  get remoteOpen(): boolean {
    return this.state === 'open' || this.state === 'half-closed-local'
  }

  /** We may still send frames carrying content. */
  get localOpen(): boolean {
    return this.state === 'open' || this.state === 'half-closed-remote'
  }

  /** The peer sent END_STREAM. */
  endRemote(): void {
    if (this.state === 'open') this.state = 'half-closed-remote'
    else if (this.state === 'half-closed-local') this.close('ended')
  }

  /** We sent END_STREAM. */
  endLocal(): void {
    if (this.state === 'open') this.state = 'half-closed-local'
    else if (this.state === 'half-closed-remote') this.close('ended')
  }

  close(reason: CloseReason): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.closeReason = reason
  }
}

/**
 * §5.1 "closed": what a DATA or HEADERS frame on a closed stream means.
 * - We reset it: the peer may have sent frames before it saw our RST_STREAM → ignore them.
 * - The peer reset it, or it ended normally after the peer's END_STREAM: the peer knows it is
 *   closed → STREAM_CLOSED; a stream error for DATA, a connection error for a HEADERS that
 *   would reopen an ended stream (h2spec http2/5.1/12), a stream error for one after the
 *   peer's own RST_STREAM (h2spec http2/5.1/9).
 * - Unknown (never opened, or forgotten): STREAM_CLOSED stream error for DATA, PROTOCOL_ERROR
 *   connection error for HEADERS (§5.1.1: a stream id that is not new).
 */
export function closedStreamRule(reason: CloseReason | undefined, frameType: number): 'ignore' | 'stream-error' | 'connection-error' {
  if (reason === 'reset-by-us') return 'ignore'
  if (frameType === FrameType.DATA) return 'stream-error'
  if (reason === 'reset-by-peer') return 'stream-error'
  return 'connection-error'
}
