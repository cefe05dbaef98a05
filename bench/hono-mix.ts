/**
 * bench/hono-mix.lua's cycle of 16 requests to the Hono app's routes, for the in-process
 * harnesses (bench/in-process.ts, bench/bun-in-process.ts), and the wire bytes of a request
 * as wrk writes it.
 * @module
 */

/** Method, path and JSON body, in hono-mix.lua's order. */
export const HONO_MIX: readonly [string, string, string?][] = [
  ['GET', '/api/users/42'], ['GET', '/api/posts?limit=10&offset=20'], ['GET', '/api/products/SKU-0007'],
  ['POST', '/api/users', '{"name":"Ada Lovelace","email":"ada@example.com"}'], ['GET', '/api/posts/17/comments'],
  ['GET', '/api/search?q=number%201'], ['GET', '/health'], ['GET', '/api/users/7/posts'],
  ['POST', '/api/orders', '{"items":[{"sku":"SKU-0003","quantity":2},{"sku":"SKU-0011","quantity":1}]}'],
  ['GET', '/api/categories/games/products'], ['GET', '/api/orders/123'], ['PUT', '/api/users/42', '{"name":"Ada"}'],
  ['GET', '/'], ['DELETE', '/api/users/99'], ['POST', '/api/posts/17/comments', '{"author":"Ada","text":"Nice post"}'],
  ['GET', '/api/users?limit=5'],
]

const encoder = new TextEncoder()

/** A request as wrk writes it (a JSON body gets its type and length). */
export function wire(method: string, path: string, body?: string): Uint8Array {
  const fields = body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`
  return encoder.encode(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n${fields}\r\n${body ?? ''}`)
}
