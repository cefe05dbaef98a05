/**
 * SHA-1 (FIPS 180-4 §6.1), pure and synchronous, for one purpose: the opening handshake's
 * `Sec-WebSocket-Accept` (RFC 6455 §4.2.2). Web Crypto's `crypto.subtle.digest` would do,
 * but it returns a Promise and the engine never awaits; the input here is 60 bytes.
 * SHA-1 is broken for collision resistance, which the handshake does not rely on.
 * @module
 */
import { base64Encode } from './base64.ts'

/** RFC 6455 §1.3: the GUID appended to the client's key. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

const encoder = new TextEncoder()

/** The 20-byte SHA-1 digest of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  // FIPS 180-4 §5.1.1: append 0x80, zeros, then the bit length as 64 bits, to a multiple of 64 bytes.
  const length = message.length
  const padded = new Uint8Array((((length + 8) >>> 6) + 1) << 6)
  padded.set(message)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000))
  view.setUint32(padded.length - 4, (length << 3) >>> 0)

  let h0 = 0x67452301
  let h1 = 0xefcdab89
  let h2 = 0x98badcfe
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0
  const w = new Int32Array(80)
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(block + 4 * t)
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!
      w[t] = (x << 1) | (x >>> 31)
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4
    for (let t = 0; t < 80; t++) {
      // FIPS 180-4 §4.1.1: Ch, Parity, Maj, Parity, with the constants of §4.2.1.
      let f: number, k: number
      if (t < 20) (f = (b & c) | (~b & d)), (k = 0x5a827999)
      else if (t < 40) (f = b ^ c ^ d), (k = 0x6ed9eba1)
      else if (t < 60) (f = (b & c) | (b & d) | (c & d)), (k = 0x8f1bbcdc)
      else (f = b ^ c ^ d), (k = 0xca62c1d6)
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = temp
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  const out = new Uint8Array(20)
  const outView = new DataView(out.buffer)
  outView.setInt32(0, h0)
  outView.setInt32(4, h1)
  outView.setInt32(8, h2)
  outView.setInt32(12, h3)
  outView.setInt32(16, h4)
  return out
}

/**
 * RFC 6455 §4.2.2 step 5.4: `Sec-WebSocket-Accept` = base64(SHA-1(key + GUID)), with the
 * key as sent (its base64 text, not the decoded bytes).
 */
export function acceptKey(key: string): string {
  return base64Encode(sha1(encoder.encode(key + WEBSOCKET_GUID)))
}
