/**
 * `portico app.ts --watch`: a development loop. This process serves nothing: it runs the same
 * command without `--watch` as a child, watches the project's source files, and on a change
 * stops the child gracefully and starts a new one, which imports the app afresh. The same on
 * every runtime; the watching itself is the runtime's own (`Deno.watchFs`, else `fs.watch`
 * per directory, so node_modules is never walked).
 *
 * The child runs in its own process group: Ctrl-C reaches only this process, which stops the
 * child with one SIGTERM (a graceful stop, not the forced one two signals would make). The
 * child has an IPC channel to us and stops if we disappear, so it never keeps the port alone.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync, watch } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import process from 'node:process'
import { detectRuntime } from '../runtimes/shared.ts'

/** Extensions whose change restarts the server. */
const SOURCE = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'])
/** Files that mark a project's root. */
const ROOT_MARKERS = ['package.json', 'deno.json', 'deno.jsonc', '.git']
/** How long a burst of events (an editor's save) is gathered before restarting. */
const DEBOUNCE_MS = 150
/** After the graceful SIGTERM: a second one (forced close), then SIGKILL. */
const FORCE_AFTER_MS = 2000
const KILL_AFTER_MS = 5000

/** What the watcher runs and where it looks. */
export interface WatchOptions {
  /** The app module, as given. */
  appPath: string
  /** Runtime binary and arguments of the child: this command without `--watch`. */
  execPath: string
  args: string[]
  /** One line per event; default `portico: <line>` on stderr. */
  log?: (line: string) => void
}

/** The directory to watch: the nearest one above the app with a package.json, deno.json or .git. */
export function projectRoot(appPath: string): string {
  const start = dirname(resolve(appPath))
  for (let dir = start; ; dir = dirname(dir)) {
    if (ROOT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir
    if (dirname(dir) === dir) return start
  }
}

/** Whether a directory is skipped: node_modules and hidden ones (.git, .cache …). */
export function isIgnoredDirectory(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.')
}

/** Runs the watch loop until SIGINT / SIGTERM; resolves when the last child has exited. */
export function runWatcher(options: WatchOptions): Promise<void> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`portico: ${line}\n`))
  const root = projectRoot(options.appPath)
  let child: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()
  let stopping = false
  let restarting = false
  let pending: string | null = null
  let debounce: ReturnType<typeof setTimeout> | undefined

  const start = (): void => {
    const current = spawn(options.execPath, options.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true })
    child = current
    exited = new Promise((resolveExit) => {
      let done = false
      const onExit = (code: number | null, signal: string | null, error?: Error): void => {
        if (done) return
        done = true
        if (child === current) child = null
        resolveExit()
        if (!stopping && !restarting) {
          const how = error !== undefined ? error.message : signal !== null ? `signal ${signal}` : `code ${code}`
          log(`the server exited (${how}); waiting for a change to restart it`)
        }
      }
      current.on('exit', (code, signal) => onExit(code, signal))
      current.on('error', (error) => onExit(null, null, error))
    })
  }

  const stopChild = async (): Promise<void> => {
    const current = child
    if (current === null) return exited
    current.kill('SIGTERM')
    const force = setTimeout(() => current.kill('SIGTERM'), FORCE_AFTER_MS)
    const kill = setTimeout(() => current.kill('SIGKILL'), KILL_AFTER_MS)
    await exited
    clearTimeout(force)
    clearTimeout(kill)
  }

  const restart = async (): Promise<void> => {
    if (stopping || restarting) return
    restarting = true
    while (pending !== null && !stopping) {
      log(`${pending}; restarting`)
      pending = null
      await stopChild()
      if (!stopping) start()
    }
    restarting = false
  }

  const onChange = (path: string): void => {
    if (!SOURCE.has(extname(path))) return
    pending = `${relative(process.cwd(), path) || path} changed`
    clearTimeout(debounce)
    debounce = setTimeout(() => void restart(), DEBOUNCE_MS)
  }

  const closeWatchers = watchTree(root, onChange)
  log(`watching ${relative(process.cwd(), root) || '.'} for changes`)
  start()

  return new Promise((resolveDone) => {
    const stop = (): void => {
      if (stopping) {
        child?.kill('SIGTERM') // a second signal: the child forces its close
        return
      }
      stopping = true
      clearTimeout(debounce)
      closeWatchers()
      void stopChild().then(() => resolveDone())
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    process.on('SIGHUP', () => {
      pending = 'SIGHUP'
      void restart()
    })
  })
}

/** Watches `root` and its subdirectories (bar ignored ones), new ones included. Returns close(). */
function watchTree(root: string, onChange: (path: string) => void): () => void {
  const closers = new Map<string, () => void>()
  const add = (dir: string): void => {
    if (closers.has(dir)) return
    const close = watchDirectory(dir, (path) => {
      if (path === undefined) return
      if (isDirectory(path)) {
        if (!isIgnoredDirectory(basename(path))) add(path)
      } else {
        onChange(path)
      }
    })
    if (close === undefined) return
    closers.set(dir, close)
    let entries: string[] = []
    try {
      entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !isIgnoredDirectory(e.name)).map((e) => e.name)
    } catch {
      // Gone or unreadable: nothing below to watch.
    }
    for (const name of entries) add(join(dir, name))
  }
  add(root)
  return () => {
    for (const close of closers.values()) close()
    closers.clear()
  }
}

interface DenoWatcher extends AsyncIterable<{ kind: string; paths: string[] }> {
  close(): void
}

/** One directory, not recursive, with the runtime's own watcher; undefined if it cannot be watched. */
function watchDirectory(dir: string, onEvent: (path: string | undefined) => void): (() => void) | undefined {
  try {
    if (detectRuntime() === 'deno') {
      // Deno's fs.watch ignores `recursive: false` and would walk node_modules.
      const api = (globalThis as unknown as { Deno: { watchFs(paths: string, options: { recursive: boolean }): DenoWatcher } }).Deno
      const watcher = api.watchFs(dir, { recursive: false })
      void (async () => {
        try {
          for await (const event of watcher) {
            if (event.kind !== 'access') for (const path of event.paths) onEvent(path)
          }
        } catch {
          // Closed, or the directory went away.
        }
      })()
      return () => {
        try {
          watcher.close()
        } catch {
          // Already closed.
        }
      }
    }
    const watcher = watch(dir, (_event, name) => onEvent(name === null ? undefined : join(dir, String(name))))
    watcher.on('error', () => watcher.close())
    return () => watcher.close()
  } catch {
    return undefined
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
