// WebSocket byte vectors (tests/vectors/ws-*.ts), each fed whole, one byte at a time and split
// at every offset; every run must give the same events, frames sent back and error.
import { describe, expect, test } from 'vitest'
import { defaultCloseCode, toHex, type WsVector } from '../../vectors/ws-client.ts'
import { closing } from '../../vectors/ws-close.ts'
import { deflateFrames } from '../../vectors/ws-deflate.ts'
import { fragmentation, framing, lengths, opcodes, pingPong, reservedBits } from '../../vectors/ws-frames.ts'
import { limits } from '../../vectors/ws-limits.ts'
import { utf8Cases } from '../../vectors/ws-utf8.ts'
import { normalize, runAllWays } from './feed.ts'

const suites: [string, WsVector[]][] = [
  ['1 framing', framing],
  ['2 ping/pong', pingPong],
  ['3 reserved bits', reservedBits],
  ['4 opcodes', opcodes],
  ['5 fragmentation', fragmentation],
  ['length encodings', lengths],
  ['6 UTF-8', utf8Cases],
  ['7 close handling', closing],
  ['9 limits (small scale)', limits],
  ['permessage-deflate framing', deflateFrames],
]

describe.each(suites)('%s', (_, vectors) => {
  test.each(vectors.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const { outcome, disagreements } = runAllWays(vector)
    expect(disagreements).toEqual([])
    if (vector.events) expect(outcome.events).toMatchObject(vector.events.map(normalize))
    if (vector.sent) expect(outcome.sent).toEqual(vector.sent)
    if (vector.error) {
      const closeCode = vector.closeCode ?? defaultCloseCode(vector.error)
      expect(outcome.error).toEqual({
        code: vector.error,
        closeCode,
        closeFrame: toHex(new Uint8Array([0x88, 0x02, closeCode >>> 8, closeCode & 0xff])),
      })
    } else {
      expect(outcome.error).toBeUndefined()
    }
  })
})
