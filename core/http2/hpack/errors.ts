/**
 * The one HPACK error. A header block that cannot be decoded leaves the peer's dynamic
 * table and ours out of step for the rest of the connection, so every decoding error is
 * a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3): the engine catches
 * `HpackError` and sends GOAWAY. `code` says which rule was broken, for tests and logs.
 * @module
 */

/** Stable machine-readable codes. Tests assert on these, never on message text. */
export type HpackErrorCode =
  // RFC 7541 §2.3.3, §6.1: index 0, or beyond the static + dynamic tables
  | 'invalid-index'
  // RFC 7541 §5.1: more continuation octets than a sane size needs (we cap at 2^31 - 1)
  | 'integer-overflow'
  // A representation, integer or string runs past the end of the block
  | 'truncated'
  // RFC 7541 §5.2: EOS inside the string, padding over 7 bits or not all ones
  | 'invalid-huffman'
  // RFC 7541 §4.2 and RFC 9113 §4.3: a size update after the first field, or a third one
  | 'misplaced-table-size-update'
  // RFC 7541 §6.3: a size update above the SETTINGS_HEADER_TABLE_SIZE we advertised
  | 'table-size-too-large'
  // Encoder misuse: a name or value with a character above U+00FF (not an octet)
  | 'invalid-octet'

/**
 * Thrown on a malformed block (bad index, bad Huffman/EOS/padding, integer overflow,
 * table-size update out of place or above the limit): the engine answers COMPRESSION_ERROR.
 * The encoder throws it only with `'invalid-octet'`, for a field the engine should have
 * refused before encoding.
 */
export class HpackError extends Error {
  override name = 'HpackError'
  /** Which rule the block broke, e.g. `'invalid-index'`. */
  readonly code: HpackErrorCode
  constructor(code: HpackErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
