/**
 * The Date header (RFC 9110 §6.6.1): an origin server with a clock MUST send it. Formatting a
 * date per response is measurable at 100k responses/s, so the string is kept for a second.
 * @module
 */

let cachedSecond = -1
let cachedValue = ''

/**
 * IMF-fixdate for a time in ms since the epoch, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
 * ECMAScript (since 2018) specifies `toUTCString()` as exactly this format.
 */
export function httpDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedValue = new Date(second * 1000).toUTCString()
  }
  return cachedValue
}
