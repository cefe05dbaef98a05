/**
 * permessage-deflate (RFC 7692): negotiating its parameters in the opening handshake, and
 * the codec interface the host injects.
 *
 * Compression itself is not here. It needs raw DEFLATE with a sync flush and a sliding
 * window kept across messages (context takeover), which no Web API offers
 * (`CompressionStream` has neither), so the runtime driver injects a `DeflateCodec` built
 * on its zlib. The engine stays synchronous: it reports a compressed message as received
 * (`compressed: true`) and `finishMessage()` inflates it through the codec.
 * @module
 */
import { formatExtension, type ExtensionOffer, type ExtensionParam } from './extensions.ts'

/** The extension token (RFC 7692 §7). */
export const PERMESSAGE_DEFLATE = 'permessage-deflate'

/** The agreed parameters: what the codec must do. */
export interface DeflateParams {
  /** Reset the compressor after each message we send (RFC 7692 §7.1.1.1). */
  serverNoContextTakeover: boolean
  /** The client resets its compressor per message, so our inflater may too (§7.1.1.2). */
  clientNoContextTakeover: boolean
  /** Our compressor's LZ77 window: 2^bits bytes, 8..15 (§7.1.2.1). */
  serverMaxWindowBits: number
  /** The client's window; our inflater needs at least this (§7.1.2.2). */
  clientMaxWindowBits: number
}

/** The server's wishes for permessage-deflate. All fields are optional. */
export interface DeflateOptions {
  /** Forget the compression window after each message even if the client did not ask: less memory per connection, worse ratio. Default false. */
  serverNoContextTakeover?: boolean
  /** Ask the client to forget its window after each message, so inflaters keep no state between messages. Default false. */
  clientNoContextTakeover?: boolean
  /** Largest window our compressor uses, 8..15. Default 15. */
  serverMaxWindowBits?: number
  /** Largest window we let the client use, 8..15; applied only if the client offers `client_max_window_bits`. Default 15. */
  clientMaxWindowBits?: number
  /**
   * The smallest window the injected compressor can really produce. zlib's raw deflate
   * silently turns 8 into 9, so by default an offer that demands `server_max_window_bits=8`
   * is declined rather than answered with a window the client cannot decode. Default 9.
   */
  smallestServerWindowBits?: number
}

/** An accepted offer: the parameters and the `Sec-WebSocket-Extensions` response value. */
export interface DeflateAgreement {
  params: DeflateParams
  header: string
}

/** A client's permessage-deflate offer, parameters checked (RFC 7692 §7.1). */
export interface DeflateOffer {
  serverNoContextTakeover: boolean
  clientNoContextTakeover: boolean
  /** null when absent. */
  serverMaxWindowBits: number | null
  /** null when absent, `true` when present without a value. */
  clientMaxWindowBits: number | true | null
}

/**
 * The injected compressor pair for one connection, built by a `DeflateCodecFactory` from
 * the agreed parameters. Calls must be made one message at a time, in wire order: with
 * context takeover each message depends on the previous ones.
 */
export interface DeflateCodec {
  /** Compresses one whole message; returns the payload without the trailing 00 00 ff ff (RFC 7692 §7.2.1). */
  compress(message: Uint8Array): Promise<Uint8Array>
  /**
   * Inflates one message payload (after appending 00 00 ff ff, §7.2.2); rejects with an
   * error whose `code` is `'message-too-big'` once output would pass `maxBytes` (zip
   * bombs → 1009), and with any other error for corrupt data (→ 1007).
   */
  decompress(payload: Uint8Array, maxBytes: number): Promise<Uint8Array>
  /** Frees the zlib streams. */
  close(): void
}

/** Builds a connection's codec from the negotiated parameters. */
export type DeflateCodecFactory = (params: DeflateParams) => DeflateCodec

/** What a codec rejects with when inflated output passes its limit. */
export class MessageTooBigError extends Error {
  override name = 'MessageTooBigError'
  readonly code = 'message-too-big' as const
}

/** RFC 7692 §7.1.2.1: "a decimal integer value without leading zeroes between 8 to 15, inclusive". */
function windowBits(value: string): number | null {
  return /^(?:[89]|1[0-5])$/.test(value) ? Number(value) : null
}

/**
 * Reads one `permessage-deflate` offer. Returns null when the server must decline it
 * (RFC 7692 §5): an unknown parameter, a parameter given twice, or an invalid value.
 */
export function parseDeflateOffer(offer: ExtensionOffer): DeflateOffer | null {
  if (offer.name !== PERMESSAGE_DEFLATE) return null
  const parsed: DeflateOffer = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: null,
    clientMaxWindowBits: null,
  }
  const seen = new Set<string>()
  for (const { name, value } of offer.params) {
    if (seen.has(name)) return null
    seen.add(name)
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        // §7.1.1.1, §7.1.1.2: "This extension parameter has no value."
        if (value !== null) return null
        if (name === 'server_no_context_takeover') parsed.serverNoContextTakeover = true
        else parsed.clientNoContextTakeover = true
        break
      case 'server_max_window_bits': {
        // §7.1.2.1: the value is required in an offer.
        const bits = value === null ? null : windowBits(value)
        if (bits === null) return null
        parsed.serverMaxWindowBits = bits
        break
      }
      case 'client_max_window_bits': {
        // §7.1.2.2: no value, or a window size.
        if (value === null) {
          parsed.clientMaxWindowBits = true
          break
        }
        const bits = windowBits(value)
        if (bits === null) return null
        parsed.clientMaxWindowBits = bits
        break
      }
      default:
        return null
    }
  }
  return parsed
}

function checkBits(name: string, bits: number): number {
  if (!Number.isInteger(bits) || bits < 8 || bits > 15) throw new RangeError(`${name} must be an integer in 8..15`)
  return bits
}

/**
 * Picks the first `permessage-deflate` offer the server can accept, in the client's order
 * of preference (RFC 7692 §5: declined offers are skipped and the next one is tried), and
 * answers it. Returns null when none is acceptable: the response then lists no extension.
 */
export function negotiateDeflate(offers: readonly ExtensionOffer[], options: DeflateOptions = {}): DeflateAgreement | null {
  const serverPreference = checkBits('serverMaxWindowBits', options.serverMaxWindowBits ?? 15)
  const clientPreference = checkBits('clientMaxWindowBits', options.clientMaxWindowBits ?? 15)
  const smallest = checkBits('smallestServerWindowBits', options.smallestServerWindowBits ?? 9)
  for (const offer of offers) {
    const parsed = parseDeflateOffer(offer)
    if (parsed === null) continue
    const response: ExtensionParam[] = []
    // §7.1.1.1: an accepted server_no_context_takeover MUST be echoed; the server MAY add it.
    const serverNoContextTakeover = parsed.serverNoContextTakeover || options.serverNoContextTakeover === true
    if (serverNoContextTakeover) response.push({ name: 'server_no_context_takeover', value: null })
    // §7.1.1.2: the server MAY ask for client_no_context_takeover; when the client offered
    // it we confirm it, so our inflater can drop its window between messages.
    const clientNoContextTakeover = parsed.clientNoContextTakeover || options.clientNoContextTakeover === true
    if (clientNoContextTakeover) response.push({ name: 'client_no_context_takeover', value: null })
    // §7.1.2.1: answer with the same or a smaller value; the server MAY limit itself unasked.
    let serverBits = Math.max(serverPreference, smallest)
    if (parsed.serverMaxWindowBits !== null) serverBits = Math.min(serverBits, parsed.serverMaxWindowBits)
    if (serverBits < smallest) continue // the client demands a window our compressor cannot make
    if (parsed.serverMaxWindowBits !== null || serverBits < 15) {
      response.push({ name: 'server_max_window_bits', value: String(serverBits) })
    }
    // §7.1.2.2: only if offered, with a value no larger than the offered one; absent → 15.
    let clientBits = 15
    if (parsed.clientMaxWindowBits !== null) {
      clientBits = Math.min(clientPreference, parsed.clientMaxWindowBits === true ? 15 : parsed.clientMaxWindowBits)
      if (clientBits < 15) response.push({ name: 'client_max_window_bits', value: String(clientBits) })
    }
    return {
      params: {
        serverNoContextTakeover,
        clientNoContextTakeover,
        serverMaxWindowBits: serverBits,
        clientMaxWindowBits: clientBits,
      },
      header: formatExtension({ name: PERMESSAGE_DEFLATE, params: response }),
    }
  }
  return null
}
