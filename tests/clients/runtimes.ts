/**
 * The runtime table shared by the real-client tests: how to run a TypeScript entry file under
 * each runtime (the same commands as tests/integration/{node,deno,bun}.test.ts), and why a
 * runtime is skipped when its binary or driver is missing; `which` and `run` for the clients.
 * @module
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { ROOT } from '../integration/suite.ts'

/** One runtime: the command that runs `entry`, and the reason to skip it, if any. */
export interface Runtime {
  name: 'node' | 'deno' | 'bun'
  command: string
  args: (entry: string) => string[]
  skip: string | undefined
}

/** Why `name` cannot run: its binary or its driver does not exist. */
function missing(name: string, binary: string): string | undefined {
  const file = [binary, join(ROOT, `runtimes/${name}.ts`)].find((path) => !existsSync(path))
  return file && `${file} does not exist`
}

const deno = join(ROOT, 'node_modules/.bin/deno')
const bun = join(ROOT, 'node_modules/.bin/bun')

/** Node (this process's own binary, TypeScript through tsx), Deno and Bun. */
export const RUNTIMES: readonly Runtime[] = [
  { name: 'node', command: process.execPath, args: (entry) => ['--import', 'tsx', entry], skip: undefined },
  { name: 'deno', command: deno, args: (entry) => ['run', '-A', entry], skip: missing('deno', deno) },
  { name: 'bun', command: bun, args: (entry) => ['run', entry], skip: missing('bun', bun) },
]

/** The first executable named `name` on PATH, like `command -v`; null if there is none. */
export function which(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
  }
  return null
}

/** Runs `command args…`; resolves with stdout, rejects with stderr on a non-zero exit. */
export function run(command: string, args: readonly string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout),
    )
  })
}
