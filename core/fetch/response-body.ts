/**
 * Reading a response body as the writer needs it: the first chunk, and whether the body
 * ends right after it (then it gets a Content-Length and one write), as bytes.
 * @module
 */
import { utf8Encode } from '../http/ascii.ts'

/**
 * One reader result, spelled so that both the DOM's and other global stream typings accept it
 * (some frameworks pull in global types that redefine the DOM result types).
 */
type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>

/** Microtask turns to wait for a body's second read; a body already complete finishes within a few. */
const SETTLE_TURNS = 8

/**
 * Reads a response body's first chunk and checks whether the body ends right after it, so
 * that string, bytes and Blob bodies get a Content-Length and go out in one write. Streams
 * that are still producing are not delayed: the second read is only awaited for a few
 * microtask turns, then left pending for the streaming path.
 */
export async function probeBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<BodyProbe> {
  const first = await reader.read()
  if (first.done) return { first: null, complete: true, second: null }
  const firstBytes = toBytes(first.value)
  let settled: ReadResult | null = null
  const second = reader.read().then((result) => (settled = result))
  for (let i = 0; i < SETTLE_TURNS && settled === null; i++) await null
  const done = settled as ReadResult | null
  if (done !== null && done.done) return { first: firstBytes, complete: true, second: null }
  return { first: firstBytes, complete: false, second }
}

/** What `probeBody` learned. */
export interface BodyProbe {
  /** The first chunk, or null for an empty body. */
  first: Uint8Array | null
  /** The body has no more chunks. */
  complete: boolean
  /** The pending second read when not complete. */
  second: Promise<ReadResult> | null
}

/** Body chunks must be bytes; a string chunk is UTF-8 encoded as a courtesy. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (typeof value === 'string') return utf8Encode(value)
  throw new TypeError('response body chunks must be Uint8Array')
}
