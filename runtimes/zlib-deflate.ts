/**
 * permessage-deflate (RFC 7692) on node:zlib, which Node, Deno and Bun all have: raw DEFLATE,
 * a sync flush per message (§7.2.1), context kept across messages unless the agreed
 * parameters say otherwise, and an output cap on inflation (a zip bomb stops at
 * `maxBytes`, → 1009). Core takes it as `Runtime.deflate`; `role: 'client'` mirrors it for
 * a client (tests).
 * @module
 */
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib'
import { MessageTooBigError, type DeflateCodec, type DeflateParams } from '../core/ws/permessage-deflate.ts'

const TRAILER = new Uint8Array([0x00, 0x00, 0xff, 0xff])

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) out.set(c, (at += c.length) - c.length)
  return out
}

/** Builds a codec for one side of a connection. */
export function zlibCodec(params: DeflateParams, role: 'server' | 'client' = 'server'): DeflateCodec {
  const ownBits = role === 'server' ? params.serverMaxWindowBits : params.clientMaxWindowBits
  const ownReset = role === 'server' ? params.serverNoContextTakeover : params.clientNoContextTakeover
  const peerReset = role === 'server' ? params.clientNoContextTakeover : params.serverNoContextTakeover
  let deflate: DeflateRaw | null = null
  let inflate: InflateRaw | null = null

  return {
    compress(message) {
      const stream = (deflate ??= createDeflateRaw({ windowBits: Math.max(9, ownBits) }))
      return new Promise((resolve, reject) => {
        const chunks: Uint8Array[] = []
        const onData = (chunk: Uint8Array): void => void chunks.push(chunk)
        stream.on('data', onData).once('error', reject)
        stream.write(message)
        stream.flush(constants.Z_SYNC_FLUSH, () => {
          stream.off('data', onData).off('error', reject)
          const out = concat(chunks)
          if (ownReset) {
            stream.close()
            deflate = null
          }
          // RFC 7692 §7.2.1: remove the 00 00 ff ff the sync flush ends with.
          resolve(out.subarray(0, out.length - 4))
        })
      })
    },
    decompress(payload, maxBytes) {
      // Any window up to 15 bits decodes with a 15-bit window.
      const stream = (inflate ??= createInflateRaw({ windowBits: 15 }))
      return new Promise((resolve, reject) => {
        const chunks: Uint8Array[] = []
        let total = 0
        let failed = false
        const fail = (error: Error): void => {
          if (failed) return
          failed = true
          stream.removeAllListeners('data').removeAllListeners('error')
          stream.on('error', () => {})
          stream.close()
          inflate = null
          reject(error)
        }
        stream.on('data', (chunk: Uint8Array) => {
          total += chunk.length
          if (total > maxBytes) fail(new MessageTooBigError(`inflated message over ${maxBytes} bytes`))
          else chunks.push(chunk)
        })
        stream.once('error', fail)
        // RFC 7692 §7.2.2: append 00 00 ff ff, then inflate.
        stream.write(payload)
        stream.write(TRAILER)
        stream.flush(() => {
          if (failed) return
          stream.removeAllListeners('data').removeAllListeners('error')
          if (peerReset) {
            stream.close()
            inflate = null
          }
          resolve(concat(chunks))
        })
      })
    },
    close() {
      deflate?.close()
      inflate?.close()
      deflate = inflate = null
    },
  }
}
