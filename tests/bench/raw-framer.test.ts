/**
 * bench/servers/raw.ts is the floor the server benchmark compares Portico with, so it must be
 * right: one answer per request, in order, however the requests are cut into reads.
 */
import { describe, expect, it } from 'vitest'
import { HELLO, HELLO_CLOSE, RequestFramer } from '../../bench/servers/raw.ts'

const latin1 = new TextDecoder('latin1')
const GET = 'GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\nConnection: keep-alive\r\n\r\n'
const POST = `POST /post HTTP/1.1\r\nHost: localhost\r\ncontent-LENGTH:  4096\r\n\r\n${'a'.repeat(4096)}`
const POST_ANSWER = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n4096'

/** Feeds `text` cut at `cuts`, returning all the answers written and whether the framer closed. */
function run(text: string, cuts: number[] = []): { written: string; close: boolean } {
  const framer = new RequestFramer()
  let written = ''
  let close = false
  let from = 0
  for (const to of [...cuts, text.length]) {
    const answers = framer.feed(text.slice(from, to))
    written += latin1.decode(answers.bytes)
    close ||= answers.close
    from = to
  }
  return { written, close }
}

describe('RequestFramer', () => {
  it('answers 16 pipelined requests of one read in order, in one write', () => {
    const framer = new RequestFramer()
    const answers = framer.feed(GET.repeat(16))
    expect(latin1.decode(answers.bytes)).toBe(latin1.decode(HELLO).repeat(16))
    expect(answers.close).toBe(false)
  })

  it('answers the same whatever byte a read ends at', () => {
    const text = GET.repeat(3) + POST + GET
    const expected = latin1.decode(HELLO).repeat(3) + POST_ANSWER + latin1.decode(HELLO)
    for (let cut = 0; cut <= text.length; cut += 7) {
      expect(run(text, [cut]).written, `cut at ${cut}`).toBe(expected)
    }
    expect(run(text, Array.from({ length: text.length }, (_, i) => i)).written).toBe(expected)
  })

  it('skips a Content-Length body and answers its length', () => {
    expect(run(POST + POST).written).toBe(POST_ANSWER.repeat(2))
  })

  it('closes after a request with Connection: close and ignores what follows', () => {
    const closing = GET.replace('keep-alive', 'Close')
    const { written, close } = run(GET + closing + GET)
    expect(written).toBe(latin1.decode(HELLO) + latin1.decode(HELLO_CLOSE))
    expect(close).toBe(true)
  })

  it('refuses a head that never ends past 64 KiB', () => {
    const { written, close } = run(`GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}`)
    expect(written).toBe('')
    expect(close).toBe(true)
  })
})
