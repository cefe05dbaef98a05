/**
 * HEADERS and CONTINUATION frames on the receive side (RFC 9113 §4.3, §6.2, §6.10): a field
 * block is assembled across CONTINUATIONs, decoded with the connection's one HPACK decoder,
 * and then read as what it is on its stream:
 * - on a new stream id: a request. It opens a stream unless our GOAWAY cut it off (ignored),
 *   it is above maxHeaderListSize (answered 431 by the engine), there are already
 *   maxConcurrentStreams (REFUSED_STREAM), or it is malformed (PROTOCOL_ERROR);
 * - on an open stream: trailers, which must end it;
 * - on a closed or reused id: what `closedStreamRule` says.
 *
 * Every block is decoded before anything else is decided, even for streams we ignore or
 * refuse, so the HPACK table stays in sync with the peer's (§4.3).
 * @module
 */
import type { ConnectionState } from './connection-state.ts'
import { ConnectionError, protocolError, StreamError } from './errors.ts'
import type { Http2Event } from './events.ts'
import { FieldBlock } from './field-block.ts'
import type { FrameParser } from './frame-parser.ts'
import { rstStreamFrame } from './frame-serializer.ts'
import { DEFAULT_WINDOW_SIZE, ErrorCode, Flag, FrameType } from './frame-types.ts'
import { HpackDecoder } from './hpack/mod.ts'
import type { Http2Limits } from './limits.ts'
import type { OutputQueue } from './output-queue.ts'
import { readRequestHead, readTrailers } from './request-head.ts'
import { closedStreamRule, Stream } from './stream.ts'
import type { StreamTable } from './stream-table.ts'

/** Field blocks from the peer: assembly, decoding, and the request or trailers they carry. */
export class HeadersReceiver {
  readonly #state: ConnectionState
  readonly #limits: Http2Limits
  readonly #streams: StreamTable
  readonly #output: OutputQueue
  readonly #decoder: HpackDecoder
  /** A HEADERS frame without END_HEADERS, waiting for its CONTINUATIONs. */
  #block: FieldBlock | null = null

  constructor(state: ConnectionState) {
    const limits = (this.#limits = state.limits)
    this.#state = state
    this.#streams = state.streams
    this.#output = state.output
    this.#decoder = new HpackDecoder({ maxTableSize: limits.headerTableSize, maxHeaderListSize: limits.maxHeaderListSize })
  }

  /** A field block is waiting for CONTINUATIONs: no other frame may come now (§6.10). */
  get blockInProgress(): boolean {
    return this.#block !== null
  }

  /** A HEADERS frame: a whole field block, or the start of one. */
  onHeaders(p: FrameParser, events: Http2Event[]): void {
    const endStream = (p.flags & Flag.END_STREAM) !== 0
    if ((p.flags & Flag.END_HEADERS) !== 0) return this.#onFieldBlock(events, p.streamId, p.fragment, endStream, p.dependency)
    if (p.fragment.length === 0) this.#state.spendControl()
    if (p.fragment.length > this.#limits.maxHeaderListSize) {
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `field block larger than ${this.#limits.maxHeaderListSize} bytes`)
    }
    this.#block = new FieldBlock(p.streamId, endStream, p.dependency, p.fragment)
  }

  /** A CONTINUATION frame: more of the block in progress. */
  onContinuation(p: FrameParser, events: Http2Event[]): void {
    const block = this.#block
    if (block === null) throw protocolError('CONTINUATION without a field block in progress (§6.10)')
    if (p.streamId !== block.streamId) throw protocolError('CONTINUATION on another stream (§6.10)')
    const last = (p.flags & Flag.END_HEADERS) !== 0
    if (p.fragment.length === 0 && !last) this.#state.spendControl()
    block.add(p.fragment, this.#limits.maxHeaderListSize, this.#limits.maxContinuationFrames)
    if (!last) return
    this.#block = null
    this.#onFieldBlock(events, block.streamId, block.bytes(), block.endStream, block.dependency)
  }

  /** A complete field block: a new request, trailers, or a mistake. Always decoded first (§4.3). */
  #onFieldBlock(events: Http2Event[], id: number, block: Uint8Array, endStream: boolean, dependency: number): void {
    const fields = this.#decoder.decode(block)
    const stream = this.#streams.get(id)
    if (stream !== undefined && stream.state !== 'closed') return this.#onTrailers(events, stream, fields, endStream)
    if (id <= this.#streams.highestId) {
      const reason = this.#streams.closeReason(id)
      const rule = closedStreamRule(reason, FrameType.HEADERS)
      if (rule === 'ignore') return this.#state.spendControl()
      if (rule === 'stream-error') throw new StreamError(id, ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (§5.1)`)
      if (reason === undefined) throw protocolError(`stream id ${id} not above ${this.#streams.highestId} (§5.1.1)`)
      throw new ConnectionError(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${id} (§5.1)`)
    }
    if (id % 2 === 0) throw protocolError(`even stream id ${id} from a client (§5.1.1)`)
    this.#streams.claim(id)
    if (this.#state.goawayLastStreamId >= 0 && id > this.#state.goawayLastStreamId) {
      // §6.8: after our GOAWAY, newer streams are ignored; the client retries them elsewhere.
      this.#streams.remember(id, 'reset-by-us')
      return this.#state.spendControl()
    }
    if (dependency === id) throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'stream depends on itself (§5.3.1)')
    if (fields === null) return this.#answerTooLarge(id, endStream)
    if (this.#streams.active >= this.#limits.maxConcurrentStreams) {
      this.#state.spendReset()
      throw new StreamError(id, ErrorCode.REFUSED_STREAM, `more than ${this.#limits.maxConcurrentStreams} concurrent streams (§5.1.2)`)
    }
    const head = readRequestHead(fields)
    if (typeof head === 'string') throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, `malformed request: ${head} (§8.1.1)`)
    if (endStream && head.contentLength !== null && head.contentLength !== 0) {
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'content-length without a body (§8.1.1)')
    }
    // Until our SETTINGS are acknowledged the peer may still count with 65,535 (§6.9.2).
    const windowSize = this.#state.settingsAcked ? this.#limits.initialWindowSize : Math.max(this.#limits.initialWindowSize, DEFAULT_WINDOW_SIZE)
    const created = new Stream(id, this.#state.peer.initialWindowSize, windowSize, head.contentLength, endStream)
    created.surfaced = true
    this.#streams.add(created)
    this.#state.control.earn()
    events.push({
      type: 'request', streamId: id, method: head.method, scheme: head.scheme, authority: head.authority,
      path: head.path, headers: head.headers, endStream, contentLength: head.contentLength,
    })
  }

  #onTrailers(events: Http2Event[], stream: Stream, fields: string[] | null, endStream: boolean): void {
    const id = stream.id
    if (!stream.remoteOpen) throw new StreamError(id, ErrorCode.STREAM_CLOSED, 'HEADERS after END_STREAM (§5.1)')
    if (!endStream) throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'trailers without END_STREAM (§8.1)')
    if (fields === null) throw new StreamError(id, ErrorCode.ENHANCE_YOUR_CALM, 'trailers larger than maxHeaderListSize')
    const trailers = readTrailers(fields)
    if (typeof trailers === 'string') throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, `malformed trailers: ${trailers} (§8.1)`)
    if (stream.contentLength !== null && stream.received !== stream.contentLength) {
      throw new StreamError(id, ErrorCode.PROTOCOL_ERROR, 'body shorter than content-length (§8.1.1)')
    }
    events.push({ type: 'trailers', streamId: id, headers: trailers })
    stream.endRemote()
    this.#state.settle(stream)
  }

  /**
   * RFC 9113 §10.5.1: a request head above maxHeaderListSize is answered 431 by the engine
   * itself (the app never sees it), then, if the request body is still coming,
   * RST_STREAM(NO_ERROR) asks the client to stop sending it (§8.1).
   */
  #answerTooLarge(id: number, endStream: boolean): void {
    this.#state.spendControl()
    this.#output.fieldBlock(id, [':status', '431'], true, this.#state.peer.maxFrameSize)
    if (endStream) return this.#streams.remember(id, 'ended')
    this.#output.reply(rstStreamFrame(id, ErrorCode.NO_ERROR))
    this.#streams.remember(id, 'reset-by-us')
  }
}
