/**
 * The `Sec-WebSocket-Extensions` header (RFC 6455 §9.1): a list of extension offers, each
 * a name and parameters. Parsing is syntax only; what an offer means is up to the
 * extension (`permessage-deflate.ts`).
 *
 *   Sec-WebSocket-Extensions = extension-list
 *   extension-list = 1#extension
 *   extension = extension-token *( ";" extension-param )
 *   extension-token = registered-token
 *   registered-token = token
 *   extension-param = token [ "=" (token | quoted-string) ]
 *       ; When using the quoted-string syntax variant, the value after quoted-string
 *       ; unescaping MUST conform to the 'token' ABNF.
 *
 * As in all RFC 2616-era ABNF, optional whitespace may surround the separators, and
 * (RFC 9110 §5.6.1) empty list elements are ignored. Names are compared case-insensitively,
 * so they are returned in lowercase.
 * @module
 */

/** One `name[=value]` parameter; `value` is null when there is no `=`. */
export interface ExtensionParam {
  name: string
  value: string | null
}

/** One extension offer, parameters in the order sent (duplicates kept, for the extension to judge). */
export interface ExtensionOffer {
  name: string
  params: ExtensionParam[]
}

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//   "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1

/** Whether `text` is a non-empty RFC 9110 token. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 128 || TCHAR[code] === 0) return false
  }
  return true
}

/** A small cursor over one header value. */
class Scanner {
  at = 0
  readonly text: string
  constructor(text: string) {
    this.text = text
  }

  get done(): boolean {
    return this.at >= this.text.length
  }

  peek(): string {
    return this.text[this.at] ?? ''
  }

  skipWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.at++
  }

  token(): string {
    const start = this.at
    while (this.at < this.text.length) {
      const code = this.text.charCodeAt(this.at)
      if (code >= 128 || TCHAR[code] === 0) break
      this.at++
    }
    return this.text.slice(start, this.at)
  }

  /** RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; null if unterminated. */
  quotedString(): string | null {
    this.at++ // opening DQUOTE
    let out = ''
    while (this.at < this.text.length) {
      const c = this.text[this.at++]!
      if (c === '"') return out
      if (c === '\\') {
        if (this.at >= this.text.length) return null
        out += this.text[this.at++]!
      } else {
        out += c
      }
    }
    return null
  }
}

/**
 * Parses the `Sec-WebSocket-Extensions` field values (one string per header line, in
 * order). Returns null if any of them is malformed; a server should then answer 400.
 */
export function parseExtensions(values: readonly string[]): ExtensionOffer[] | null {
  const offers: ExtensionOffer[] = []
  for (const value of values) {
    const s = new Scanner(value)
    for (;;) {
      s.skipWhitespace()
      if (s.done) break
      if (s.peek() === ',') {
        s.at++
        continue
      }
      const name = s.token()
      if (name === '') return null
      const offer: ExtensionOffer = { name: name.toLowerCase(), params: [] }
      s.skipWhitespace()
      while (s.peek() === ';') {
        s.at++
        s.skipWhitespace()
        const paramName = s.token()
        if (paramName === '') return null
        let paramValue: string | null = null
        s.skipWhitespace()
        if (s.peek() === '=') {
          s.at++
          s.skipWhitespace()
          paramValue = s.peek() === '"' ? s.quotedString() : s.token()
          // §9.1: a quoted value must still be a token once unescaped.
          if (paramValue === null || !isToken(paramValue)) return null
          s.skipWhitespace()
        }
        offer.params.push({ name: paramName.toLowerCase(), value: paramValue })
      }
      offers.push(offer)
      if (s.done) break
      if (s.peek() !== ',') return null
      s.at++
    }
  }
  return offers
}

/** Serializes one extension for a response header: `name; a; b=1`. Values must be tokens. */
export function formatExtension(offer: ExtensionOffer): string {
  let out = offer.name
  for (const param of offer.params) out += param.value === null ? `; ${param.name}` : `; ${param.name}=${param.value}`
  return out
}
