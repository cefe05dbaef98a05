/**
 * Accept-Encoding (RFC 9110 §12.5.3): which content coding to send, from the codings the
 * server has, in its order of preference, and the client's q-values.
 *
 *   Accept-Encoding  = #( codings [ weight ] )
 *   codings          = content-coding / "identity" / "*"
 *   weight           = OWS ";" OWS "q=" qvalue
 *   qvalue           = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * @module
 */

/** The content codings Portico compresses with or serves precompressed. */
export type ContentCoding = 'br' | 'gzip' | 'zstd'

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

/**
 * The coding to send: the one of `available` (server preference first) with the highest
 * q-value above 0, ties going to the server's order; `null` means send the identity
 * (uncompressed). A coding is acceptable only if named or matched by `*`; an absent header
 * accepts none (§12.5.3: "any coding" is allowed then, but compressing for a client that did
 * not ask is what breaks old clients and scripts). Identity wins only when the client gives
 * it a higher q than every coding on offer. A client that refuses identity (`identity;q=0`,
 * or `*;q=0` without identity) and every offered coding still gets the identity: §12.5.3's
 * SHOULD ("send a response without any content coding") stops short of this case and names
 * no status (415 is about request content, §15.5.16); 406 is allowed, but RFC 7231 moved
 * away from it on purpose (httpwg/http-core#980: less interoperable than no coding), and a
 * body the client may ignore beats an error it cannot act on.
 */
export function negotiateEncoding<C extends string>(header: string | null | undefined, available: readonly C[]): C | null {
  if (header == null || header === '' || available.length === 0) return null
  let star = -1
  let identity = -1
  const weights = new Map<string, number>()
  for (const item of header.split(',')) {
    const semi = item.indexOf(';')
    const name = (semi === -1 ? item : item.slice(0, semi)).trim().toLowerCase()
    if (name === '') continue
    let q = 1
    if (semi !== -1) {
      const param = /^\s*;\s*q=([0-9.]+)\s*$/i.exec(item.slice(semi))
      if (param === null || !QVALUE.test(param[1]!)) continue // unparseable weight: ignore the item
      q = Number(param[1])
    }
    if (name === '*') star = q
    else if (name === 'identity') identity = q
    // RFC 9110 §8.4.1.3: x-gzip is gzip.
    else weights.set(name === 'x-gzip' ? 'gzip' : name, Math.max(q, weights.get(name === 'x-gzip' ? 'gzip' : name) ?? 0))
  }
  let best: C | null = null
  let bestQ = 0
  for (const coding of available) {
    const q = weights.get(coding) ?? (star >= 0 ? star : 0)
    if (q > bestQ) {
      best = coding
      bestQ = q
    }
  }
  return best !== null && identity > bestQ ? null : best
}
