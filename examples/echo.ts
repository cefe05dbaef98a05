// Echoes uploads: the request body streams straight back with its content type.
//   curl --data-binary @big.file localhost:8000 > copy.file
export default {
  fetch(request: Request): Response {
    const type = request.headers.get('content-type') ?? 'application/octet-stream'
    return new Response(request.body, { headers: { 'content-type': type } })
  },
}
