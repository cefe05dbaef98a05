#!/usr/bin/env node
// The `portico` command, as `npx portico`, `bunx portico` and `deno run -A npm:portico` run it.
// It picks the CLI and prepares the runtime, nothing more:
// - The CLI is the built dist/cli.js in the npm package (Deno does not strip types under
//   node_modules). In a checkout it is cli/main.ts, so a stale or missing dist/ never runs.
// - Deno and Bun load the user's TypeScript themselves: they import the CLI straight away.
// - Node started by `bunx` or `bun run` (Bun honours the `node` shebang) hands over to Bun, so
//   `bunx portico` serves under Bun as its user expects. Set PORTICO_RUNTIME=node to stay.
// - Node 20 cannot run TypeScript: register tsx's loaders first, after a resolve hook that
//   loads the user's TypeScript and the app module as ES modules whatever package.json
//   "type" says (typescript-as-esm.mjs), as Deno and Bun do. tsx's require hook stays for
//   CommonJS code that requires a .ts or .cts file.
import { existsSync } from 'node:fs'
import process from 'node:process'

const cliUrl = () => {
  const source = new URL('../cli/main.ts', import.meta.url)
  try {
    if (existsSync(source)) return source.href
  } catch {
    // Deno without read access to the package: the built CLI is the one to run anyway.
  }
  return new URL('../dist/cli.js', import.meta.url).href
}

const runtime = globalThis.Deno !== undefined ? 'deno' : globalThis.Bun !== undefined ? 'bun' : 'node'

if (runtime === 'node' && startedByBun()) {
  await handOverToBun()
} else {
  if (runtime === 'node') await registerTypeScript()
  await import(cliUrl())
}

// bunx sets npm_lifecycle_event=bunx always, the user agent only when none is inherited.
function startedByBun() {
  if (process.env.PORTICO_RUNTIME === 'node') return false
  return process.env.npm_lifecycle_event === 'bunx' || (process.env.npm_config_user_agent ?? '').startsWith('bun/')
}

/** Runs this script under Bun and mirrors its exit; the terminal's signals reach Bun directly. */
async function handOverToBun() {
  const { spawn } = await import('node:child_process')
  const { readlinkSync } = await import('node:fs')
  const { basename } = await import('node:path')
  // The bun (or bunx) binary that started us: npm_execpath, unless an npm run set it first, or
  // our parent process. argv0 'bun' makes the bunx binary act as bun.
  const isBun = (path) => path !== undefined && /^bunx?(\.exe)?$/.test(basename(path))
  let bun = process.env.npm_execpath
  if (!isBun(bun)) {
    try {
      bun = readlinkSync(`/proc/${process.ppid}/exe`)
    } catch {
      bun = undefined // no /proc: macOS
    }
  }
  if (!isBun(bun)) bun = 'bun'
  const child = spawn(bun, [process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit', argv0: 'bun' })
  child.on('error', (error) => {
    process.stderr.write(`portico: cannot start Bun (${error.message}); set PORTICO_RUNTIME=node to run under Node\n`)
    process.exit(1)
  })
  // Ctrl-C reaches the whole process group, Bun included: only wait for it. A signal sent to
  // this process alone is passed on.
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)))
}

async function registerTypeScript() {
  const { register } = await import('node:module')
  const { pathToFileURL } = await import('node:url')
  const { resolve } = await import('node:path')
  // The first argument that is not a flag is the app (flags with values never look like a path
  // with an extension, and a wrong guess only loses the forcing for a .js app).
  const app = process.argv.slice(2).find((arg) => !arg.startsWith('-') && /\.[cm]?[jt]sx?$/.test(arg))
  register('./typescript-as-esm.mjs', import.meta.url, { data: { appUrl: app === undefined ? undefined : pathToFileURL(resolve(app)).href } })
  const { register: registerRequire } = await import('tsx/cjs/api')
  const { register: registerImport } = await import('tsx/esm/api')
  registerRequire()
  registerImport()
}
