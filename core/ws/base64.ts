/**
 * Base64 (RFC 4648 §4, standard alphabet, padded) for bytes, without `btoa`/`atob` and
 * their latin1 strings: the handshake decodes `Sec-WebSocket-Key` to check it is 16 bytes
 * and encodes the 20-byte accept digest.
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

/** `bytes` as padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + '=='
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + '='
  }
  return out
}

/**
 * Decodes padded base64, or returns null for anything else: characters outside the
 * alphabet, whitespace, a length that is not a multiple of 4, or misplaced `=`. Nonzero
 * bits in the last character before the padding are accepted (RFC 4648 §3.5 lets
 * decoders choose; every client sends canonical keys anyway).
 */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null
  let padding = 0
  if (text.endsWith('==')) padding = 2
  else if (text.endsWith('=')) padding = 1
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  let at = 0
  for (let i = 0; i < text.length; i += 4) {
    let n = 0
    for (let j = 0; j < 4; j++) {
      const index = i + j
      const code = text.charCodeAt(index)
      let value: number
      if (index >= text.length - padding) {
        if (code !== 0x3d) return null
        value = 0
      } else {
        value = code < 128 ? VALUES[code]! : -1
        if (value < 0) return null
      }
      n = (n << 6) | value
    }
    if (at < out.length) out[at++] = n >>> 16
    if (at < out.length) out[at++] = (n >>> 8) & 0xff
    if (at < out.length) out[at++] = n & 0xff
  }
  return out
}
