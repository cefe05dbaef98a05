/**
 * The CLI as a child process on each runtime, for suites that serve an example app through
 * `portico <file>` and talk to it: which runtimes can run here, starting a CLI and reading its
 * `Listening on` line (with a deadline), and killing every child by PID at the end.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '../..')

export interface RuntimeCommand {
  name: 'node' | 'deno' | 'bun'
  command: string
  args: string[]
  /** Why this runtime cannot run here, if it cannot. */
  missing: string | undefined
}

function runtime(name: RuntimeCommand['name'], command: string, args: string[]): RuntimeCommand {
  return { name, command, args, missing: existsSync(command) ? undefined : `${command} does not exist` }
}

/** The CLI from source: the published bin on Node, cli/main.ts on Deno and Bun. */
export const CLI_RUNTIMES: readonly RuntimeCommand[] = [
  runtime('node', process.execPath, ['bin/portico.mjs']),
  runtime('deno', join(ROOT, 'node_modules/.bin/deno'), ['run', '-A', 'cli/main.ts']),
  runtime('bun', join(ROOT, 'node_modules/.bin/bun'), ['cli/main.ts']),
]

/** CLI children started by one suite; `killAll()` in its afterAll. */
export class CliProcesses {
  private readonly children: ChildProcess[] = []
  private readonly startMs: number

  constructor(startMs: number) {
    this.startMs = startMs
  }

  /** Spawns the CLI on `file` (relative to the repository); resolves with the base URL of its `Listening on` line, no trailing slash. */
  start(runtime: RuntimeCommand, file: string): Promise<string> {
    const child = spawn(runtime.command, [...runtime.args, file, '--port', '0', '--host', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.children.push(child)
    let output = ''
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer)
        reject(new Error(`${runtime.name} ${file}: ${why}\n--- output ---\n${output}`))
      }
      const timer = setTimeout(() => fail(`no Listening line within ${this.startMs} ms`), this.startMs)
      child.on('error', (error) => fail(error.message))
      child.on('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`))
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text))
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        output += text
        const match = /^Listening on (http:\/\/\S+?)\/?$/m.exec(output)
        if (match === null) return
        clearTimeout(timer)
        resolve(match[1]!)
      })
    })
  }

  killAll(): void {
    for (const child of this.children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // Exited between the check and the kill.
      }
    }
  }
}
