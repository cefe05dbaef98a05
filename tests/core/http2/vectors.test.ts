// h2spec vectors (tests/vectors/h2spec.ts), each fed whole, one byte at a time and split at
// every offset; every run must give the same events and the same frames back.
import { describe, expect, test } from 'vitest'
import { runH2AllWays, type H2Vector } from '../../helpers/h2-feed.ts'
import { generic, hpack, http2, http2Semantics } from '../../vectors/h2spec.ts'

const suites: [string, H2Vector[]][] = [
  ['h2spec generic', generic],
  ['h2spec http2 (framing, streams, flow control)', http2],
  ['h2spec http2 (HTTP semantics)', http2Semantics],
  ['h2spec hpack', hpack],
]

describe.each(suites)('%s', (_, vectors) => {
  test.each(vectors.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const { outcome, disagreements } = runH2AllWays(vector)
    expect(disagreements).toEqual([])
    if (vector.events) {
      expect(outcome.events).toHaveLength(vector.events.length)
      expect(outcome.events).toMatchObject(vector.events)
    }
    if (vector.frames) expect(outcome.frames).toEqual([...vector.frames].sort())
    if (vector.framesInclude) expect(outcome.frames).toEqual(expect.arrayContaining(vector.framesInclude))
    expect(outcome.goawayLast).toBe(true)
  })
})
