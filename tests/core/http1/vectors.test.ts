/**
 * Runs every byte vector in `tests/vectors/` whole, bytewise and split at every offset.
 */
import { describe, expect, test } from 'vitest'
import { runAllWays } from '../../helpers/feed.ts'
import { chunked } from '../../vectors/chunked.ts'
import { contentLength } from '../../vectors/content-length.ts'
import { framing } from '../../vectors/framing.ts'
import { headers } from '../../vectors/headers.ts'
import { limits } from '../../vectors/limits.ts'
import { persistence } from '../../vectors/persistence.ts'
import { pipelining } from '../../vectors/pipelining.ts'
import { requestLine } from '../../vectors/request-line.ts'
import { defaultStatus } from '../../vectors/types.ts'
import type { Vector } from '../../vectors/types.ts'

const topics: Record<string, Vector[]> = {
  'request-line': requestLine,
  headers,
  'content-length': contentLength,
  chunked,
  framing,
  persistence,
  pipelining,
  limits,
}

test('vectors are well-formed', () => {
  const all = Object.values(topics).flat()
  expect(all.length).toBeGreaterThanOrEqual(170)
  for (const [topic, vectors] of Object.entries(topics)) {
    const names = vectors.map((v) => v.name)
    expect(new Set(names).size, `duplicate names in ${topic}`).toBe(names.length)
  }
  for (const v of all) {
    expect(v.why, v.name).not.toBe('')
    expect(v.events !== undefined || v.error !== undefined, `${v.name}: needs events or error`).toBe(true)
  }
})

for (const [topic, vectors] of Object.entries(topics)) {
  describe(topic, () => {
    for (const vector of vectors) {
      test(vector.name, () => {
        const { outcome, disagreements } = runAllWays(vector)
        if (vector.error) {
          expect(outcome.error).toEqual({ code: vector.error, status: vector.status ?? defaultStatus(vector.error) })
        } else {
          expect(outcome.error).toBeUndefined()
        }
        if (vector.events) expect(outcome.events).toMatchObject(vector.events)
        expect(disagreements.slice(0, 3)).toEqual([])
      })
    }
  })
}
