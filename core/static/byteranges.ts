/**
 * A 206 with several ranges: a multipart/byteranges body (RFC 9110 §14.6), each part headed
 * by the representation's Content-Type and its own Content-Range:
 *
 *   --BOUNDARY CRLF  Content-Type: … CRLF  Content-Range: bytes a-b/size CRLF CRLF  <bytes>
 *   CRLF --BOUNDARY CRLF  …  <bytes>  CRLF --BOUNDARY-- CRLF
 *
 * The length is known before a byte is read, so the response has a Content-Length. The parts
 * are read one after the other, one file stream at a time, each opened only when the
 * previous one has ended: memory stays at one chunk, as for a single range.
 *
 * The boundary is derived from the representation's validators and the ranges, not drawn at
 * random (core has no source of randomness; nginx uses a counter): the same request gets the
 * same bytes on every runtime. A file that contains the boundary line itself would confuse a
 * multipart parser; a boundary of 24 hex digits after a fixed prefix makes that a file crafted
 * for it, whose owner could serve anything anyway.
 * @module
 */
import { utf8Encode } from '../http/ascii.ts'
import type { ByteRange } from './range.ts'

/** A multipart/byteranges response's fields and body. */
export interface MultipartRanges {
  /** `multipart/byteranges; boundary=…` */
  contentType: string
  contentLength: number
  body: ReadableStream<Uint8Array>
}

/** Opens bytes `start` to `end - 1` of the file as a pull stream. */
export type OpenRange = (start: number, end: number) => ReadableStream<Uint8Array>

/**
 * The multipart body for `ranges` (at least two, as `parseRange` gives them) of a
 * representation of `size` bytes and type `contentType`; `seed` names the representation
 * (its ETag, or size and mtime) for the boundary.
 */
export function multipartRanges(ranges: readonly ByteRange[], size: number, contentType: string, seed: string, open: OpenRange): MultipartRanges {
  const boundary = boundaryFor(`${seed} ${size} ${ranges.map((r) => `${r.start}-${r.end}`).join(',')}`)
  const heads = ranges.map((r, i) =>
    utf8Encode(`${i === 0 ? '' : '\r\n'}--${boundary}\r\ncontent-type: ${contentType}\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`))
  const tail = utf8Encode(`\r\n--${boundary}--\r\n`)
  let contentLength = tail.length
  for (let i = 0; i < ranges.length; i++) contentLength += heads[i]!.length + ranges[i]!.end - ranges[i]!.start + 1

  let part = 0
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader === null) {
          if (part === ranges.length) {
            controller.enqueue(tail)
            return controller.close()
          }
          const range = ranges[part]!
          reader = open(range.start, range.end + 1).getReader()
          return controller.enqueue(heads[part]!)
        }
        const next = await reader.read()
        if (!next.done) return controller.enqueue(next.value)
        // This part is sent; the loop goes on to the next head (a pull must enqueue or end).
        reader = null
        part++
      }
    },
    cancel(reason) {
      return reader?.cancel(reason)
    },
  }, { highWaterMark: 0 })
  return { contentType: `multipart/byteranges; boundary=${boundary}`, contentLength, body }
}

/** 24 hex digits from two 32-bit FNV-1a passes and a third over their sum: stable, not secret. */
function boundaryFor(seed: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x811c9dc5 | 1) >>> 0
  }
  const c = Math.imul(a ^ b, 0x01000193) >>> 0
  return 'portico-' + [a, b, c].map((n) => n.toString(16).padStart(8, '0')).join('')
}
