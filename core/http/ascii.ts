/**
 * Byte helpers that Buffer would otherwise provide: latin1 decoding and encoding, and
 * ASCII case-insensitive comparison. HTTP heads are octets; latin1 maps each octet to one
 * UTF-16 code unit, so string offsets equal byte offsets.
 * @module
 */

import { allocBytes } from './byte-pool.ts'

const MAX_APPLY = 4096

const asciiDecoder = new TextDecoder()

/**
 * Decodes `bytes[start, end)` known to be ASCII: the native decoder is ~10× faster than
 * building the string in JS, and every decoder agrees on ASCII.
 */
export function asciiDecode(bytes: Uint8Array, start: number, end: number): string {
  return asciiDecoder.decode(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end))
}

/** Decodes `bytes[start, end)` as latin1 (ISO-8859-1, not windows-1252 as TextDecoder would). */
export function latin1Decode(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= MAX_APPLY) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[])
  }
  let out = ''
  for (let i = start; i < end; i += MAX_APPLY) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + MAX_APPLY)) as unknown as number[])
  }
  return out
}

const encoder = new TextEncoder()

/**
 * Encodes a string whose code units are all ≤ 0xFF as latin1 bytes, into a pooled array.
 * ASCII (the rule for heads) goes through the native encodeInto, exact then: one byte per
 * char; anything wider is rewritten by a byte loop.
 */
export function latin1Encode(s: string): Uint8Array {
  const out = allocBytes(s.length)
  const r = encoder.encodeInto(s, out)
  if (r.read !== s.length || r.written !== s.length) {
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  }
  return out
}

/** Encodes `s` (UTF-8) for bodies. */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s)
}

/** True when `bytes[pos, pos+lower.length)` equals `lower` ignoring ASCII case; `lower` is lowercase. */
export function equalsLowerAscii(bytes: Uint8Array, pos: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((bytes[pos + i]! | 0x20) !== lower.charCodeAt(i)) return false
  }
  return true
}

/** Concatenates byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
