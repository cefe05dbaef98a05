/**
 * The app: a WHATWG fetch handler, or an object with a `fetch` method (Hono, Elysia,
 * itty-router, h3), and the `info` it gets with each request.
 * @module
 */
import { errorResponse } from './error-response.ts'
import type { UpgradeOptions, WebSocketHandler, WebSocketSendData } from './websocket-api.ts'

/**
 * The handler's second argument: the connection's addresses as `info.remoteAddr`, and
 * the server methods a `fetch(request, server)` handler is offered
 * (`upgrade`, `publish`, `subscriberCount`, `requestIP`), so apps written for either run.
 */
export interface ServeInfo {
  readonly remoteAddress: string | undefined
  readonly remotePort: number | undefined
  readonly localAddress: string | undefined
  readonly localPort: number | undefined
  /** The address as `info.remoteAddr.hostname`. */
  readonly remoteAddr: { hostname: string | undefined; port: number | undefined; transport: 'tcp' | 'unix' }
  /**
   * Turns this request into a WebSocket (`server.upgrade`): true when it is a valid
   * upgrade and the server has `websocket` handlers; the handler's response is then ignored
   * and a 101 goes out. False otherwise: answer the request as usual.
   */
  upgrade<Data = unknown>(request: Request, options?: UpgradeOptions<Data>): boolean
  /** Sends to every WebSocket subscribed to `topic`; the bytes sent to each, 0 if none. */
  publish(topic: string, data: WebSocketSendData, compress?: boolean): number
  /** How many WebSockets are subscribed to `topic`. */
  subscriberCount(topic: string): number
  /** `server.requestIP(request)`: the client of this connection. */
  requestIP(request: Request): { address: string; family: 'IPv4' | 'IPv6'; port: number } | null
}

/** A WHATWG fetch handler. */
export type FetchHandler = (request: Request, info: ServeInfo) => Response | Promise<Response>

/**
 * A handler function, or an object with a `fetch` method (Hono, Elysia, itty-router, h3) and
 * optionally `websocket` handlers.
 */
export type App = FetchHandler | { fetch: FetchHandler; websocket?: WebSocketHandler<unknown> }

/** Normalizes an app (function or `{ fetch }`) to a function, keeping `this` for objects. */
export function toHandler(app: App): FetchHandler {
  if (typeof app === 'function') return app
  if (app !== null && typeof app === 'object' && typeof app.fetch === 'function') return app.fetch.bind(app)
  throw new TypeError('the app must be a function or an object with a fetch method')
}

/**
 * An app object's own `websocket` handlers, if it has them: an object with a
 * `message` function (itty-router's router answers every property with a function).
 */
export function appWebSocket(app: App): WebSocketHandler<unknown> | undefined {
  if (typeof app !== 'object' || app === null) return undefined
  const websocket: unknown = app.websocket
  if (typeof websocket !== 'object' || websocket === null) return undefined
  return typeof (websocket as { message?: unknown }).message === 'function' ? websocket as WebSocketHandler<unknown> : undefined
}

/** What calling the app needs besides the handler: the user's error hook and the log. */
export interface AppFailureOptions {
  onError?: (error: unknown, request: Request) => Response | Promise<Response>
  log: (message: string, error?: unknown) => void
}

/**
 * Calls the handler. A Response returned synchronously is used without a microtask hop; a
 * promise is returned as the app gave it, for `whenAnswered()`. A throw goes to `failed`.
 */
export function callApp(
  handler: FetchHandler,
  request: Request,
  info: ServeInfo,
  failed: (error: unknown, request: Request) => Promise<Response>,
): Response | PromiseLike<unknown> {
  let result: Response | PromiseLike<unknown>
  try {
    result = handler(request, info)
  } catch (error) {
    return failed(error, request)
  }
  if (result instanceof Response) return result
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') return result
  return Promise.resolve(result)
}

/**
 * Passes the app's eventual Response to `then`, in the one promise reaction that awaiting it
 * costs anyway (an `await` in between would add a turn per request). A rejection or a
 * non-Response goes to `failed`, whose Response goes to `then`.
 */
export function whenAnswered<R>(
  answer: PromiseLike<unknown>,
  request: Request,
  failed: (error: unknown, request: Request) => Promise<Response>,
  then: (response: Response) => R | PromiseLike<R>,
): Promise<R> {
  return Promise.resolve(answer).then(
    (response) => {
      if (response instanceof Response) return then(response)
      const error = new TypeError(`the handler returned ${Object.prototype.toString.call(response)}, not a Response`)
      return failed(error, request).then(then)
    },
    (error: unknown) => failed(error, request).then(then),
  )
}

/** A handler that failed: `onError`'s response if it gives one, else a bare 500. Logged. */
export async function fallbackResponse(error: unknown, request: Request, options: AppFailureOptions): Promise<Response> {
  options.log(`handler failed for ${request.method} ${request.url}`, error)
  const onError = options.onError
  if (onError !== undefined) {
    try {
      const fallback = await onError(error, request)
      if (fallback instanceof Response) return fallback
    } catch (secondary) {
      options.log('onError failed', secondary)
    }
  }
  return errorResponse(500)
}
