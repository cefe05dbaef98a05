/**
 * The processes of a throughput benchmark (bench/run.ts, bench/ws.ts, bench/h2.ts), each pinned
 * to its own core with taskset: the server under test on core 0, started fresh and ready at its
 * `LISTENING <port>` line (bench/servers/app.ts), stopped by its pid; the load generator (wrk,
 * h2load) on core 1, run to its end within a time bound, its own CPU time read from the shell
 * that waited for it. Also the small tools the runners share: env settings, shell lines, the
 * machine and commit the numbers were taken on.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { CLK_TCK } from './proc-stats.ts'

/** The repository root and bench/, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL('..', import.meta.url))
export const BENCH: string = fileURLToPath(new URL('.', import.meta.url))
/** The server runs on core 0, the load generator on core 1. */
export const SERVER_CORE = '0'
export const LOAD_CORE = '1'
export const DENO: string = `${ROOT}node_modules/.bin/deno`
export const BUN: string = `${ROOT}node_modules/.bin/bun`

/** A runtime a benchmark server runs under. */
export type RuntimeName = 'node' | 'deno' | 'bun'

/** A number from the environment, or `fallback` when unset or empty. */
export function envNumber(name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}
/** A comma-separated list from the environment (`BENCH_ONLY=a,b`), or null when unset. */
export function envList(name: string): string[] | null {
  const value = process.env[name]
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : null
}

/** Runs a shell line to its end: whether it succeeded, and stdout + stderr. */
export function sh(script: string): { ok: boolean; out: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' })
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() }
}
/** The first line a shell line prints (a tool's version). */
export function firstLine(script: string): string {
  return sh(script).out.split('\n')[0] ?? '?'
}
/** The installed version of an npm package. */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version
}

/** Installs a missing load generator (`wrk`, `h2load`) from its Debian package with apt-get. */
export function ensureTool(command: string, debianPackage: string): void {
  if (sh(`command -v ${command}`).ok) return
  console.error(`${command} is missing; installing ${debianPackage} with apt-get…`)
  const sudo = process.getuid?.() === 0 ? '' : 'sudo '
  const install = spawnSync('sh', ['-c', `${sudo}apt-get update && ${sudo}apt-get install -y ${debianPackage}`], { stdio: 'inherit' })
  if (install.status !== 0 || !sh(`command -v ${command}`).ok) throw new Error(`could not install ${command} (apt-get install ${debianPackage})`)
}

/** Fails early where the pinning cannot work: no taskset, or fewer than two cores. */
export function requirePinning(): void {
  if (!sh('command -v taskset').ok) throw new Error('taskset (util-linux) is needed to pin server and load to cores')
  if (cpus().length < 2) throw new Error('needs 2 cores: server on core 0, load generator on core 1')
}

/** Where and when: date, CPU model, cores, and the commit (flagged when core/ or runtimes/ is dirty). */
export function machineInfo(): { date: string; cpu: string; cores: number; commit: string; load: number[] } {
  const dirty = sh('git status --porcelain core runtimes').out
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU',
    cores: cpus().length,
    commit: `${sh('git rev-parse --short HEAD').out}${dirty ? ' with uncommitted changes in core/ or runtimes/' : ''}`,
    load: loadavg(),
  }
}

/** The server process itself (no npx or tsx wrapper), so that its /proc entry is the server's. */
export function serverCommand(runtime: RuntimeName, file: string): string[] {
  if (runtime === 'node') return [process.execPath, '--import', 'tsx', file]
  if (runtime === 'deno') return [DENO, 'run', '-A', file]
  return [BUN, 'run', file]
}

/** A port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A server process started by `startServer`. */
export interface RunningServer {
  child: ChildProcess
  pid: number
  port: number
  /** Everything it printed so far. */
  log: () => string
}

/**
 * Starts `command` on core 0 with `PORT` set to a free port (and `env` added); resolves at its
 * `LISTENING <port>` line, within 30 s.
 */
export async function startServer(name: string, command: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort()
  // taskset execs the server in place: the child's pid is the server's.
  const child = spawn('taskset', ['-c', SERVER_CORE, ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s))
  const deadline = Date.now() + 30_000
  while (!output.includes(`LISTENING ${port}`)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not listen within 30 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, pid: child.pid!, port, log: () => output }
}

/** Stops a server by its pid: SIGTERM, then SIGKILL after 5 s. */
export async function stopServer(server: RunningServer): Promise<void> {
  const { child } = server
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** The generator's own CPU time comes from the waiting shell's cutime + cstime (/proc/<sh>/stat fields 16, 17). */
const CPU_WRAPPER = '"$@"; rc=$?; echo "LOAD_CPU $(cut -d" " -f16,17 /proc/$$/stat)"; exit $rc'

/**
 * Runs a load generator (`wrk …`, `h2load …`) on core 1 to its end, killed if it outlives
 * `boundSeconds`; returns its exit code, its output and its CPU time in seconds.
 */
export async function runLoadGenerator(command: string[], boundSeconds: number): Promise<{ code: number | null; text: string; cpu: number }> {
  // Its own process group, so that the time bound stops the generator with the shell around it.
  const child = spawn('taskset', ['-c', LOAD_CORE, 'sh', '-c', CPU_WRAPPER, 'sh', ...command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let text = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (text += s))
  const exited = once(child, 'close') // after its output is read to the end
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), boundSeconds * 1000)
  const [code] = (await exited) as [number | null]
  clearTimeout(timer)
  const ticks = /^LOAD_CPU (\d+) (\d+)$/m.exec(text)
  return { code, text, cpu: ticks ? (Number(ticks[1]) + Number(ticks[2])) / CLK_TCK : NaN }
}
