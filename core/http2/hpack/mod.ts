/**
 * HPACK (RFC 7541), the header compression of HTTP/2: one `HpackDecoder` for the blocks a
 * peer sends, one `HpackEncoder` for the blocks we send, per connection. Pure and
 * synchronous; the HTTP/2 engine turns an `HpackError` into a COMPRESSION_ERROR.
 *
 * ```ts
 * const decoder = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: 65536 })
 * const fields = decoder.decode(headerBlock)     // [name, value, …], or null past the limit
 * const encoder = new HpackEncoder()
 * encoder.setPeerMaxTableSize(peerSettings.headerTableSize)
 * const block = encoder.encode([':status', '200', 'content-type', 'text/html'])
 * ```
 * @module
 */
export { DEFAULT_MAX_HEADER_LIST_SIZE, HpackDecoder, type HpackDecoderOptions } from './decoder.ts'
export { HpackEncoder, type HpackEncoderOptions } from './encoder.ts'
export { HpackError, type HpackErrorCode } from './errors.ts'
export { DEFAULT_HEADER_TABLE_SIZE, ENTRY_OVERHEAD, entrySize } from './dynamic-table.ts'
