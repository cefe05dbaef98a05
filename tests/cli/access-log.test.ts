import { describe, expect, it } from 'vitest'
import { formatCommonLog, formatJsonLog } from '../../cli/access-log.ts'
import type { AccessLogEntry } from '../../core/server/options.ts'

const entry: AccessLogEntry = {
  time: Date.UTC(2026, 10, 27, 16, 24, 21, 345),
  remoteAddress: '127.0.0.1',
  method: 'GET',
  target: '/path',
  version: '1.1',
  status: 200,
  bytes: 13,
  durationMs: 1.5,
  referer: undefined,
  userAgent: 'curl/8.5.0',
}

describe('formatCommonLog', () => {
  it('writes Apache common log format in UTC', () => {
    expect(formatCommonLog(entry)).toBe('127.0.0.1 - - [27/Nov/2026:16:24:21 +0000] "GET /path HTTP/1.1" 200 13')
  })

  it('pads day and time fields and writes HTTP/1.0', () => {
    const early = { ...entry, time: Date.UTC(2026, 0, 5, 3, 4, 5), version: '1.0' as const }
    expect(formatCommonLog(early)).toBe('127.0.0.1 - - [05/Jan/2026:03:04:05 +0000] "GET /path HTTP/1.0" 200 13')
  })

  it('writes - for an unknown host and an empty body', () => {
    const line = formatCommonLog({ ...entry, remoteAddress: undefined, bytes: 0, status: 204 })
    expect(line).toBe('- - - [27/Nov/2026:16:24:21 +0000] "GET /path HTTP/1.1" 204 -')
  })

  it('escapes quotes, backslashes and control bytes so a client cannot forge lines', () => {
    const line = formatCommonLog({ ...entry, target: '/a"b\\c\nd\x7f' })
    expect(line).toContain('"GET /a\\"b\\\\c\\x0ad\\x7f HTTP/1.1"')
    expect(line).not.toContain('\n')
  })
})

describe('formatJsonLog', () => {
  it('writes every field, time as ISO 8601 and unknowns as null', () => {
    expect(JSON.parse(formatJsonLog(entry))).toEqual({
      time: '2026-11-27T16:24:21.345Z',
      remoteAddress: '127.0.0.1',
      method: 'GET',
      target: '/path',
      version: '1.1',
      status: 200,
      bytes: 13,
      durationMs: 1.5,
      referer: null,
      userAgent: 'curl/8.5.0',
    })
  })

  it('is one line even when fields hold newlines', () => {
    expect(formatJsonLog({ ...entry, userAgent: 'a\nb' })).not.toContain('\n')
  })
})
