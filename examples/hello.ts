// The smallest Portico app: a WHATWG fetch handler. The same file runs under node, deno and bun:
//   npx portico examples/hello.ts --port 8000
export default {
  fetch(_request: Request): Response {
    return new Response('Hello, World!')
  },
}
