/**
 * Deno's permissions, as the supervisor and the CLI meet them: what portico needs, checked up
 * front so that a missing flag is one sentence instead of a `NotCapable` stack or a worker
 * respawn loop; reading the environment without tripping them; and the flags this process was
 * started with, so that workers (and the CLI's `--watch` child) get the same permissions,
 * never wider ones (`-A`).
 * https://docs.deno.com/runtime/fundamentals/security/
 * @module
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'

type PermissionName = 'read' | 'write' | 'net' | 'env' | 'run' | 'sys' | 'ffi' | 'import'
type Descriptor =
  | { name: 'read' | 'write'; path?: string }
  | { name: 'net'; host?: string }
  | { name: 'env'; variable?: string }
  | { name: 'run'; command?: string }
  | { name: 'sys' | 'ffi' | 'import' }

interface DenoApi {
  permissions: { querySync(descriptor: Descriptor): { state: 'granted' | 'prompt' | 'denied' } }
  args: string[]
  execPath(): string
}

function deno(): DenoApi | undefined {
  return (globalThis as { Deno?: DenoApi }).Deno
}

/** Something portico needs, the flag that grants it, and what for (`listen on 0.0.0.0:8000`). */
export interface DenoNeed {
  descriptor: Descriptor
  flag: string
  why: string
}

/** True when Deno grants it (or this is not Deno). Never prompts. */
export function isGranted(descriptor: Descriptor): boolean {
  const api = deno()
  return api === undefined || api.permissions.querySync(descriptor).state === 'granted'
}

/**
 * The one line to print when Deno withholds any of `needs`, else undefined:
 * `Deno has not granted what portico needs: --allow-net (listen on 0.0.0.0:8000), … Add them
 * to deno run, or use -A.`
 */
export function missingPermissions(needs: readonly DenoNeed[]): string | undefined {
  const missing = needs.filter((need) => !isGranted(need.descriptor))
  if (missing.length === 0) return undefined
  const flags = [...new Set(missing.map((need) => need.flag))]
  const items = flags.map((flag) => `${flag} (${missing.filter((need) => need.flag === flag).map((need) => need.why).join(', ')})`)
  return `Deno has not granted what portico needs: ${items.join(', ')}. Add ${flags.length === 1 ? 'it' : 'them'} to \`deno run\`, or use -A`
}

/**
 * Reads an environment variable without tripping Deno's env permission: a variable Deno does
 * not grant reads as unset (portico then uses its default).
 */
export function readEnv(name: string): string | undefined {
  if (!isGranted({ name: 'env', variable: name })) return undefined
  return process.env[name]
}

const ALL: readonly PermissionName[] = ['read', 'write', 'net', 'env', 'run', 'sys', 'ffi', 'import']

/**
 * Resources a child is known to need, offered for permissions this process holds only for a
 * list (`--allow-read=.`): Deno does not expose the lists, so a child gets those of these that
 * this process holds (`--allow-read=/srv/app`), and nothing wider.
 */
export interface DenoGrantHints {
  read?: readonly string[]
  write?: readonly string[]
  net?: readonly string[]
}

/** A child's `deno` arguments, and the permissions it gets narrower than this process's. */
export interface DenoChildArgs {
  args: string[]
  /** `--allow-read=/srv/app` for each permission held only for a list; empty with -A or whole permissions. */
  narrowed: string[]
}

/**
 * The `deno` arguments that run `script` with this process's flags: `run`, the flags, then
 * `--unstable-net` (for `reusePort`) and the script. With -A the flags are the command line as
 * given (/proc/self/cmdline, readable with -A only: Deno does not expose its flags otherwise),
 * so `--config`, `--env-file` and the like carry over too; `--watch*` and `--inspect*` are
 * dropped, as a child must not watch or open a second debugger port. Otherwise each whole
 * permission this process holds is passed as such (`--allow-net`), and one held for a list
 * only as the `hints` it covers (see `DenoGrantHints`).
 */
export function denoChildArgs(scriptArgs: readonly string[], hints: DenoGrantHints = {}): DenoChildArgs {
  const api = deno()!
  let flags: string[] | undefined
  let script = process.argv[1] ?? ''
  const narrowed: string[] = []
  const cmdline = '/proc/self/cmdline'
  if (ALL.every((name) => isGranted({ name } as Descriptor))) {
    try {
      const parsed = parseCmdline(readFileSync(cmdline, 'utf8'), api.args.length)
      if (parsed !== undefined) ({ flags, script } = parsed)
    } catch {
      // No /proc (macOS): -A it is.
    }
    flags ??= ['-A']
  } else {
    flags = []
    for (const name of ALL) {
      if (isGranted({ name } as Descriptor)) {
        flags.push(`--allow-${name}`)
        continue
      }
      const offered = name === 'read' || name === 'write' ? hints[name] : name === 'net' ? hints.net : undefined
      const granted = [...new Set(offered)].filter((value) =>
        isGranted(name === 'net' ? { name, host: value } : { name: name as 'read' | 'write', path: value }))
      // A path under another granted one adds nothing.
      const held = granted.filter((value) => name === 'net' || !granted.some((other) => value.startsWith(`${other}/`)))
      if (held.length === 0) continue
      const flag = `--allow-${name}=${held.join(',')}`
      flags.push(flag)
      narrowed.push(flag)
    }
  }
  flags = flags.filter((flag) => !/^--(watch|inspect)/.test(flag))
  if (!flags.some((flag) => flag === '--unstable-net' || flag === '--unstable')) flags.push('--unstable-net')
  return { args: ['run', ...flags, script, ...scriptArgs], narrowed }
}

/**
 * Splits `deno [run] <flags> <script> <args>` (NUL-separated) given how many script arguments
 * Deno saw; undefined for a command line of another shape (`deno task`, `deno x`).
 */
export function parseCmdline(text: string, argCount: number): { flags: string[]; script: string } | undefined {
  const parts = text.split('\0')
  if (parts.at(-1) === '') parts.pop()
  const rest = parts.slice(1, parts.length - argCount)
  if (rest[0] === 'run') rest.shift()
  const script = rest.pop()
  if (script === undefined || script.startsWith('-')) return undefined
  // `deno <script>` is `deno run <script>`; any other subcommand is a shape we do not know.
  if (rest.length > 0 && !rest[0]!.startsWith('-')) return undefined
  return { flags: rest, script }
}
