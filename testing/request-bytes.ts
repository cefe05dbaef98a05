/**
 * A WHATWG `Request` → the HTTP/1.1 bytes a client would send for it: origin-form target,
 * Host from the URL, the body buffered and framed with Content-Length (as fetch does for a
 * body of known length).
 * @module
 */
import { concatBytes, latin1Encode } from '../core/http/ascii.ts'

/** Framing fields are ours to set; any the caller gave would contradict the bytes we send. */
const FRAMING = new Set(['content-length', 'transfer-encoding'])

/**
 * Serializes `request`, reading its body. The connection stays persistent (as with fetch)
 * unless the request itself says `Connection: close`.
 *
 * @example
 * ```ts
 * await requestBytes(new Request('http://x/a?b=1', { method: 'POST', body: 'hi' }))
 * // 'POST /a?b=1 HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 2\r\n…'
 * ```
 */
export async function requestBytes(request: Request): Promise<Uint8Array> {
  const url = new URL(request.url)
  const blob = request.body === null ? null : await request.blob()
  const body = blob === null ? null : new Uint8Array(await blob.arrayBuffer())
  let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\n`
  if (!request.headers.has('host')) head += `host: ${url.host}\r\n`
  for (const [name, value] of request.headers) {
    if (!FRAMING.has(name)) head += `${name}: ${value}\r\n`
  }
  // Bun leaves the body's implicit Content-Type out of `headers`; its Blob still has it.
  if (blob !== null && blob.type !== '' && !request.headers.has('content-type')) head += `content-type: ${blob.type}\r\n`
  // Fetch §4.5 (HTTP-network-or-cache fetch): a body-less POST or PUT still says length 0.
  if (body !== null || request.method === 'POST' || request.method === 'PUT') {
    head += `content-length: ${body?.length ?? 0}\r\n`
  }
  const bytes = latin1Encode(`${head}\r\n`)
  return body === null || body.length === 0 ? bytes : concatBytes([bytes, body])
}
