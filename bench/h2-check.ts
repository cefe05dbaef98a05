/**
 * The correctness check before an HTTP/2 server is loaded (bench/h2.ts, bench/h2-probe.ts): one
 * request of the scenario through Node's own HTTP/2 client (`http2.connect`, prior knowledge on
 * a plain port, ALPN offering only h2 over TLS), which must come back 200 with the app's body.
 * h2load counts responses but never looks at a body; this looks at one.
 * @module
 */
import http2 from 'node:http2'
import type { H2Scenario, H2Transport } from './h2load.ts'

/** Null when the server answered the scenario's request correctly over HTTP/2, else what went wrong. */
export function checkH2(port: number, transport: H2Transport, scenario: H2Scenario, timeoutMs = 5000): Promise<string | null> {
  const origin = `${transport === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`
  return new Promise((resolve) => {
    // The tests' certificate is self-signed.
    const session = http2.connect(origin, { rejectUnauthorized: false })
    const done = (problem: string | null): void => {
      clearTimeout(timer)
      session.destroy()
      resolve(problem)
    }
    const timer = setTimeout(() => done(`no HTTP/2 answer within ${timeoutMs} ms`), timeoutMs)
    session.on('error', (error) => done(`HTTP/2 session error: ${error.message}`))
    session.on('goaway', (code) => done(`GOAWAY (error code ${code}) before the answer`))
    const post = scenario.postBytes !== undefined
    const stream = session.request({ ':method': post ? 'POST' : 'GET', ':path': scenario.path }, { endStream: !post })
    stream.on('error', (error) => done(`stream error: ${error.message}`))
    let status = 0
    const chunks: Buffer[] = []
    stream.on('response', (headers) => (status = Number(headers[':status'])))
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      done(status === 200 && body === scenario.body ? null : `status ${status}, body ${JSON.stringify(body.slice(0, 40))}`)
    })
    if (post) stream.end(new Uint8Array(scenario.postBytes!))
  })
}
