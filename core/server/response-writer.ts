/**
 * A `Response` onto the wire, for any protocol: the writer reads the response (its parts when
 * it is a light response, else its body stream) and the protocol's `ResponseSink` frames what
 * it is given. A complete body goes out with its head in one write; a streamed body goes out
 * chunk by chunk as fast as the sink's backpressure allows.
 *
 * Failures: an invalid head from the app becomes a 500 while nothing has been written; a
 * body that fails mid-way makes the sink fail the message (HTTP/1.1 aborts the connection),
 * so the client sees a truncated response, never a complete-looking one.
 * @module
 */
import { errorResponse } from '../fetch/error-response.ts'
import { pulledResponseParts, responseParts, type ResponseParts } from '../fetch/light-response.ts'
import type { ChunkSource } from '../fetch/pull-body.ts'
import { probeBody, toBytes } from '../fetch/response-body.ts'
import { headerList, type HeaderList } from '../http/field-list.ts'

/** The status line and fields of a response, as the app gave them. */
export interface ResponseHead {
  status: number
  /** The app's status text, or undefined for the standard one. */
  reason: string | undefined
  headers: HeaderList
}

/**
 * A protocol's side of writing one response. Each call returns a promise only when the
 * peer is slow (backpressure) or the write failed.
 */
export interface ResponseSink {
  /**
   * Head and complete body in one write (null: no body; for HEAD the length stays unsaid).
   * Returns the body bytes sent (for the access log). Throws a LocalProtocolError, having
   * written nothing, if the head is invalid.
   */
  whole(head: ResponseHead, body: Uint8Array | string | null): number | Promise<number>
  /** Starts a streamed body with its first chunk. Throws as `whole` if the head is invalid. */
  start(head: ResponseHead, first: Uint8Array): void | Promise<void>
  data(bytes: Uint8Array): void | Promise<void>
  end(): void | Promise<void>
  /** True while nothing of this response has been written: a 500 can still replace it. */
  readonly canRespond: boolean
  /** The body failed mid-way: the message must reach the peer visibly truncated. */
  fail(): void
}

/** Where the writer reports what it could not write. */
export type WriterLog = (message: string, error?: unknown) => void

/** Writes `response` for a request of `method`; returns the body bytes sent (access log). */
export function writeResponse(response: Response, method: string, sink: ResponseSink, log: WriterLog): number | Promise<number> {
  const parts = responseParts(response)
  if (parts !== null) return writeParts(parts, sink, log)
  const pulled = pulledResponseParts(response)
  if (pulled !== null) {
    const head: ResponseHead = { status: pulled.status, reason: pulled.statusText || undefined, headers: pulled.headers }
    return writePulled(head, pulled.body.source, method, sink, log)
  }
  return writeStream(response, method, sink, log)
}

/** A light response with a string or bytes body: head and body in one write, no stream. */
function writeParts(parts: ResponseParts, sink: ResponseSink, log: WriterLog): number | Promise<number> {
  const head: ResponseHead = { status: parts.status, reason: parts.statusText || undefined, headers: parts.headers }
  return writeWhole(head, parts.body, sink, log)
}

/** Head and body in one write; a head the sink refuses (it throws before writing) becomes a 500. */
function writeWhole(head: ResponseHead, body: Uint8Array | string | null, sink: ResponseSink, log: WriterLog): number | Promise<number> {
  try {
    return sink.whole(head, body)
  } catch (error) {
    return refused(error, sink, log)
  }
}

/** The app's head was refused: a 500 in its place if nothing was written, else the message fails. */
function refused(error: unknown, sink: ResponseSink, log: WriterLog): number | Promise<number> {
  log('invalid response from the handler', error)
  if (!sink.canRespond) {
    sink.fail()
    return 0
  }
  return writeParts(responseParts(errorResponse(500))!, sink, log)
}

/** Any other Response: its body is read as a stream, as fast as the sink drains. */
async function writeStream(response: Response, method: string, sink: ResponseSink, log: WriterLog): Promise<number> {
  const head: ResponseHead = { status: response.status, reason: response.statusText || undefined, headers: headerList(response.headers) }
  const body = response.body
  if (body === null) {
    return writeWhole(head, null, sink, log)
  }
  const reader = body.getReader()
  let probe
  try {
    probe = await probeBody(reader)
  } catch (error) {
    log('response body failed before its first byte', error)
    return writeParts(responseParts(errorResponse(500))!, sink, log)
  }
  if (probe.complete) {
    const first = probe.first ?? new Uint8Array(0)
    return writeWhole(head, first, sink, log)
  }
  let started: void | Promise<void>
  try {
    started = sink.start(head, probe.first!)
  } catch (error) {
    void reader.cancel(error).catch(() => {})
    return refused(error, sink, log)
  }
  let sent = probe.first!.length
  let bodyFailure: unknown = null
  try {
    await started
    if (method === 'HEAD') {
      void reader.cancel().catch(() => {})
    } else {
      for (let next = probe.second!; ; next = reader.read()) {
        const result = await next.catch((error: unknown) => {
          bodyFailure = error ?? new Error('response body stream errored')
          throw error
        })
        if (result.done) break
        const bytes = toBytes(result.value)
        sent += bytes.length
        await sink.data(bytes)
      }
    }
    await sink.end()
  } catch (error) {
    // A failed write means the client left: nothing for the error log.
    if (bodyFailure !== null) log('response body failed mid-way; connection aborted', bodyFailure)
    void reader.cancel(error).catch(() => {})
    sink.fail()
  }
  return sent
}

/**
 * A pull body (a file from the static handler): as `writeStream`, with the source's chunks
 * written as they are read and no stream between. A body read in one pull goes out with
 * its head in one write.
 */
async function writePulled(head: ResponseHead, source: ChunkSource, method: string, sink: ResponseSink, log: WriterLog): Promise<number> {
  let first: Uint8Array | null
  try {
    first = await source.pull()
  } catch (error) {
    log('response body failed before its first byte', error)
    return writeParts(responseParts(errorResponse(500))!, sink, log)
  }
  if (first === null || source.done) return writeWhole(head, first ?? new Uint8Array(0), sink, log)
  let started: void | Promise<void>
  try {
    started = sink.start(head, first)
  } catch (error) {
    source.cancel()
    return refused(error, sink, log)
  }
  let sent = first.length
  let reading = false
  try {
    await started
    if (method === 'HEAD') {
      source.cancel()
    } else {
      while (!source.done) {
        reading = true
        const bytes = await source.pull()
        reading = false
        if (bytes === null) break
        sent += bytes.length
        await sink.data(bytes)
      }
    }
    await sink.end()
  } catch (error) {
    // A failed write means the client left: nothing for the error log.
    if (reading) log('response body failed mid-way; connection aborted', error)
    source.cancel()
    sink.fail()
  }
  return sent
}
