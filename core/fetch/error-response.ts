/**
 * The responses Portico writes itself: a protocol error's status (400, 408, 413, 414, 431,
 * 501, 505), an app failure's 500. One shape for all of them, a short text body, built as a
 * light response so that it leaves in one write whatever the global `Response` is.
 * @module
 */
import { STATUS_TEXT } from '../http/status.ts'
import { LightResponse } from './light-response.ts'

/** `<reason>\n`, or `<reason>: <detail>\n`, as text/plain. */
export function errorResponse(status: number, detail?: string): Response {
  const reason = STATUS_TEXT[status] ?? 'Error'
  const text = detail === undefined ? `${reason}\n` : `${reason}: ${detail}\n`
  return new LightResponse(text, { status, headers: TEXT_PLAIN }) as unknown as Response
}

const TEXT_PLAIN: [string, string][] = [['content-type', 'text/plain; charset=utf-8']]
