/**
 * The benchmark app as a WHATWG fetch handler, served unchanged by portico-node, portico-deno,
 * portico-bun, srvx-node, bun-serve and deno-serve. Routes (the other servers answer the same):
 * - `GET /` and `GET /plaintext` (the pipelined scenario's, as TechEmpower names it):
 *   `Hello, World!` (13 bytes);
 * - `POST /post`: reads the whole body, answers its length in bytes as text;
 * - `GET /stream`: 1 MiB as a ReadableStream of 16 × 64 KiB chunks (no Content-Length).
 * @module
 */

/** Chunks per `/stream` response. */
export const STREAM_CHUNKS = 16
/** Bytes per `/stream` chunk. */
export const CHUNK_BYTES = 64 * 1024
/** Never written to, so one buffer backs every chunk of every response. */
const ZEROS = new Uint8Array(CHUNK_BYTES)

/** A pull stream of `STREAM_CHUNKS` × `CHUNK_BYTES` zero bytes. */
export function streamBody(): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(ZEROS)
      if (++sent === STREAM_CHUNKS) controller.close()
    },
  })
}

/** The benchmark routes as one fetch handler. */
export async function app(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url)
  if (request.method === 'GET' && (pathname === '/' || pathname === '/plaintext')) return new Response('Hello, World!')
  if (request.method === 'POST' && pathname === '/post') {
    const body = await request.arrayBuffer()
    return new Response(String(body.byteLength))
  }
  if (request.method === 'GET' && pathname === '/stream') return new Response(streamBody())
  return new Response('Not Found', { status: 404 })
}

/** The port from `PORT` (default 8000); every benchmark server listens on 127.0.0.1. */
export function benchPort(env: Record<string, string | undefined>): number {
  return Number(env.PORT ?? 8000)
}

/** The line the runner waits for on stdout before loading a server. */
export function listeningLine(port: number): string {
  return `LISTENING ${port}`
}
