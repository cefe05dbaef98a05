/**
 * How a request's body is delimited and whether the connection persists, decided once from
 * its head: RFC 9112 §6.3 (message body length) and §9.3 (persistence).
 * @module
 */
import { ParseError } from './errors.ts'
import type { ParsedHead } from './head-parser.ts'
import { checkHost, checkTransferEncoding, connectionTokens, parseContentLength, wantsContinue } from './fields.ts'

/** A request's framing and the connection decisions that follow from its head. */
export interface RequestFraming {
  /** Body length in bytes, or null for chunked. */
  contentLength: number | null
  keepAlive: boolean
  expectContinue: boolean
  upgrade: boolean
}

/**
 * Applies the framing rules. Throws `ParseError` for anything that two parsers could read
 * differently: that is what request smuggling feeds on.
 */
export function requestFraming(head: ParsedHead, maxBodyBytes: number): RequestFraming {
  const http11 = head.version === '1.1'
  // RFC 9112 §3.2: a 1.1 request carries exactly one Host; RFC 9110 §7.2 applies to 1.0 too.
  if (head.host === null) {
    if (http11) throw new ParseError('missing-host', 'HTTP/1.1 request without Host')
  } else if (head.hostCount > 1) {
    throw new ParseError('multiple-host', 'more than one Host field')
  } else {
    checkHost(head.host)
  }

  let contentLength: number | null = 0
  if (head.transferEncoding !== null) {
    // §6.1: TE in a 1.0 message means faulty framing; §6.3: TE with CL is a smuggling attempt.
    if (!http11) throw new ParseError('invalid-transfer-encoding', 'Transfer-Encoding in an HTTP/1.0 request')
    if (head.contentLength !== null) {
      throw new ParseError('conflicting-framing', 'both Transfer-Encoding and Content-Length')
    }
    checkTransferEncoding(head.transferEncoding)
    contentLength = null
  } else if (head.contentLength !== null) {
    contentLength = parseContentLength(head.contentLength)
    if (contentLength > maxBodyBytes) throw new ParseError('body-too-large', 'request body too large', 413)
  }

  const connection = connectionTokens(head.connection)
  const isConnect = head.method === 'CONNECT'
  return {
    contentLength,
    keepAlive: !connection.close && (http11 || connection.keepAlive),
    // §10.1.1: a 1.0 client cannot be waiting for 100 (Continue); ignore it there.
    expectContinue: http11 && wantsContinue(head.expect),
    upgrade: isConnect || (http11 && head.hasUpgrade && connection.upgrade),
  }
}
