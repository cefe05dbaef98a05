/**
 * Throughput with `--workers 1` and `--workers 2` on each runtime: `portico examples/hello.ts`
 * under the supervisor, loaded by wrk (-t1 -c64 -d5s, keep-alive) on 127.0.0.1 after a 1 s
 * warm-up. Writes the `## Workers` section of bench/RESULTS.md and leaves the other sections.
 * Run by hand: `npm run bench:workers` (optionally `-- node deno` to pick runtimes).
 * @module
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { replaceSection } from './results-file.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench/RESULTS.md')
const WRK = '/usr/bin/wrk'
const APP = 'examples/hello.ts'
const WORKER_COUNTS = [1, 2] as const

interface Runtime {
  name: 'node' | 'deno' | 'bun'
  command: string
  args: string[]
  version: string[]
}

const RUNTIMES: Runtime[] = [
  { name: 'node', command: process.execPath, args: ['bin/portico.mjs'], version: ['--version'] },
  { name: 'deno', command: join(ROOT, 'node_modules/.bin/deno'), args: ['run', '-A', 'cli/main.ts'], version: ['--version'] },
  { name: 'bun', command: join(ROOT, 'node_modules/.bin/bun'), args: ['cli/main.ts'], version: ['--version'] },
]

interface Row {
  runtime: string
  workers: number
  requestsPerSecond: number
  latency: string
  errors: string
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, timeout: 60_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
  })
}

async function measure(runtime: Runtime, workers: number, port: number): Promise<Row> {
  const child = spawn(runtime.command, [...runtime.args, APP, '--host', '127.0.0.1', '--port', String(port), '--workers', String(workers)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${runtime.name}: not listening after 20 s\n${output}`)), 20_000)
      const onData = (text: string): void => {
        output += text
        if (/Listening on/.test(output)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout!.setEncoding('utf8').on('data', onData)
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text))
      child.on('exit', (code) => reject(new Error(`${runtime.name}: exited with ${code}\n${output}`)))
    })
    const url = `http://127.0.0.1:${port}/`
    await run(WRK, ['-t1', '-c64', '-d1s', url])
    const text = await run(WRK, ['-t1', '-c64', '-d5s', '--latency', url])
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN)
    const latency = /Latency\s+(\S+)/.exec(text)?.[1] ?? '?'
    const errors = /Socket errors: (.*)/.exec(text)?.[1] ?? (/Non-2xx/.test(text) ? 'non-2xx responses' : 'none')
    return { runtime: runtime.name, workers, requestsPerSecond: rps, latency, errors }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // Already gone.
    }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // Already gone.
        }
        resolve(undefined)
      }, 10_000)
      child.on('exit', () => {
        clearTimeout(timer)
        resolve(undefined)
      })
      if (child.exitCode !== null) resolve(undefined)
    })
  }
}


async function main(): Promise<void> {
  if (!existsSync(WRK)) throw new Error(`${WRK} is missing`)
  const wanted = process.argv.slice(2)
  const runtimes = RUNTIMES.filter((r) => existsSync(r.command) && (wanted.length === 0 || wanted.includes(r.name)))
  const rows: Row[] = []
  const versions: string[] = []
  let port = 18_400
  for (const runtime of runtimes) {
    versions.push(`${runtime.name} ${(await run(runtime.command, runtime.version)).split('\n')[0]!.trim()}`)
    for (const workers of WORKER_COUNTS) {
      const row = await measure(runtime, workers, port++)
      rows.push(row)
      console.log(`${row.runtime} --workers ${row.workers}: ${row.requestsPerSecond.toFixed(0)} req/s, latency ${row.latency}, errors ${row.errors}`)
    }
  }

  const table = [
    '| runtime | workers | req/s | vs 1 worker | avg latency | socket errors |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => {
      const one = rows.find((r) => r.runtime === row.runtime && r.workers === 1)
      const ratio = one === undefined ? '' : `${(row.requestsPerSecond / one.requestsPerSecond).toFixed(2)}×`
      return `| ${row.runtime} | ${row.workers} | ${Math.round(row.requestsPerSecond).toLocaleString('en-US')} | ${ratio} | ${row.latency} | ${row.errors} |`
    }),
  ]
  const cpu = cpus()
  const body = [
    `${new Date().toISOString().slice(0, 10)}, ${versions.join(', ')}; ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} CPUs, load average ${loadavg()[0]!.toFixed(2)} at the end).`,
    '`npm run bench:workers`: `portico examples/hello.ts --workers N` (supervisor + N workers; node:cluster on Node,',
    'reusePort processes on Deno and Bun), `wrk -t1 -c64 -d5s` on 127.0.0.1 after a 1 s warm-up.',
    '',
    ...table,
    '',
    `Note: wrk runs on the same ${cpu.length} cores as the workers, so with 2 workers the load generator competes with`,
    'them for CPU and the 2-worker numbers understate what a dedicated machine would show; the supervisor itself is idle',
    'while serving (it only relays lifecycle messages).',
    '',
  ].join('\n')
  writeFileSync(RESULTS, replaceSection(readFileSync(RESULTS, 'utf8'), '## Workers', body))
  console.log(`wrote the ## Workers section of ${RESULTS}`)
}

await main()
