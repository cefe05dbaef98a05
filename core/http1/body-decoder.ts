/**
 * Theory of operation
 * -------------------
 * Removes the framing from a request body: a fixed Content-Length, or the chunked coding
 * (RFC 9112 §7.1). A decoder reads from the ReceiveBuffer and returns one event, or null
 * when it needs more bytes (h11 reader contract). It knows nothing of connection state.
 *
 * Data events are zero-copy views into the buffer. Chunked framing lines are parsed whole
 * once their LF arrives; the scan position is kept so a trickled line is read once.
 *
 *   chunked-body   = *chunk last-chunk trailer-section CRLF
 *   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size     = 1*HEXDIG
 *   last-chunk     = 1*("0") [ chunk-ext ] CRLF
 *   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   chunk-ext-name = token
 *   chunk-ext-val  = token / quoted-string
 *   trailer-section = *( field-line CRLF )
 *
 * Invariants: a bare LF, a bare CR, a missing CRLF after chunk data, and a size that does
 * not fit 2^53-1 are all errors; nothing is guessed.
 * @module
 */
import { CR, HEX_VALUE, HTAB, LF, SP, TCHAR } from '../http/abnf.ts'
import { isOws, readQuotedString } from '../http/field-list.ts'
import { latin1Decode } from '../http/ascii.ts'
import { ParseError } from './errors.ts'
import type { DataEvent, EndEvent, HeaderList } from './events.ts'
import { scanFieldLine } from './field-line.ts'
import type { Limits } from './limits.ts'
import type { ReceiveBuffer } from './receive-buffer.ts'

/** Reads one body event from the buffer, or null when more bytes are needed. */
export interface BodyDecoder {
  read(rb: ReceiveBuffer): DataEvent | EndEvent | null
}

/** A body of exactly `length` bytes (RFC 9112 §6.2). */
export class LengthDecoder implements BodyDecoder {
  private remaining: number

  constructor(length: number) {
    this.remaining = length
  }

  read(rb: ReceiveBuffer): DataEvent | EndEvent | null {
    if (this.remaining === 0) return { type: 'end', trailers: [] }
    if (rb.length === 0) return null
    const bytes = rb.take(this.remaining)
    this.remaining -= bytes.length
    return { type: 'data', bytes }
  }
}

type ChunkedState = 'size' | 'data' | 'data-crlf' | 'trailers'

/** Most hex digits in a chunk size: 16 covers any 2^53-1 value with a few leading zeros. */
const MAX_SIZE_DIGITS = 16

/** The chunked transfer coding (RFC 9112 §7.1). */
export class ChunkedDecoder implements BodyDecoder {
  private state: ChunkedState = 'size'
  private remaining = 0
  private scanned = 0
  private received = 0
  private extensionBytes = 0
  private trailerBytes = 0
  private trailers: HeaderList = []
  private readonly limits: Limits

  constructor(limits: Limits) {
    this.limits = limits
  }

  read(rb: ReceiveBuffer): DataEvent | EndEvent | null {
    for (;;) {
      switch (this.state) {
        case 'size': {
          const lineEnd = this.findLine(rb, MAX_SIZE_DIGITS + this.limits.maxChunkExtensionBytes - this.extensionBytes + 2)
          if (lineEnd < 0) return null
          this.readSizeLine(rb.bytes, rb.start, lineEnd)
          rb.consume(lineEnd + 2 - rb.start)
          this.state = this.remaining === 0 ? 'trailers' : 'data'
          break
        }
        case 'data': {
          if (rb.length === 0) return null
          const bytes = rb.take(this.remaining)
          this.remaining -= bytes.length
          if (this.remaining === 0) this.state = 'data-crlf'
          return { type: 'data', bytes }
        }
        case 'data-crlf': {
          if (rb.length === 0) return null
          const b = rb.bytes
          const first = b[rb.start]
          if (first === LF) throw new ParseError('bare-lf', 'LF without CR after chunk data')
          if (first !== CR) throw new ParseError('invalid-chunk-data', 'chunk data longer than its size')
          if (rb.length < 2) return null
          if (b[rb.start + 1] !== LF) throw new ParseError('invalid-chunk-data', 'CR not followed by LF after chunk data')
          rb.consume(2)
          this.state = 'size'
          break
        }
        case 'trailers': {
          const budget = this.limits.maxTrailerBytes - this.trailerBytes
          const lineEnd = this.findLine(rb, budget)
          if (lineEnd < 0) return null
          const start = rb.start
          this.trailerBytes += lineEnd + 2 - start
          if (this.trailerBytes > this.limits.maxTrailerBytes) throw trailersTooLarge()
          if (lineEnd === start) {
            rb.consume(2)
            const trailers = this.trailers
            this.trailers = []
            return { type: 'end', trailers }
          }
          this.readTrailerLine(rb.bytes, start, lineEnd)
          rb.consume(lineEnd + 2 - start)
          break
        }
      }
    }
  }

  /**
   * Index of the CR that ends the next line, or -1 if the line is incomplete. A line (CRLF
   * included) longer than `maxBytes` is refused once that many bytes have arrived; bytes
   * past that are never looked at, so the outcome does not depend on how bytes were split.
   */
  private findLine(rb: ReceiveBuffer, maxBytes: number): number {
    const bytes = rb.bytes
    const searchEnd = Math.min(rb.end, rb.start + maxBytes)
    const lf = bytes.indexOf(LF, rb.start + this.scanned)
    if (lf < 0 || lf >= searchEnd) {
      this.scanned = searchEnd - rb.start
      if (rb.length >= maxBytes) {
        throw this.state === 'size'
          ? new ParseError('chunk-extensions-too-large', 'chunk extensions too large')
          : trailersTooLarge()
      }
      return -1
    }
    this.scanned = 0
    if (lf === rb.start || bytes[lf - 1] !== CR) throw new ParseError('bare-lf', 'LF without CR')
    return lf - 1
  }

  private readSizeLine(bytes: Uint8Array, start: number, end: number): void {
    let i = start
    let size = 0
    while (i < end && HEX_VALUE[bytes[i]!] !== 255) {
      size = size * 16 + HEX_VALUE[bytes[i]!]!
      i++
    }
    if (i === start || i - start > MAX_SIZE_DIGITS || size > Number.MAX_SAFE_INTEGER) {
      throw new ParseError('invalid-chunk-size', 'invalid chunk size')
    }
    if (i < end) {
      const b = bytes[i]!
      if (b !== SP && b !== HTAB && b !== 0x3b) {
        if (b === CR) throw new ParseError('bare-cr', 'CR not followed by LF')
        throw new ParseError('invalid-chunk-size', 'invalid chunk size')
      }
      this.extensionBytes += end - i
      if (this.extensionBytes > this.limits.maxChunkExtensionBytes) {
        throw new ParseError('chunk-extensions-too-large', 'chunk extensions too large')
      }
      checkExtensions(bytes, i, end)
    }
    this.received += size
    if (this.received > this.limits.maxBodyBytes) throw new ParseError('body-too-large', 'request body too large', 413)
    this.remaining = size
  }

  private readTrailerLine(bytes: Uint8Array, start: number, end: number): void {
    if (this.trailers.length / 2 >= this.limits.maxHeaderCount) {
      throw new ParseError('too-many-headers', 'too many trailer fields', 431)
    }
    // `end` is this line's CR, so the line is complete within end + 2.
    const span = scanFieldLine(bytes, start, end + 2)!
    this.trailers.push(
      latin1Decode(bytes, start, span.colon),
      latin1Decode(bytes, span.valueStart, span.valueEnd),
    )
  }
}

function trailersTooLarge(): ParseError {
  return new ParseError('headers-too-large', 'trailer section too large', 431)
}

function invalidExtension(): ParseError {
  return new ParseError('invalid-chunk-extension', 'malformed chunk extension')
}

/**
 * Validates `*( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )`. Chunk
 * extensions are rare, so they are read as a string with the shared quoted-string reader.
 */
function checkExtensions(bytes: Uint8Array, from: number, end: number): void {
  const s = latin1Decode(bytes, from, end)
  let i = 0
  const skipBws = (): void => {
    while (i < s.length && isOws(s.charCodeAt(i))) i++
  }
  const token = (): void => {
    const start = i
    while (i < s.length && TCHAR[s.charCodeAt(i)] === 1) i++
    if (i === start) throw invalidExtension()
  }
  while (i < s.length) {
    skipBws()
    if (s.charCodeAt(i) !== 0x3b) throw invalidExtension()
    i++
    skipBws()
    token()
    skipBws()
    if (s.charCodeAt(i) === 0x3d) {
      i++
      skipBws()
      if (s.charCodeAt(i) !== 0x22) token()
      else i = readQuotedString(s, i)?.end ?? invalidExtensionAt()
    }
  }
}

function invalidExtensionAt(): never {
  throw invalidExtension()
}
