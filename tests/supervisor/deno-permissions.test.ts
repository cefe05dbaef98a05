/** Reading a Deno command line back into flags and script, for workers and --watch children. */
import { describe, expect, it } from 'vitest'
import { parseCmdline } from '../../supervisor/deno-permissions.ts'

const cmdline = (...parts: string[]): string => `${parts.join('\0')}\0`

describe('parseCmdline', () => {
  it('splits deno run <flags> <script> <args> by the number of script arguments', () => {
    expect(parseCmdline(cmdline('/bin/deno', 'run', '-A', '--config', 'deno.json', 'npm:portico', 'app.ts', '--port', '8000'), 3))
      .toEqual({ flags: ['-A', '--config', 'deno.json'], script: 'npm:portico' })
  })

  it('takes deno <flags> <script> as deno run', () => {
    expect(parseCmdline(cmdline('deno', '-A', 'cli/main.ts', 'app.ts'), 1)).toEqual({ flags: ['-A'], script: 'cli/main.ts' })
  })

  it('keeps script arguments that look like flags out of the flags', () => {
    expect(parseCmdline(cmdline('deno', 'run', '--allow-net', 'main.ts', '--allow-all'), 1)).toEqual({ flags: ['--allow-net'], script: 'main.ts' })
  })

  it('gives up on other subcommands', () => {
    expect(parseCmdline(cmdline('deno', 'task', 'start'), 0)).toBeUndefined()
    expect(parseCmdline(cmdline('deno', 'x', 'portico', 'app.ts'), 1)).toBeUndefined()
  })
})
