// A streamed response: ten lines, one every 100 ms. Watch them arrive with
//   curl -N localhost:8000
const encoder = new TextEncoder()
const LINES = 10
const INTERVAL_MS = 100

export default {
  fetch(_request: Request): Response {
    let sent = 0
    // pull() runs only when the server wants more, so a slow or gone client stops the clock.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS))
        sent += 1
        controller.enqueue(encoder.encode(`line ${sent} of ${LINES}\n`))
        if (sent === LINES) controller.close()
      },
    })
    // nosniff: browsers otherwise buffer a text/plain stream to guess its type.
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } })
  },
}
