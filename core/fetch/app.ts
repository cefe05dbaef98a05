/**
 * The app: a WHATWG fetch handler, or an object with a `fetch` method (Hono, Elysia,
 * itty-router, h3), and the `info` it gets with each request.
 * @module
 */
import { errorResponse } from './error-response.ts'

/** Connection details passed to the handler as its second argument. */
export interface ServeInfo {
  remoteAddress: string | undefined
  remotePort: number | undefined
  localAddress: string | undefined
  localPort: number | undefined
  /** The shape Deno's serve() gives: `info.remoteAddr.hostname`. */
  remoteAddr: { hostname: string | undefined; port: number | undefined; transport: 'tcp' | 'unix' }
}

/** A WHATWG fetch handler. */
export type FetchHandler = (request: Request, info: ServeInfo) => Response | Promise<Response>

/** A handler function or an object with a `fetch` method (Hono, Elysia, itty-router, h3). */
export type App = FetchHandler | { fetch: FetchHandler }

/** Normalizes an app (function or `{ fetch }`) to a function, keeping `this` for objects. */
export function toHandler(app: App): FetchHandler {
  if (typeof app === 'function') return app
  if (app !== null && typeof app === 'object' && typeof app.fetch === 'function') return app.fetch.bind(app)
  throw new TypeError('the app must be a function or an object with a fetch method')
}

/** What calling the app needs besides the handler: the user's error hook and the log. */
export interface AppFailureOptions {
  onError?: (error: unknown, request: Request) => Response | Promise<Response>
  log: (message: string, error?: unknown) => void
}

/**
 * Calls the handler. A Response returned synchronously is used without a microtask hop;
 * a throw, a rejection or a non-Response goes to `failed`.
 */
export function callApp(
  handler: FetchHandler,
  request: Request,
  info: ServeInfo,
  failed: (error: unknown, request: Request) => Promise<Response>,
): Response | Promise<Response> {
  let result: Response | Promise<Response>
  try {
    result = handler(request, info)
  } catch (error) {
    return failed(error, request)
  }
  if (result instanceof Response) return result
  return awaitApp(result, request, failed)
}

async function awaitApp(
  result: unknown,
  request: Request,
  failed: (error: unknown, request: Request) => Promise<Response>,
): Promise<Response> {
  try {
    const response = await result
    if (response instanceof Response) return response
    throw new TypeError(`the handler returned ${Object.prototype.toString.call(response)}, not a Response`)
  } catch (error) {
    return failed(error, request)
  }
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
