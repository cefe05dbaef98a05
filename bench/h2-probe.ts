/**
 * A quick look at one server through h2load: does it speak HTTP/2, and if not, what does h2load
 * make of it? Starts the server (default portico-node; any name of bench/h2-servers.ts), sends
 * 100 requests on 4 connections over h2c and over TLS (`h2load -n 100`, ALPN offering only h2),
 * prints h2load's own summary lines and a verdict, and exits 1 when either transport fails.
 * Bounded: each h2load run is killed after 20 s. While Portico's HTTP/2 server has not landed this
 * must fail, loudly; once it has, it is the smallest proof that `npm run bench:h2` can measure it.
 *
 *     node --import tsx bench/h2-probe.ts [server] [h2c|tls]
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkH2 } from './h2-check.ts'
import { H2_SERVERS, h2ServerLaunch } from './h2-servers.ts'
import { H2_SCENARIOS, h2loadCommand, parseH2load, problemsOf, type H2Transport } from './h2load.ts'
import { ensureTool, runLoadGenerator, sh, startServer, stopServer } from './pinned-process.ts'

const name = process.argv[2] ?? 'portico-node'
const def = H2_SERVERS.find((s) => s.name === name)
if (!def) throw new Error(`unknown server ${name}; one of ${H2_SERVERS.map((s) => s.name).join(', ')}`)
const transports = (process.argv[3] ? [process.argv[3]] : ['h2c', 'tls']) as H2Transport[]
const scenario = H2_SCENARIOS.find((s) => s.id === 'get')!

/** RFC 9113 §3.4: the client connection preface, then an empty SETTINGS frame. */
const PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])])

/** The first bytes a cleartext server sends back to the h2c preface (within 2 s), escaped for printing. */
function answerToPreface(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(PREFACE))
    let got = Buffer.alloc(0)
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      const text = JSON.stringify(got.subarray(0, 120).toString('latin1'))
      resolve(got.length === 0 ? 'nothing' : `${got.length} bytes: ${text}${got.length > 120 ? '…' : ''}`)
    }
    const timer = setTimeout(finish, 2000)
    socket.on('data', (chunk: Buffer) => (got = Buffer.concat([got, chunk])))
    socket.on('close', finish)
    socket.on('error', finish)
  })
}

ensureTool('h2load', 'nghttp2-client')
if (name === 'portico-node' && !sh('npm run build --silent').ok) throw new Error('npm run build failed')
const scratch = mkdtempSync(join(tmpdir(), 'portico-h2probe-'))
writeFileSync(join(scratch, 'post-4k.bin'), new Uint8Array(4096))
let failed = false
try {
  for (const transport of transports) {
    const { command, env } = h2ServerLaunch(def, transport)
    const server = await startServer(name, command, env)
    try {
      const h2load = h2loadCommand(server.port, transport, { ...scenario, clients: 4, streamsPerClient: 10 }, { requests: 100 }, join(scratch, 'post-4k.bin'))
      const { code, text } = await runLoadGenerator(h2load, 20)
      const summary = [...new Set(text.split('\n'))].filter((l) => /^(Application protocol|No protocol|finished in|requests:|status codes:)/.test(l))
      const problems = problemsOf(parseH2load(text), transport, scenario, text)
      if (code !== 0) problems.unshift(`h2load exited with ${code}`)
      const check = await checkH2(server.port, transport, scenario)
      if (check !== null) problems.push(`Node's http2.connect: ${check}`)
      console.log(`${name} over ${transport}: $ ${h2load.join(' ')}`)
      for (const line of summary) console.log(`  | ${line}`)
      if (transport === 'h2c') console.log(`  answer to the connection preface: ${await answerToPreface(server.port)}`)
      if (problems.length === 0) console.log('  OK: HTTP/2 answered, every request succeeded with the right body size')
      else for (const problem of problems) console.log(`  FAILED: ${problem}`)
      failed ||= problems.length > 0
    } finally {
      await stopServer(server)
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
