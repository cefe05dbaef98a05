/**
 * Property tests over the vectors: (a) how the input is split never changes the outcome;
 * (b) random bytes and mutated vectors make `next()` throw nothing but
 * `RemoteProtocolError` (feed() rethrows anything else), are independent of splits, and any
 * accepted head accounts for every byte of its input.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { feed, latin1, sameOutcome, splitAt, text } from '../../helpers/feed.ts'
import type { FeedInput, Outcome, SeenEvent } from '../../helpers/feed.ts'
import { chunked } from '../../vectors/chunked.ts'
import { contentLength } from '../../vectors/content-length.ts'
import { framing } from '../../vectors/framing.ts'
import { headers } from '../../vectors/headers.ts'
import { limits } from '../../vectors/limits.ts'
import { persistence } from '../../vectors/persistence.ts'
import { pipelining } from '../../vectors/pipelining.ts'
import { requestLine } from '../../vectors/request-line.ts'

const vectors = [requestLine, headers, contentLength, chunked, framing, persistence, pipelining, limits]
  .flat()
  .map((v) => ({ ...v, input: latin1(v.input) }))
const small = vectors.filter((v) => v.input.length <= 2048)
const STATUSES = new Set([400, 413, 414, 431, 501, 505])

const wholeCache = new Map<FeedInput, Outcome>()
const whole = (v: FeedInput & { input: Uint8Array }): Outcome => {
  let outcome = wholeCache.get(v)
  if (!outcome) wholeCache.set(v, (outcome = feed(v, [v.input])))
  return outcome
}

/**
 * Whether `input` starts with exactly the head `request` describes: leading CRLFs, the
 * request line, each field as `name ":" OWS value OWS CRLF`, then CRLF. Catches a parser
 * that accepted bytes its events do not account for (e.g. a bare CR read as a line break).
 */
function headMatches(input: string, request: SeenEvent & { type: 'request' }): boolean {
  let at = 0
  const skip = (re: RegExp): void => {
    while (at < input.length && re.test(input[at]!)) at++
  }
  const eat = (text: string): boolean => input.startsWith(text, at) && ((at += text.length), true)
  while (input.startsWith('\r\n', at)) at += 2
  const minor = request.version === '1.0' ? '0' : input[at + request.method.length + request.target.length + 9]!
  if (!eat(`${request.method} ${request.target} HTTP/1.`) || !/[0-9]/.test(minor) || !eat(minor + '\r\n')) return false
  if (request.version === '1.1' && minor === '0') return false
  for (let i = 0; i < request.headers.length; i += 2) {
    if (!eat(request.headers[i]! + ':')) return false
    skip(/[ \t]/)
    if (!eat(request.headers[i + 1]!)) return false
    skip(/[ \t]/)
    if (!eat('\r\n')) return false
  }
  return eat('\r\n')
}

/** Feeds whole and split; both must agree and any error must carry a server status. */
function checkInput(v: FeedInput & { input: Uint8Array }, offsets: number[]): void {
  const a = feed(v, [v.input])
  const b = feed(v, splitAt(v.input, offsets))
  if (a.error) expect(STATUSES).toContain(a.error.status)
  const first = a.events[0]
  if (first?.type === 'request') expect(headMatches(text(v.input), first), JSON.stringify(first)).toBe(true)
  expect(sameOutcome(a, b, a.error?.code === 'body-too-large' || v.anyEventsBeforeError), JSON.stringify({ a, b })).toBe(true)
}

const offsets = (max: number): fc.Arbitrary<number[]> => fc.array(fc.nat({ max }), { maxLength: 8 })

/** Bytes that matter to HTTP/1.1 framing, favoured by the mutations. */
const INTERESTING = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x22, 0x00, 0x0b, 0x7f, 0xff, 0x30, 0x35, 0x61, 0x2c, 0x3d]
const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }))
type Mutation = { op: 'set' | 'insert' | 'delete' | 'duplicate'; at: number; byte: number; length: number }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('set', 'insert', 'delete', 'duplicate'),
  at: fc.nat(),
  byte,
  length: fc.integer({ min: 1, max: 16 }),
})

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Array.from(input)
  for (const m of mutations) {
    const at = out.length ? m.at % (out.length + 1) : 0
    if (m.op === 'set' && at < out.length) out[at] = m.byte
    else if (m.op === 'insert') out.splice(at, 0, m.byte)
    else if (m.op === 'delete') out.splice(at, m.length)
    else if (m.op === 'duplicate') out.splice(at, 0, ...out.slice(at, at + m.length))
  }
  return Uint8Array.from(out)
}

/** Fragments that assemble into nearly-valid HTTP. */
const FRAGMENTS = [
  'GET', 'POST', 'CONNECT', 'OPTIONS', ' ', '  ', '/', '*', 'a:1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', '\r\n', '\r', '\n', '\t',
  'Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Expect', ':', ': ', 'chunked', 'gzip', 'close',
  'upgrade', '100-continue', '0', '5', 'f', ',', ';', '=', '"', 'hello', '\x00', '\x0b', '\xff', '\r\n\r\n',
]

describe('properties', () => {
  test('(a) random splits of any vector never change the outcome', () => {
    fc.assert(fc.property(fc.constantFrom(...vectors), offsets(20_000), (v, cuts) => {
      const got = feed(v, splitAt(v.input, cuts))
      expect(sameOutcome(whole(v), got, v.anyEventsBeforeError), JSON.stringify(got)).toBe(true)
    }), { numRuns: 3000 })
  })

  test('(b) random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), offsets(300), (input, eof, cuts) => {
      checkInput({ input, eof }, cuts)
    }), { numRuns: 3000 })
  })

  test('(b) random HTTP-like fragments', () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => latin1(parts.join('')))
    fc.assert(fc.property(soup, fc.boolean(), offsets(300), (input, eof, cuts) => {
      checkInput({ input, eof }, cuts)
    }), { numRuns: 3000 })
  })

  test('(b) mutated vectors', () => {
    fc.assert(fc.property(
      fc.constantFrom(...small), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), offsets(2100),
      (v, mutations, eof, cuts) => {
        checkInput({ ...v, input: mutate(v.input, mutations), eof }, cuts)
      },
    ), { numRuns: 5000 })
  })
})
