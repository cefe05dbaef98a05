/**
 * bench/h2load.ts reads h2load's text report and decides whether its req/s can be trusted. The
 * reports below are h2load 1.52's, captured against node:http2 and against a server without
 * HTTP/2 (Portico before its h2 server landed): h2load exits 0 for both.
 */
import { describe, expect, it } from 'vitest'
import { H2_SCENARIOS, h2loadCommand, parseH2load, problemsOf } from '../../bench/h2load.ts'

const get = H2_SCENARIOS.find((s) => s.id === 'get')!
const post = H2_SCENARIOS.find((s) => s.id === 'post')!

const nodeTimed = `starting benchmark...
spawning thread #0: 8 total client(s). Timing-based test with 0s of warm-up time and 2s of main duration for measurements.
Application protocol: h2c
finished in 2.00s, 56450.00 req/s, 2.10MB/s
requests: 112900 total, 113700 started, 112900 done, 112900 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 112900 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 4.20MB (4403948) total, 882.72KB (903904) headers (space savings 91.57%), 1.40MB (1467700) data
                     min         max         mean         sd        +/- sd
time for request:      615us     18.48ms      4.96ms      4.38ms    85.00%
`

const refusedPreface = `Application protocol: h2c
finished in 6.33ms, 0.00 req/s, 118.43KB/s
requests: 100 total, 4 started, 0 done, 0 succeeded, 100 failed, 100 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 768B (768) total, 0B (0) headers (space savings 0.00%), 0B (0) data
`

/** In timing mode h2load counts nothing at all when no response ever comes. */
const refusedPrefaceTimed = `Application protocol: h2c
finished in 2.00s, 0.00 req/s, 384B/s
requests: 0 total, 4 started, 0 done, 0 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 768B (768) total, 0B (0) headers (space savings 0.00%), 0B (0) data
`

const noAlpn = `TLS Protocol: TLSv1.3
No protocol negotiated. Fallback behaviour may be activated
No supported protocol was negotiated. Supported protocols were:
h2
finished in 10.87ms, 0.00 req/s, 0B/s
requests: 100 total, 0 started, 0 done, 0 succeeded, 100 failed, 100 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 0B (0) total, 0B (0) headers (space savings 0.00%), 0B (0) data
`

describe('parseH2load', () => {
  it('reads the figures of a timed run', () => {
    expect(parseH2load(nodeTimed)).toEqual({
      protocol: 'h2c', seconds: 2, total: 112900, started: 113700, done: 112900, succeeded: 112900, failed: 0, errored: 0,
      timeout: 0, status2xx: 112900, dataBytes: 1467700, meanMs: 4.96,
    })
  })
  it('reads ms durations and a missing protocol', () => {
    const report = parseH2load(noAlpn)!
    expect(report.seconds).toBeCloseTo(0.01087)
    expect(report.protocol).toBeNull()
  })
  it('is null without a report', () => {
    expect(parseH2load('h2load: could not connect\n')).toBeNull()
  })
})

describe('problemsOf', () => {
  it('trusts a clean run with the right protocol and body size', () => {
    expect(problemsOf(parseH2load(nodeTimed), 'h2c', get, nodeTimed)).toEqual([])
  })
  it('refuses a run where nothing succeeded, with or without h2load counting failures', () => {
    for (const text of [refusedPreface, refusedPrefaceTimed]) {
      expect(problemsOf(parseH2load(text), 'h2c', get, text).join()).toMatch(/no request succeeded/)
    }
  })
  it('refuses TLS without h2 in ALPN, quoting h2load', () => {
    const problems = problemsOf(parseH2load(noAlpn), 'tls', get, noAlpn)
    expect(problems[0]).toBe('protocol none negotiated, not h2')
    expect(problems.join()).toMatch(/No protocol negotiated/)
  })
  it('refuses h2c where TLS was asked for', () => {
    expect(problemsOf(parseH2load(nodeTimed), 'tls', get, nodeTimed)).toEqual(['protocol h2c, not h2'])
  })
  it('refuses answers whose body is not the app\'s', () => {
    // 13 bytes per response is GET /'s body, not the "4096" POST /post answers.
    expect(problemsOf(parseH2load(nodeTimed), 'h2c', post, nodeTimed).join()).toMatch(/body bytes per response/)
  })
  it('refuses failed requests and non-2xx answers among successes', () => {
    const text = nodeTimed.replace('0 failed, 0 errored', '3 failed, 3 errored').replace('112900 2xx, 0 3xx, 0 4xx', '112800 2xx, 0 3xx, 100 4xx')
    const problems = problemsOf(parseH2load(text), 'h2c', get, text)
    expect(problems.join()).toMatch(/3 failed, 3 errored/)
    expect(problems.join()).toMatch(/100 of 112900 answers not 2xx/)
  })
})

describe('h2loadCommand', () => {
  it('offers only h2 over TLS, posts the file, and bounds the run', () => {
    expect(h2loadCommand(8443, 'tls', post, { seconds: 5 }, '/tmp/4k')).toEqual(
      ['h2load', '-t1', '-c64', '-m1', '-D', '5', '--npn-list=h2', '-d', '/tmp/4k', 'https://127.0.0.1:8443/post'])
    expect(h2loadCommand(8000, 'h2c', get, { requests: 100 }, '/tmp/4k').slice(-4)).toEqual(['-n', '100', '--npn-list=h2', 'http://127.0.0.1:8000/'])
  })
})
