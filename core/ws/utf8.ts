/**
 * Incremental UTF-8 validation (RFC 3629 §4, Unicode Table 3-7) for text messages, which
 * RFC 6455 §8.1 requires to be valid UTF-8 (else close 1007). It fails fast: the byte
 * that makes the sequence invalid fails it, even in the middle of a frame, which is what
 * Autobahn 6.4.x checks. Whether the last code point is complete is only known at the
 * end of the message (`complete`).
 *
 *   Code points         1st byte  2nd byte  3rd byte  4th byte
 *   U+0000..U+007F      00..7F
 *   U+0080..U+07FF      C2..DF    80..BF
 *   U+0800..U+0FFF      E0        A0..BF    80..BF               (E0 80..9F: overlong)
 *   U+1000..U+CFFF      E1..EC    80..BF    80..BF
 *   U+D000..U+D7FF      ED        80..9F    80..BF               (ED A0..BF: surrogates)
 *   U+E000..U+FFFF      EE..EF    80..BF    80..BF
 *   U+10000..U+3FFFF    F0        90..BF    80..BF    80..BF     (F0 80..8F: overlong)
 *   U+40000..U+FFFFF    F1..F3    80..BF    80..BF    80..BF
 *   U+100000..U+10FFFF  F4        80..8F    80..BF    80..BF     (F4 90..: > U+10FFFF)
 *
 * C0, C1 (overlong) and F5..FF never appear.
 * @module
 */

/** Validates UTF-8 fed in pieces; a piece may end in the middle of a code point. */
export class Utf8Validator {
  /** Continuation bytes still expected for the current code point. */
  private need = 0
  /** Bounds for the next continuation byte (narrower than 80..BF right after E0, ED, F0, F4). */
  private lower = 0x80
  private upper = 0xbf
  private failed = false

  /**
   * Checks `bytes[start, end)`. Returns false at the first byte that cannot be part of valid
   * UTF-8, and stays failed.
   */
  write(bytes: Uint8Array, start = 0, end: number = bytes.length): boolean {
    if (this.failed) return false
    let need = this.need
    let lower = this.lower
    let upper = this.upper
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!
      if (need === 0) {
        if (byte < 0x80) continue
        if (byte < 0xc2) return this.fail()
        if (byte < 0xe0) {
          need = 1
        } else if (byte < 0xf0) {
          need = 2
          if (byte === 0xe0) lower = 0xa0
          else if (byte === 0xed) upper = 0x9f
        } else if (byte < 0xf5) {
          need = 3
          if (byte === 0xf0) lower = 0x90
          else if (byte === 0xf4) upper = 0x8f
        } else {
          return this.fail()
        }
      } else {
        if (byte < lower || byte > upper) return this.fail()
        need--
        lower = 0x80
        upper = 0xbf
      }
    }
    this.need = need
    this.lower = lower
    this.upper = upper
    return true
  }

  /** True when everything written so far is valid and ends on a code point boundary. */
  get complete(): boolean {
    return !this.failed && this.need === 0
  }

  /** Starts over, for the next message. */
  reset(): void {
    this.need = 0
    this.lower = 0x80
    this.upper = 0xbf
    this.failed = false
  }

  private fail(): false {
    this.failed = true
    return false
  }
}

// WHATWG WebSockets: text is "UTF-8 decode without BOM", so a leading U+FEFF is kept.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Decodes a whole message, or returns null if it is not valid UTF-8. The WHATWG decoder
 * (non-fatal) turns every invalid sequence into U+FFFD, so output without U+FFFD proves the
 * input valid: one native pass instead of a byte loop here and then a decode. Only text that
 * really contains U+FFFD is checked again, byte by byte. (A fatal decoder would do both at
 * once, but costs three times as much on one of the engines measured.)
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  const text = decoder.decode(bytes)
  if (text.indexOf('\ufffd') !== -1 && !isValidUtf8(bytes)) return null
  return text
}

/** Decodes bytes already known to be valid UTF-8. */
export function decodeValidUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** Whether `bytes` is complete, valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const validator = new Utf8Validator()
  return validator.write(bytes) && validator.complete
}
