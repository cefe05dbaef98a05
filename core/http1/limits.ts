/**
 * Every size limit the engine enforces, in one object with safe defaults.
 * @module
 */

/** Size limits. Each is checked at exactly N (accepted) and N+1 (rejected). */
export interface Limits {
  /** Bytes of the request line, without its CRLF. Exceeding → 414. */
  maxRequestLineBytes: number
  /** Bytes of the whole head (request line, fields, CRLFs, blank line). Exceeding → 431. */
  maxHeaderBytes: number
  /** Header fields per message, and trailer fields per body. Exceeding → 431. */
  maxHeaderCount: number
  /** Bytes of chunk extensions across one chunked body (hyper: 16 KiB). Exceeding → 400. */
  maxChunkExtensionBytes: number
  /** Bytes of the trailer section of one chunked body. Exceeding → 431. */
  maxTrailerBytes: number
  /** Decoded request body bytes. Exceeding → 413. `Infinity` = unlimited. */
  maxBodyBytes: number
}

/** The defaults: request line 8 KiB, head 16 KiB and 100 fields, no body limit. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxChunkExtensionBytes: 16 * 1024,
  maxTrailerBytes: 16 * 1024,
  maxBodyBytes: Infinity,
})

const resolved = new WeakSet<object>([DEFAULT_LIMITS])

/** Fills unset fields from `DEFAULT_LIMITS`. A result passed back in is returned as is. */
export function resolveLimits(limits?: Partial<Limits>): Limits {
  if (limits === undefined) return DEFAULT_LIMITS
  if (resolved.has(limits)) return limits as Limits
  const full = Object.freeze({ ...DEFAULT_LIMITS, ...limits })
  resolved.add(full)
  return full
}
