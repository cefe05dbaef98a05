/**
 * The integration fixture (tests/integration/fixture.ts) as a separate server process for the
 * long benchmarks (slow reader, soak), plus the /proc readings they take of it.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = 'tests/integration/fixture.ts'

/** A runtime the fixture can run under. */
export type RuntimeName = 'node' | 'deno' | 'bun'

/** Command and arguments that start the fixture under each runtime. */
export const FIXTURE_COMMANDS: Record<RuntimeName, [string, string[]]> = {
  node: [process.execPath, ['--import', 'tsx', FIXTURE]],
  deno: [join(ROOT, 'node_modules/.bin/deno'), ['run', '-A', FIXTURE]],
  bun: [join(ROOT, 'node_modules/.bin/bun'), ['run', FIXTURE]],
}

/** A running fixture. */
export interface FixtureProcess {
  pid: number
  port: number
  kill: () => void
  /** Everything it printed so far. */
  output: () => string
}

/** Spawns the fixture with `env` added; resolves at its LISTENING line (20 s at most). */
export function startFixture(runtime: RuntimeName, env: Record<string, string>): Promise<FixtureProcess> {
  const [command, args] = FIXTURE_COMMANDS[runtime]
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL')
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime}: no LISTENING line within 20 s\n${out}`)), 20_000)
    child.on('exit', (code) => reject(new Error(`${runtime}: fixture exited with ${code}\n${out}`)))
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (out += text))
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text
      const line = out.split('\n').find((l) => l.startsWith('LISTENING '))
      if (line === undefined) return
      clearTimeout(timer)
      resolve({ pid: child.pid!, port: Number(new URL(line.slice(10).trim()).port), kill, output: () => out })
    })
  })
}

/** A /proc/<pid>/status field in bytes (VmRSS, VmHWM). */
export function procStatus(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? NaN : Number(match[1]) * 1024
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
