/**
 * Admission: which requests reach the app. Server-wide state the exchanges of every
 * connection share: whether the server is draining (a graceful close has begun) and how many
 * requests are in flight. From it, the two answers Portico gives itself, before the app: the
 * health check (`healthPath`: 200 while serving, 503 once draining, so a load balancer stops
 * sending before the listener closes) and the overload 503 (`maxConcurrentRequests`:
 * refused at once, with `Retry-After`, rather than queued without bound).
 * @module
 */
import { LightResponse } from '../fetch/light-response.ts'

/** The shared state; one per server, read and written by every exchange. */
export class Admission {
  /** A graceful close has begun: health checks fail, responses close their connection. */
  draining = false
  /** Requests admitted and not yet answered; counted only when `maxConcurrentRequests` is set. */
  inFlight = 0
  /** 0: no limit. */
  readonly maxConcurrentRequests: number
  /** The path answered by Portico itself, or null. */
  readonly healthPath: string | null

  constructor(maxConcurrentRequests: number, healthPath: string | null) {
    this.maxConcurrentRequests = maxConcurrentRequests
    this.healthPath = healthPath
  }

  /** True when one more request would go past the limit. */
  get isFull(): boolean {
    return this.maxConcurrentRequests > 0 && this.inFlight >= this.maxConcurrentRequests
  }

  /** True when `target` (origin-form, maybe with a query) names the health path. */
  isHealthCheck(target: string): boolean {
    const path = this.healthPath
    if (path === null || !target.startsWith(path)) return false
    return target.length === path.length || target.charCodeAt(path.length) === 0x3f // '?'
  }

  /** The health check's answer: 200 while serving, 503 while draining. Never cached. */
  healthResponse(): Response {
    return this.draining
      ? (new LightResponse('draining\n', { status: 503, headers: HEALTH_HEADERS }) as unknown as Response)
      : (new LightResponse('ok\n', { status: 200, headers: HEALTH_HEADERS }) as unknown as Response)
  }
}

/** The answer to a request beyond `maxConcurrentRequests` (RFC 9110 §15.6.4, §10.2.3). */
export function overloadedResponse(): Response {
  return new LightResponse('Service Unavailable: too many requests in flight\n', { status: 503, headers: OVERLOADED_HEADERS }) as unknown as Response
}

const HEALTH_HEADERS: [string, string][] = [['content-type', 'text/plain; charset=utf-8'], ['cache-control', 'no-store']]
const OVERLOADED_HEADERS: [string, string][] = [['content-type', 'text/plain; charset=utf-8'], ['retry-after', '1']]

/** Validates a `healthPath` option: an absolute path without a query. */
export function checkHealthPath(path: string | undefined): string | null {
  if (path === undefined) return null
  if (!path.startsWith('/') || path.includes('?') || path.includes('#')) {
    throw new TypeError(`healthPath must be an absolute path like /healthz, got "${path}"`)
  }
  return path
}
