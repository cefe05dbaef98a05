/**
 * Memory per idle WebSocket: each server of bench/ws-servers.ts in a fresh process (core 0),
 * then `BENCH_SOCKETS` (default 2000) connections from bench/ws-idle-client.ts (core 1), each
 * upgraded and one short message echoed, then left open. Reports the server's resident set
 * (VmRSS) before and with the sockets held, and the difference per socket: what an app with
 * many quiet sockets (chat, notifications) pays per client. Run with `npm run bench:ws-idle`,
 * by hand, never in CI: about a minute. `BENCH_ONLY=portico-deno,deno-serve` filters; a full
 * run (or `BENCH_WRITE=1`) replaces the "## WebSocket memory per idle socket" section of
 * bench/RESULTS.md, keeping the notes below its mark.
 * @module
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { envList, envNumber, LOAD_CORE, machineInfo, requirePinning, sh, startServer, stopServer } from './pinned-process.ts'
import { rssMb } from './proc-stats.ts'
import { writeResultsSection } from './results-file.ts'
import { command, SERVERS, type ServerDef } from './ws-servers.ts'

const SOCKETS = envNumber('BENCH_SOCKETS', 2000)
/** Time for the server to settle (garbage collection, lazy buffers) before each reading. */
const SETTLE_MS = 2000
const HEADING = '## WebSocket memory per idle socket'
const KEEP_MARK = '<!-- bench/ws-idle.ts keeps what follows when it rewrites this section -->'

interface Row {
  server: string
  runtime: string
  before: number
  held: number
  perSocketKiB: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function measure(def: ServerDef): Promise<Row> {
  const server = await startServer(def.name, command(def))
  try {
    await sleep(SETTLE_MS)
    const before = rssMb(server.pid)
    const client = spawn('taskset', ['-c', LOAD_CORE, process.execPath, '--import', 'tsx', 'bench/ws-idle-client.ts',
      '--port', String(server.port), '--sockets', String(SOCKETS), '--seconds', '120'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const exited = once(client, 'exit')
    const lines = createInterface({ input: client.stdout! })
    const held = await Promise.race([
      new Promise<boolean>((resolve) => lines.on('line', (line) => line.startsWith('HELD ') && resolve(true))),
      exited.then(() => false),
      sleep(90_000).then(() => false),
    ])
    if (!held) {
      client.kill('SIGKILL')
      throw new Error(`${def.name}: the client could not open ${SOCKETS} sockets\n${server.log()}`)
    }
    await sleep(SETTLE_MS)
    const heldRss = rssMb(server.pid)
    client.stdin!.end()
    await exited
    return { server: def.name, runtime: def.runtime, before, held: heldRss, perSocketKiB: ((heldRss - before) * 1e6) / 1024 / SOCKETS }
  } finally {
    await stopServer(server)
  }
}

function render(rows: Row[]): string {
  const { date, cpu, commit } = machineInfo()
  const out = [
    `${date}, ${cpu}, Portico at ${commit}. \`npm run bench:ws-idle\` (bench/ws-idle.ts): each server in a fresh process`,
    `on core 0; ${SOCKETS} clients (bench/ws-idle-client.ts, core 1) each upgrade, echo one 5-byte text message and`,
    'stay open. RSS is the server\'s VmRSS 2 s after it listened and 2 s after the last socket opened; per socket is',
    'the difference over the sockets. Ratio vs peer: the peer\'s KiB per socket over ours (above 1 = less memory).',
    '',
    '| server | runtime | RSS before MB | RSS with sockets MB | KiB per socket | ratio vs peer |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ]
  for (const row of rows) {
    const peer = SERVERS.find((s) => s.name === row.server)?.peer
    const peerRow = peer && rows.find((r) => r.server === peer.name)
    const ratio = peerRow ? `${(peerRow.perSocketKiB / row.perSocketKiB).toFixed(2)}× ${peer.name}` : ''
    out.push(`| ${row.server} | ${row.runtime} | ${row.before.toFixed(1)} | ${row.held.toFixed(1)} | ${row.perSocketKiB.toFixed(1)} | ${ratio} |`)
  }
  return out.join('\n') + '\n'
}

const only = envList('BENCH_ONLY')
for (const name of only ?? []) if (!SERVERS.some((s) => s.name === name)) throw new Error(`unknown server ${name}`)
requirePinning()
if (!sh('npm run build --silent').ok) throw new Error('npm run build failed')
const rows: Row[] = []
for (const def of SERVERS.filter((s) => !only || only.includes(s.name))) {
  console.error(`measuring ${def.name}…`)
  const row = await measure(def)
  console.error(`  ${row.before.toFixed(1)} → ${row.held.toFixed(1)} MB, ${row.perSocketKiB.toFixed(1)} KiB per socket`)
  rows.push(row)
}
const body = render(rows)
console.log(`${HEADING}\n\n${body}`)
if (process.env.BENCH_WRITE === '1' || !only) {
  writeResultsSection(HEADING, body, KEEP_MARK)
  console.error('wrote bench/RESULTS.md')
}
