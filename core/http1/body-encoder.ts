/**
 * Frames response body bytes (hyper encode.rs): `length` checks the app sends exactly the
 * promised bytes, `chunked` adds chunk lines and trailers, `close` passes bytes through and
 * relies on the close, `none` (HEAD, 1xx, 204, 304) sends nothing.
 * @module
 */
import { latin1Encode } from '../http/ascii.ts'
import { LocalProtocolError } from './errors.ts'
import type { BodyFraming } from './head-serializer.ts'
import { serializeTrailers } from './head-serializer.ts'

const EMPTY = new Uint8Array(0)
const LAST_CHUNK = latin1Encode('0\r\n\r\n')
const CRLF = latin1Encode('\r\n')

/** Encodes one response body according to its framing. */
export class BodyEncoder {
  readonly framing: BodyFraming
  private remaining: number

  constructor(framing: BodyFraming, length: number) {
    this.framing = framing
    this.remaining = length
  }

  /** Frames `bytes`. An empty input gives empty output (a zero-size chunk would end the body). */
  data(bytes: Uint8Array): Uint8Array {
    if (bytes.length === 0) return EMPTY
    switch (this.framing) {
      case 'none':
        return EMPTY
      case 'close':
        return bytes
      case 'length':
        if (bytes.length > this.remaining) {
          throw new LocalProtocolError('invalid-response', 'body longer than its Content-Length', 500)
        }
        this.remaining -= bytes.length
        return bytes
      case 'chunked': {
        const size = bytes.length.toString(16)
        const out = new Uint8Array(size.length + 2 + bytes.length + 2)
        for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i)
        out[size.length] = 0x0d
        out[size.length + 1] = 0x0a
        out.set(bytes, size.length + 2)
        out[out.length - 2] = 0x0d
        out[out.length - 1] = 0x0a
        return out
      }
    }
  }

  /**
   * Frames `bytes` without copying them: the parts to write, in order (chunk-size line,
   * the bytes themselves, CRLF for chunked). For large bodies, where a copy per chunk costs
   * more than a gathered write.
   */
  parts(bytes: Uint8Array): Uint8Array[] {
    if (bytes.length === 0 || this.framing === 'none') return []
    if (this.framing !== 'chunked') return [this.data(bytes)]
    return [latin1Encode(bytes.length.toString(16) + '\r\n'), bytes, CRLF]
  }

  /** Ends the body; trailers are sent only with chunked framing and dropped otherwise. */
  end(trailers?: readonly string[]): Uint8Array {
    if (this.framing === 'length' && this.remaining > 0) {
      throw new LocalProtocolError('invalid-response', 'body shorter than its Content-Length', 500)
    }
    if (this.framing !== 'chunked') return EMPTY
    if (trailers === undefined || trailers.length === 0) return LAST_CHUNK
    return latin1Encode('0\r\n' + serializeTrailers(trailers) + '\r\n')
  }
}
