/**
 * UTF-8 in text messages (RFC 6455 §8.1: invalid → 1007): Autobahn|Testsuite section 6.
 * 6.5-6.23 are the sequences of Markus Kuhn's UTF-8 decoder capability test as Autobahn
 * lists them (case6_x_x.py), each sent as one text message; `kuhnSequences` also feeds the
 * validator's own tests.
 * @module
 */
import { clientFrame as f, clientFrames, clientMessage, concat, hex, latin1, toLatin1, utf8, type WsVector } from './ws-client.ts'

/** One Autobahn 6.x UTF-8 sequence: case number, whether it is valid, the bytes. */
export interface Utf8Sequence {
  id: string
  valid: boolean
  bytes: Uint8Array
}

const KOSME = hex('ce ba e1 bd b9 cf 83 ce bc ce b5') // κόσμε
const l = latin1

/** The sections of case6_x_x.py, in order from 6.5. */
function sections(): [title: string, cases: [valid: boolean, bytes: Uint8Array][]][] {
  const incomplete = ['c0', 'e0 80', 'f0 80 80', 'f8 80 80 80', 'fc 80 80 80 80', 'df', 'ef bf', 'f7 bf bf', 'fb bf bf bf', 'fd bf bf bf bf']
  const nonCharacters: [boolean, Uint8Array][] = [[true, hex('ef bf be')], [true, hex('ef bf bf')]]
  for (const z1 of [0xf0, 0xf1, 0xf2, 0xf3, 0xf4]) {
    for (const z2 of [0x8f, 0x9f, 0xaf, 0xbf]) {
      if (z1 === 0xf4 && z2 !== 0x8f) continue // beyond U+10FFFF
      if (z1 === 0xf0 && z2 === 0x8f) continue // overlong
      for (const z3 of [0xbe, 0xbf]) nonCharacters.push([true, new Uint8Array([z1, z2, 0xbf, z3])])
    }
  }
  const lonely = ([lo, hi]: [number, number]): Uint8Array => new Uint8Array(Array.from({ length: hi - lo }, (_, i) => [lo + i, 0x20]).flat())
  const highSurrogates = ['ed a0 80', 'ed ad bf', 'ed ae 80', 'ed af bf']
  return [
    ['some valid UTF-8 sequences', [
      [true, l('hello\x24world')], [true, concat(l('hello'), hex('c2a2'), l('world'))],
      [true, concat(l('hello'), hex('e282ac'), l('world'))], [true, concat(l('hello'), hex('f0a4ada2'), l('world'))], [true, KOSME],
    ]],
    // A prefix is valid when it ends on a code point boundary: after 2, 5, 7, 9, 11 bytes.
    ['all prefixes of κόσμε', Array.from({ length: 11 }, (_, i) => [[2, 5, 7, 9, 11].includes(i + 1), KOSME.subarray(0, i + 1)])],
    ['first possible sequence of each length', ['00', 'c2 80', 'e0 a0 80', 'f0 90 80 80'].map((h) => [true, hex(h)])],
    ['first possible sequence of length 5/6', ['f8 88 80 80 80', 'fc 84 80 80 80 80'].map((h) => [false, hex(h)])],
    ['last possible sequence of each length', ['7f', 'df bf', 'ef bf bf', 'f4 8f bf bf'].map((h) => [true, hex(h)])],
    ['last possible sequence of length 4/5/6', ['f7 bf bf bf', 'fb bf bf bf bf', 'fd bf bf bf bf bf'].map((h) => [false, hex(h)])],
    ['other boundary conditions', [...['ed 9f bf', 'ee 80 80', 'ef bf bd', 'f4 8f bf bf'].map((h): [boolean, Uint8Array] => [true, hex(h)]), [false, hex('f4 90 80 80')]]],
    ['unexpected continuation bytes', [
      ...['80', 'bf', '80 bf', '80 bf 80', '80 bf 80 bf', '80 bf 80 bf 80', '80 bf 80 bf 80 bf'].map((h): [boolean, Uint8Array] => [false, hex(h)]),
      [false, new Uint8Array(Array.from({ length: 0xbf - 0x80 }, (_, i) => 0x80 + i))],
    ]],
    ['lonely start characters', ([[0xc0, 0xdf], [0xe0, 0xef], [0xf0, 0xf7], [0xf8, 0xfb], [0xfc, 0xfd]] as [number, number][]).map((r) => [false, lonely(r)])],
    ['last continuation byte missing', incomplete.map((h) => [false, hex(h)])],
    ['concatenation of incomplete sequences', [[false, hex(incomplete.join(''))]]],
    ['impossible bytes', ['fe', 'ff', 'fe fe ff ff'].map((h) => [false, hex(h)])],
    ['overlong ASCII', ['c0 af', 'e0 80 af', 'f0 80 80 af', 'f8 80 80 80 af', 'fc 80 80 80 80 af'].map((h) => [false, hex(h)])],
    ['maximum overlong sequences', ['c1 bf', 'e0 9f bf', 'f0 8f bf bf', 'f8 87 bf bf bf', 'fc 83 bf bf bf bf'].map((h) => [false, hex(h)])],
    ['overlong NUL', ['c0 80', 'e0 80 80', 'f0 80 80 80', 'f8 80 80 80 80', 'fc 80 80 80 80 80'].map((h) => [false, hex(h)])],
    ['single UTF-16 surrogates', [...highSurrogates, 'ed b0 80', 'ed be 80', 'ed bf bf'].map((h) => [false, hex(h)])],
    ['paired UTF-16 surrogates', highSurrogates.flatMap((high) => ['ed b0 80', 'ed bf bf'].map((low): [boolean, Uint8Array] => [false, hex(high + low)]))],
    ['non-characters (valid UTF-8)', nonCharacters],
    ['Unicode specials', ['ef bf b9', 'ef bf ba', 'ef bf bb', 'ef bf bc', 'ef bf bd', 'ef bf be', 'ef bf bf'].map((h) => [true, hex(h)])],
  ]
}

/** Autobahn cases 6.5.1 to 6.23.7. */
export const kuhnSequences: Utf8Sequence[] = sections().flatMap(([, cases], s) =>
  cases.map(([valid, bytes], i) => ({ id: `6.${s + 5}.${i + 1}`, valid, bytes })),
)

/** Titles of 6.5 to 6.23, for test names. */
export const kuhnTitles: string[] = sections().map(([title], s) => `6.${s + 5} ${title}`)

const INVALID_6_3 = concat(KOSME, hex('ed a0 80'), l('edited')) // invalid at byte 12 (A0)
const INVALID_6_4 = concat(KOSME, hex('f4 90 80 80'), l('edited')) // invalid at byte 12 (90)
const HELLO_UTF8 = 'Hello-µ@ßöäüàá-UTF-8!!'

export const utf8Cases: WsVector[] = [
  { name: 'case 6.1.1: empty text message', why: 'RFC 6455 §5.6: empty text is valid', input: f({ opcode: 1 }), events: [{ type: 'message', opcode: 'text', bytes: '' }] },
  {
    name: 'case 6.1.2: three empty fragments', why: 'RFC 6455 §5.4', input: clientFrames({ opcode: 1, fin: false }, { opcode: 0, fin: false }, { opcode: 0 }),
    events: [{ type: 'message', opcode: 'text', bytes: '' }],
  },
  {
    name: 'case 6.1.3: empty, non-empty, empty fragments', why: 'RFC 6455 §5.4',
    input: clientFrames({ opcode: 1, fin: false }, { opcode: 0, fin: false, payload: 'middle frame payload' }, { opcode: 0 }),
    events: [{ type: 'message', text: 'middle frame payload' }],
  },
  { name: 'case 6.2.1: valid UTF-8 in one frame', why: 'RFC 6455 §8.1', input: clientMessage(1, HELLO_UTF8), events: [{ type: 'message', text: HELLO_UTF8 }] },
  {
    name: 'case 6.2.2: valid UTF-8 in two fragments split on a code point boundary', why: 'RFC 6455 §8.1',
    input: clientFrames({ opcode: 1, fin: false, payload: 'Hello-µ@ßöä' }, { opcode: 0, payload: 'üàá-UTF-8!!' }), events: [{ type: 'message', text: HELLO_UTF8 }],
  },
  {
    name: 'case 6.2.3: valid UTF-8 in 1-byte fragments', why: 'RFC 6455 §8.1: validity is a property of the whole message, not of a frame',
    input: clientMessage(1, HELLO_UTF8, 1), events: [{ type: 'message', text: HELLO_UTF8 }],
  },
  {
    name: 'case 6.2.4: κόσμε in 1-byte fragments', why: 'RFC 6455 §8.1', input: clientMessage(1, KOSME, 1),
    events: [{ type: 'message', bytes: toLatin1(KOSME) }],
  },
  { name: 'case 6.3.1: invalid UTF-8 in one frame', why: 'RFC 6455 §8.1 → 1007', input: clientMessage(1, INVALID_6_3), error: 'invalid-utf8', events: [] },
  { name: 'case 6.3.2: invalid UTF-8 in 1-byte fragments', why: 'RFC 6455 §8.1 → 1007', input: clientMessage(1, INVALID_6_3, 1), error: 'invalid-utf8', events: [] },
  {
    name: 'case 6.4.1: invalid code point in the 2nd of 3 frames', why: 'RFC 6455 §8.1; fail fast (see utf8.test.ts for the cut-off input)',
    input: clientFrames({ opcode: 1, fin: false, payload: KOSME }, { opcode: 0, fin: false, payload: hex('f4 90 80 80') }, { opcode: 0, payload: 'edited' }),
    error: 'invalid-utf8', events: [],
  },
  {
    name: 'case 6.4.2: the 2nd frame is the one invalid byte', why: 'RFC 6455 §8.1',
    input: clientFrames({ opcode: 1, fin: false, payload: INVALID_6_4.subarray(0, 12) }, { opcode: 0, fin: false, payload: INVALID_6_4.subarray(12, 13) }, { opcode: 0, payload: INVALID_6_4.subarray(13) }),
    error: 'invalid-utf8', events: [],
  },
  { name: 'case 6.4.3 / 6.4.4: invalid code point inside one frame', why: 'RFC 6455 §8.1', input: clientMessage(1, INVALID_6_4), error: 'invalid-utf8', events: [] },
  ...kuhnSequences.flatMap(({ id, valid, bytes }): WsVector[] => {
    const outcome: Pick<WsVector, 'events' | 'error'> = valid
      ? { events: [{ type: 'message', opcode: 'text', bytes: toLatin1(bytes) }] }
      : { error: 'invalid-utf8', events: [] }
    return [
      { name: `case ${id}: ${valid ? 'valid' : 'invalid'} ${toLatin1(bytes).length}-byte sequence`, why: 'RFC 3629 §4, RFC 6455 §8.1', input: clientMessage(1, bytes), ...outcome },
      { name: `case ${id} in 1-byte fragments`, why: 'RFC 6455 §8.1: validated across fragments', input: clientMessage(1, bytes, 1), ...outcome },
    ]
  }),
  {
    name: 'binary messages are not UTF-8 checked', why: 'RFC 6455 §5.6: binary data is for the application',
    input: clientMessage(2, hex('ed a0 80 ff')), events: [{ type: 'message', opcode: 'binary', bytes: '\xed\xa0\x80\xff' }],
  },
  {
    name: 'a leading BOM is data', why: 'RFC 6455 §5.6 says nothing of BOMs: U+FEFF is an ordinary code point',
    input: clientMessage(1, utf8('\ufeffhi')), events: [{ type: 'message', bytes: '\xef\xbb\xbfhi' }],
  },
]
