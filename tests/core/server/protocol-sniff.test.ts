// Protocol detection on a new connection: ALPN decides when it agreed on one; otherwise the
// first bytes, read only as far as needed.
import { describe, expect, it } from 'vitest'
import { sniffProtocol } from '../../../core/server/protocol-sniff.ts'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'

/** Sniffs `chunks` (read one per call) and reports the result and how many reads it took. */
async function sniff(chunks: string[], alpn: string | null = null, http2 = true) {
  let reads = 0
  const result = await sniffProtocol(alpn, http2, new Uint8Array(0), async () => (reads < chunks.length ? bytes(chunks[reads++]!) : null))
  return { protocol: result.protocol, text: new TextDecoder().decode(result.bytes), eof: result.eof, reads }
}

describe('sniffProtocol', () => {
  it('takes h2 from the preface, however it is split', async () => {
    for (let cut = 1; cut < PREFACE.length; cut++) {
      expect(await sniff([PREFACE.slice(0, cut), PREFACE.slice(cut) + 'frames'])).toEqual({ protocol: 'h2', text: PREFACE + 'frames', eof: false, reads: 2 })
    }
  })

  it('knows HTTP/1.1 by the first byte that differs, without waiting for more', async () => {
    expect(await sniff(['G', 'ET / HTTP/1.1\r\n'])).toMatchObject({ protocol: 'http/1.1', text: 'G', reads: 1 })
    expect(await sniff(['P', 'UT / HTTP/1.1\r\n'])).toMatchObject({ protocol: 'http/1.1', text: 'PUT / HTTP/1.1\r\n', reads: 2 })
    expect(await sniff(['PRI * HTTP/1.1\r\n'])).toMatchObject({ protocol: 'http/1.1', reads: 1 })
  })

  it('hands HTTP/1.1 the EOF of a client that left inside the preface', async () => {
    expect(await sniff(['PRI * HT'])).toEqual({ protocol: 'http/1.1', text: 'PRI * HT', eof: true, reads: 1 })
  })

  it('believes ALPN without reading, and reads nothing when HTTP/2 is off', async () => {
    expect(await sniff(['GET / HTTP/1.1\r\n'], 'h2')).toMatchObject({ protocol: 'h2', reads: 0 })
    expect(await sniff([PREFACE], 'http/1.1')).toMatchObject({ protocol: 'http/1.1', reads: 0 })
    expect(await sniff([PREFACE], null, false)).toMatchObject({ protocol: 'http/1.1', reads: 0 })
  })
})
