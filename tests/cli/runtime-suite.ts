/**
 * The CLI's first-hour behaviour, one table run under each runtime (the per-runtime files only
 * name the command): a taken or privileged port is one line and exit 1, with and without
 * --workers, including a port another `portico --workers` holds with SO_REUSEPORT; load
 * errors name file:line; PORT comes from the environment; SIGHUP does not kill a single
 * process; --watch restarts after an edit. Every process runs in its own group, which
 * afterEach kills by PID; every wait has a deadline.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect as connectHttp2 } from 'node:http2'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL('../..', import.meta.url))

/** How to run the CLI from this checkout under one runtime. */
export interface CliCommand {
  runtime: 'node' | 'deno' | 'bun'
  /** Binary and leading arguments (absolute paths); the app and flags follow. */
  command: string
  args: readonly string[]
}

interface Run {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** The first match of `pattern` in stdout + stderr (the `count`-th with count), or a rejection after `ms`. */
  waitFor(pattern: RegExp, ms?: number, count?: number): Promise<RegExpMatchArray>
  /** The exit code, or a rejection after `ms`. */
  exited(ms?: number): Promise<number | null>
}

const LONG = 90_000 // per test: a loaded 2-core machine starts Deno and Bun slowly

/** Defines the suite for one runtime. */
export function defineCliSuite(target: CliCommand): void {
  const missing = existsSync(target.command) ? undefined : `${target.command} does not exist`
  const scratch = mkdtempSync(join(tmpdir(), `portico-cli-${target.runtime}-`))
  chmodSync(scratch, 0o777) // the privileged-port case runs as nobody
  const runs: Run[] = []
  const blockers: Server[] = []

  afterEach(() => {
    for (const run of runs.splice(0)) killGroup(run.child)
    for (const blocker of blockers.splice(0)) blocker.close()
  })
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  let fileCount = 0
  const write = (name: string, source: string, dir = scratch): string => {
    const path = join(dir, `${++fileCount}-${name}`)
    writeFileSync(path, source)
    chmodSync(path, 0o666)
    return path
  }
  const app = (body: string): string => write('app.ts', `export default { fetch: (): Response => new Response(${JSON.stringify(body)}) }\n`)

  const start = (args: readonly string[], options: { env?: Record<string, string>; cwd?: string; command?: string[] } = {}): Run => {
    const [command, ...leading] = options.command ?? [target.command, ...target.args]
    const child = spawn(command!, [...leading, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own group: supervisors and their workers die together in afterEach
    })
    let out = ''
    let err = ''
    const wakers = new Set<() => void>()
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text
      for (const wake of wakers) wake()
    })
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      err += text
      for (const wake of wakers) wake()
    })
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const run: Run = {
      child,
      stdout: () => out,
      stderr: () => err,
      waitFor: (pattern, ms = 45_000, count = 1) =>
        new Promise((resolve, reject) => {
          const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
          const check = (): boolean => {
            const matches = [...`${out}\n${err}`.matchAll(global)]
            if (matches.length < count) return false
            wakers.delete(check)
            clearTimeout(timer)
            resolve(matches[count - 1]!)
            return true
          }
          const timer = setTimeout(() => {
            wakers.delete(check)
            reject(new Error(`no ${pattern} (×${count}) within ${ms} ms\n--- stdout ---\n${out}\n--- stderr ---\n${err}`))
          }, ms)
          if (!check()) wakers.add(check)
        }),
      exited: (ms = 45_000) =>
        Promise.race([
          exit,
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`still running after ${ms} ms\n--- stdout ---\n${out}\n--- stderr ---\n${err}`)), ms).unref()),
        ]),
    }
    runs.push(run)
    return run
  }

  const listening = async (run: Run): Promise<string> => (await run.waitFor(/Listening on (http\S+)/))[1]!

  const block = async (): Promise<number> => {
    const blocker = createServer()
    blockers.push(blocker)
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    return (blocker.address() as { port: number }).port
  }

  describe.skipIf(missing !== undefined)(`portico CLI on ${target.runtime}`, () => {
    it('refuses a port another program holds in one line and exit 1, with and without --workers', async () => {
      const port = await block()
      const line = `portico: cannot listen on 127.0.0.1:${port}: the port is in use by another program (EADDRINUSE)\n`
      const single = start([app('x'), '--host', '127.0.0.1', '--port', String(port)])
      const workers = start([app('x'), '--host', '127.0.0.1', '--port', String(port), '--workers', '2'])
      for (const run of [single, workers]) {
        expect(await run.exited()).toBe(1)
        expect(run.stderr()).toBe(line)
        expect(run.stdout()).toBe('')
      }
    }, LONG)

    it('refuses to join a port that another portico --workers holds with SO_REUSEPORT', async () => {
      const holder = start([app('first'), '--host', '127.0.0.1', '--port', '0', '--workers', '1'])
      const url = await listening(holder)
      const port = new URL(url).port
      const second = start([app('second'), '--host', '127.0.0.1', '--port', port, '--workers', '1'])
      expect(await second.exited()).toBe(1)
      expect(second.stderr()).toBe(`portico: cannot listen on 127.0.0.1:${port}: the port is in use by another program (EADDRINUSE)\n`)
      // The holder kept every request: nothing joined its port.
      for (let i = 0; i < 8; i++) expect(await (await fetch(url)).text()).toBe('first')
    }, LONG)

    const asNobody = privilegedPortRunner()
    it.skipIf(asNobody.skip !== undefined)(`refuses a privileged port in one line and exit 1, with and without --workers ${asNobody.skip ?? ''}`, async () => {
      const home = mkdtempSync(join(scratch, 'home-'))
      chmodSync(home, 0o777)
      const env = { HOME: home, DENO_DIR: join(home, 'deno'), XDG_CACHE_HOME: join(home, 'cache') }
      const line = 'portico: cannot listen on 127.0.0.1:80: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE) (EACCES)\n'
      for (const workers of [[], ['--workers', '2']]) {
        const run = start([app('x'), '--host', '127.0.0.1', '--port', '80', ...workers], { env, command: [...asNobody.prefix, target.command, ...target.args] })
        expect(await run.exited(60_000)).toBe(1)
        expect(run.stderr().split('\n').filter((l) => !/^(Download|Warning)/.test(l)).join('\n')).toBe(line)
      }
    }, 2 * LONG)

    it('names file:line of an error the app throws while loading, then the stack; --workers prefixes the worker pid', async () => {
      const lib = write('lib.ts', "const config = JSON.parse('{}').server\nexport const port: number = config.port\n")
      const deep = write('deep.ts', `import { port } from './${lib.split('/').pop()}'\nexport default { fetch: () => new Response(String(port)) }\n`)
      const run = start([deep, '--port', '0'])
      expect(await run.exited()).toBe(2)
      const [head, ...rest] = run.stderr().trimEnd().split('\n')
      expect(head).toMatch(new RegExp(`^portico: cannot load \\S+deep\\.ts: \\S*${lib.split('/').pop()!.replace('.', '\\.')}:2:\\d+: TypeError: `))
      expect(rest.join('\n')).toContain(`${lib}:2:`)

      const supervised = start([deep, '--port', '0', '--host', '127.0.0.1', '--workers', '1'])
      await supervised.waitFor(/^\[\d+\] portico: cannot load \S+deep\.ts: \S+:2:\d+: TypeError: /m)
      await supervised.waitFor(/before listening; respawning in/)
      supervised.child.kill('SIGTERM')
      expect(await supervised.exited()).toBe(0)
    }, LONG)

    it('names file:line of a syntax error and shows the line', async () => {
      const broken = write('broken.ts', 'export const a = 1\nconst b = ;\nexport default () => new Response(String(a + b))\n')
      const run = start([broken, '--port', '0'])
      expect(await run.exited()).toBe(2)
      const lines = run.stderr().trimEnd().split('\n')
      expect(lines[0]).toMatch(/^portico: cannot load \S+broken\.ts: \S+broken\.ts:2:\d+: SyntaxError: /)
      expect(lines[1]).toBe('  2 | const b = ;')
      expect(lines[2]).toMatch(/^ {4}\| +\^$/)
      expect(lines).toHaveLength(3)
    }, LONG)

    it('listens on PORT (and HOST) from the environment when no flag says otherwise', async () => {
      const port = await freePort()
      const run = start([app('from env')], { env: { PORT: String(port), HOST: '127.0.0.1' } })
      expect(await listening(run)).toBe(`http://127.0.0.1:${port}`)
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('from env')
      const flagged = start([app('flag'), '-p', '0', '-H', '127.0.0.1'], { env: { PORT: String(port), HOST: '0.0.0.0' } })
      expect(await listening(flagged)).not.toBe(`http://127.0.0.1:${port}`)
    }, LONG)

    it('--otel observes every request (@opentelemetry/api from the checkout), alone and with --workers 2', async () => {
      // The observation portico/otel leaves on each request it observes (for setRoute).
      const observed = write('app.ts', "export default { fetch: (request: Request): Response => new Response(String(Object.getOwnPropertySymbols(request).includes(Symbol.for('portico.otel.observation')))) }\n")
      for (const workers of [[], ['--workers', '2']]) {
        const run = start([observed, '--otel', '--port', '0', '--host', '127.0.0.1', ...workers])
        expect(await (await fetch(await listening(run))).text()).toBe('true')
      }
    }, LONG)

    it('serves h2c beside HTTP/1.1 with --workers 2, and HTTP/1.1 only with --no-http2', async () => {
      const run = start([app('both'), '--port', '0', '--host', '127.0.0.1', '--workers', '2'])
      const url = await listening(run)
      expect(await h2cGet(url)).toBe('2 both')
      expect(await (await fetch(url)).text()).toBe('both')
      const plain = start([app('one'), '--port', '0', '--host', '127.0.0.1', '--no-http2'])
      const plainUrl = await listening(plain)
      await expect(h2cGet(plainUrl)).rejects.toThrow()
      expect(await (await fetch(plainUrl)).text()).toBe('one')
    }, LONG)

    it('ignores SIGHUP in a single process and says so', async () => {
      const run = start([app('still here'), '--port', '0', '--host', '127.0.0.1'])
      const url = await listening(run)
      run.child.kill('SIGHUP')
      await run.waitFor(/SIGHUP ignored: one process cannot reload its app; use --workers .* or --watch/)
      expect(await (await fetch(url)).text()).toBe('still here')
      run.child.kill('SIGTERM')
      expect(await run.exited()).toBe(0)
    }, LONG)

    const activate = ['/usr/bin/systemd-socket-activate', '/bin/systemd-socket-activate'].find((path) => existsSync(path))
    it.skipIf(activate === undefined)('serves the socket systemd passes (LISTEN_FDS); on SIGTERM, --shutdown-delay keeps serving with the health path at 503', async () => {
      const port = await freePort()
      const origin = `http://127.0.0.1:${port}`
      // systemd-socket-activate binds, then execs the command (same pid) on the first connection.
      const run = start([app('activated'), '--health-path', '/healthz', '--shutdown-delay', '3000'], {
        command: [activate!, '-l', `127.0.0.1:${port}`, target.command, ...target.args],
      })
      // Its socket is bound once it says so; a fetch before that is refused (seen under load).
      await run.waitFor(/Listening on 127\.0\.0\.1:\d+ as 3/)
      const first = await fetch(`${origin}/`)
      expect(await first.text()).toBe('activated')
      expect(await listening(run)).toBe(origin)
      expect(run.stderr()).toMatch(/Listening on 127\.0\.0\.1:\d+ as 3/) // systemd-socket-activate's own line
      expect((await fetch(`${origin}/healthz`)).status).toBe(200)
      run.child.kill('SIGTERM')
      // Within the delay: still accepting and serving, each response closing its connection.
      let health: Response
      for (let i = 0; ; i++) {
        health = await fetch(`${origin}/healthz`)
        await health.text()
        if (health.status === 503 || i === 50) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(health.status).toBe(503)
      const during = await fetch(`${origin}/`)
      expect(await during.text()).toBe('activated')
      expect(during.headers.get('connection')).toBe('close')
      expect(await run.exited()).toBe(0)
    }, LONG)

    it('--watch restarts the server after an edit, on the same port, and exits 0 on SIGTERM', async () => {
      const project = mkdtempSync(join(scratch, 'project-'))
      writeFileSync(join(project, 'package.json'), '{ "name": "watched", "type": "commonjs" }\n')
      const source = join(project, 'app.ts')
      writeFileSync(source, "export default () => new Response('v1')\n")
      const run = start([source, '--watch', '--port', '0', '--host', '127.0.0.1'], { cwd: project })
      const url = await listening(run)
      expect(await (await fetch(url)).text()).toBe('v1')
      writeFileSync(source, "export default () => new Response('v2')\n")
      await run.waitFor(/app\.ts changed; restarting/)
      await run.waitFor(/Listening on http/, 45_000, 2)
      expect(await (await fetch(url)).text()).toBe('v2')
      // A broken edit: the old child stops, the watcher waits for the next change.
      writeFileSync(source, "export default () => new Response('v3'\n")
      await run.waitFor(/waiting for a change to restart it/)
      writeFileSync(source, "export default () => new Response('v3')\n")
      await run.waitFor(/Listening on http/, 45_000, 3)
      expect(await (await fetch(url)).text()).toBe('v3')
      run.child.kill('SIGTERM')
      expect(await run.exited()).toBe(0)
    }, 2 * LONG)

    if (target.runtime === 'deno') {
      it('says which Deno permission is missing, and gives workers the supervisor\'s flags, not -A', async () => {
        const deno = [target.command, 'run']
        const script = join(ROOT, 'cli/main.ts')
        const appPath = app('narrow')
        const none = start([script, appPath, '--port', '8123', '--host', '127.0.0.1'], { command: deno })
        expect(await none.exited()).toBe(2)
        expect(none.stderr()).toBe(`portico: Deno has not granted what portico needs: --allow-read (load ${appPath}), --allow-net (listen on 127.0.0.1:8123). Add them to \`deno run\`, or use -A\n`)

        const noRun = start(['--allow-net', '--allow-read', script, appPath, '--port', '0', '--host', '127.0.0.1', '--workers', '1'], { command: deno })
        expect(await noRun.exited()).toBe(2)
        expect(noRun.stderr()).toMatch(/^portico: Deno has not granted what portico needs: --allow-run \(--workers starts \S+\), --allow-env \(--workers passes the environment on\)\. Add them to `deno run`, or use -A\n$/)

        const granted = start(['--allow-net', '--allow-read', '--allow-env', '--allow-run', script, appPath, '--port', '0', '--host', '127.0.0.1', '--workers', '1'], { command: deno })
        const url = await listening(granted)
        expect(await (await fetch(url)).text()).toBe('narrow')
        const pid = (await granted.waitFor(/worker (\d+) listening/))[1]!
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        expect(argv).toEqual(expect.arrayContaining(['--allow-net', '--allow-read', '--allow-env', '--allow-run', '--unstable-net']))
        expect(argv.filter((arg) => /^(-A|--allow-all|--allow-write|--allow-sys|--allow-ffi)$/.test(arg))).toEqual([])
      }, LONG)
    }
  })
}

/**
 * How to try port 80 without the right to bind it: as root, run as nobody (setpriv); as
 * another user, directly, unless the machine lets anyone bind it.
 */
function privilegedPortRunner(): { prefix: string[]; skip?: string } {
  const unprivilegedStart = Number(readFileSafe('/proc/sys/net/ipv4/ip_unprivileged_port_start') ?? '1024')
  if (process.getuid?.() !== 0) {
    return unprivilegedStart <= 80 ? { prefix: [], skip: '(skipped: this machine lets any user bind port 80)' } : { prefix: [] }
  }
  if (spawnSync('setpriv', ['--version']).status !== 0) return { prefix: [], skip: '(skipped: running as root without setpriv to drop privileges)' }
  return { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] }
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/** One GET over h2c with prior knowledge: `'2 <body>'`, or a rejection if the server did not speak HTTP/2. */
function h2cGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(url)
    session.on('error', reject)
    const stream = session.request({ ':path': '/' })
    let body = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => (body += chunk))
    stream.on('end', () => {
      session.close()
      resolve(`2 ${body}`)
    })
    stream.on('error', (error) => {
      session.destroy()
      reject(error)
    })
  })
}
