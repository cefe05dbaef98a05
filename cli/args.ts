/**
 * Command-line parsing for `portico`: argv in, a validated request to serve out. Pure: no
 * file reads, no process access, so every rule is unit-tested without spawning anything.
 * @module
 */
import type { Limits } from '../core/http1/limits.ts'
import { MAX_WINDOW_SIZE } from '../core/http2/frame-types.ts'
import type { Http2Limits } from '../core/http2/limits.ts'
import type { ServeOptions } from '../core/server/options.ts'

/** Access log output: none, Common Log Format lines, or JSON lines. */
export type AccessLogFormat = 'off' | 'clf' | 'json'

/** Paths of the PEM files; `cli/main.ts` reads them into `ServeOptions.tls`. */
export interface TlsFiles {
  certPath: string
  keyPath: string
}

/** A parsed command line. */
export interface CliArgs {
  /** The app module as written on the command line; `''` when `help` or `version` is set, or `--static` serves files alone. */
  appPath: string
  /** Everything for `serve()` except `tls`, `onListen` and `accessLog`, which need I/O. */
  options: ServeOptions
  accessLog: AccessLogFormat
  tlsFiles: TlsFiles | undefined
  /**
   * Worker processes under a supervisor: a count, or `'auto'` for one per CPU core (the caller
   * counts them: parsing stays pure). `undefined` (no `--workers`, no `--max-requests`) serves
   * from this process with no supervisor.
   */
  workers: number | 'auto' | undefined
  /** A worker asks to be replaced after this many responses; 0 = never. */
  maxRequests: number
  /** Adds a random 0..J to `maxRequests` per worker. */
  maxRequestsJitter: number
  /** Restart on file changes (`--watch`): this process only watches and runs the server as a child. */
  watch: boolean
  /** Full stacks for load errors (`--debug`). */
  debug: boolean
  /** Emit OpenTelemetry traces and metrics (`--otel`): main.ts sets `options.telemetry`. */
  otel: boolean
  help: boolean
  version: boolean
}

/**
 * The environment variables the command line falls back on: `PORT` and `HOST`, as hosting
 * platforms set them, used when `--port` / `--host` (and `--unix`) are not given.
 */
export interface CliEnv {
  PORT?: string | undefined
  HOST?: string | undefined
  /** systemd socket activation (sd_listen_fds(3)): how many sockets were passed, from fd 3 on. */
  LISTEN_FDS?: string | undefined
  /** The pid they were passed to; sockets meant for another process are ignored. */
  LISTEN_PID?: string | undefined
  /** This process's pid, to compare with `LISTEN_PID`. */
  pid?: number
}

/** A bad command line; `cli/main.ts` prints the message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** One flag: its name without dashes, its value placeholder (none for switches), its help line. */
export interface FlagSpec {
  name: string
  value: string | undefined
  description: string
}

/** Every flag, in `--help` order. The parser below handles exactly these names. */
export const FLAGS: readonly FlagSpec[] = [
  { name: 'port', value: 'N', description: 'TCP port to listen on, 0 for any free port (default: $PORT, else 8000)' },
  { name: 'host', value: 'ADDR', description: 'address to bind (default: $HOST, else 0.0.0.0)' },
  { name: 'unix', value: 'PATH', description: 'listen on a unix socket instead of TCP' },
  { name: 'tls-cert', value: 'FILE', description: 'PEM certificate file; serves HTTPS (needs --tls-key)' },
  { name: 'tls-key', value: 'FILE', description: 'PEM private key file (needs --tls-cert)' },
  { name: 'access-log', value: undefined, description: 'log each request to stdout: Common Log Format, or JSON lines with --access-log=json' },
  { name: 'workers', value: 'N|auto', description: 'N worker processes sharing the port under a supervisor; auto = one per core (default: one process)' },
  { name: 'max-requests', value: 'N', description: 'replace a worker after it served N requests (default 0: never; implies --workers 1)' },
  { name: 'max-requests-jitter', value: 'J', description: 'add a random 0..J to --max-requests per worker, so workers do not recycle together' },
  { name: 'headers-timeout', value: 'MS', description: 'time allowed for a request head to arrive (default 60000)' },
  { name: 'keep-alive-timeout', value: 'MS', description: 'close idle keep-alive connections after this long (default 5000)' },
  { name: 'request-timeout', value: 'MS', description: 'time allowed for a whole request, head and body (default 300000)' },
  { name: 'graceful-timeout', value: 'MS', description: 'on shutdown, force-close busy connections after this long (default 10000; 30000 with --workers)' },
  { name: 'max-body-size', value: 'BYTES', description: 'largest request body accepted, larger gets 413 (default unlimited)' },
  { name: 'max-header-size', value: 'BYTES', description: 'largest request head accepted, larger gets 431 (default 16384)' },
  { name: 'no-http2', value: undefined, description: 'HTTP/1.1 only: no h2 in TLS ALPN, no h2c on a plain port (default: HTTP/2 beside HTTP/1.1)' },
  { name: 'h2-max-concurrent-streams', value: 'N', description: 'HTTP/2 streams one connection may have open, more are refused (default 100)' },
  { name: 'h2-initial-window-size', value: 'BYTES', description: 'HTTP/2 receive window per stream: request body bytes buffered per stream (default 1048576)' },
  { name: 'h2-max-header-list-size', value: 'BYTES', description: 'largest HTTP/2 request head (names + values + 32 per field), larger gets 431 (default 65536)' },
  { name: 'fd', value: 'N', description: 'serve on an inherited listening socket, file descriptor N (default: systemd\'s LISTEN_FDS, fd 3)' },
  { name: 'limit-concurrency', value: 'N', description: 'answer 503 with Retry-After at once beyond N requests in flight (default: no limit)' },
  { name: 'max-connections', value: 'N', description: 'close new connections at accept beyond N open ones (default: no limit)' },
  { name: 'shutdown-delay', value: 'MS', description: 'on SIGTERM, keep serving this long with Connection: close before closing (default 0)' },
  { name: 'health-path', value: 'PATH', description: 'answer PATH (e.g. /healthz) with 200 while serving, 503 once stopping' },
  { name: 'otel', value: undefined, description: 'emit OpenTelemetry traces and metrics through @opentelemetry/api (register an SDK)' },
  { name: 'static', value: 'DIR', description: 'serve the files of DIR in front of the app (GET/HEAD; the app gets the rest); without an app, a file server' },
  { name: 'static-prefix', value: 'PATH', description: 'URL path the --static files are under, e.g. /assets (default /)' },
  { name: 'compress', value: undefined, description: 'compress responses (br, zstd where the runtime has it, gzip) for clients that accept it' },
  { name: 'watch', value: undefined, description: 'restart the server when a source file under the project changes (development)' },
  { name: 'debug', value: undefined, description: 'print the whole stack of an error that stops the app from loading' },
  { name: 'help', value: undefined, description: 'show this help and exit' },
  { name: 'version', value: undefined, description: 'print the version and exit' },
]

/** The `--help` text, one line per flag. */
export function formatUsage(): string {
  const labels = FLAGS.map((flag) => {
    if (flag.name === 'access-log') return '--access-log[=json]'
    const alias = Object.keys(SHORT_ALIASES).find((key) => SHORT_ALIASES[key] === flag.name)
    const short = alias === undefined ? '' : `${alias}, `
    return `${short}--${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`
  })
  const width = Math.max(...labels.map((label) => label.length)) + 2
  const lines = FLAGS.map((flag, i) => `  ${labels[i]!.padEnd(width)}${flag.description}`)
  return [
    'Usage: portico <app.ts> [options]',
    '       portico --static DIR [options]',
    '',
    'Serves the module\'s default export (a fetch handler, or an object with a fetch method)',
    'or its named `fetch` export.',
    '',
    'Options:',
    ...lines,
    '',
    'Signals: SIGINT / SIGTERM stop gracefully (a second one forces). With --workers, SIGHUP',
    'restarts the workers one at a time, each new one listening before its predecessor stops;',
    'a single process ignores SIGHUP (and says so).',
    '',
  ].join('\n')
}

const SHORT_ALIASES: Readonly<Record<string, string>> = { '-p': 'port', '-H': 'host', '-h': 'help', '-v': 'version' }

/**
 * Parses `process.argv.slice(2)`; `env` supplies `PORT` / `HOST` when the flags do not. Throws
 * `UsageError` on anything it cannot honour.
 */
export function parseArgs(argv: readonly string[], env: CliEnv = {}): CliArgs {
  const positionals: string[] = []
  const values = new Map<string, string>()
  let accessLog: AccessLogFormat = 'off'
  const switches = new Set<string>()

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const alias = SHORT_ALIASES[arg.slice(0, eq === -1 ? undefined : eq)]
    const name = alias ?? (arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : '')
    const inline = eq !== -1 ? arg.slice(eq + 1) : undefined
    const spec = FLAGS.find((flag) => flag.name === name)
    if (spec === undefined) throw new UsageError(`unknown option ${arg.split('=')[0]}`)

    if (name === 'access-log') {
      if (inline === undefined || inline === 'clf') accessLog = 'clf'
      else if (inline === 'json') accessLog = 'json'
      else throw new UsageError(`--access-log takes no value or =json, got "${inline}"`)
    } else if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      switches.add(name)
    } else {
      let value = inline
      if (value === undefined) {
        const next = argv[i + 1]
        // A following flag means the value was forgotten, not that it is the value.
        if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value (${spec.value})`)
        value = next
        i++
      }
      values.set(name, value)
    }
  }

  const help = switches.has('help')
  const version = switches.has('version')
  const watch = switches.has('watch')
  const debug = switches.has('debug')
  const otel = switches.has('otel')
  if (help || version) {
    return { appPath: '', options: {}, accessLog, tlsFiles: undefined, workers: undefined, maxRequests: 0, maxRequestsJitter: 0, watch, debug, otel, help, version }
  }
  const staticDir = values.get('static')
  if (positionals.length === 0 && staticDir === undefined) throw new UsageError('missing the app module, e.g. portico ./app.ts (or --static DIR)')
  if (positionals.length > 1) throw new UsageError(`expected one app module, got ${positionals.length}: ${positionals.join(' ')}`)

  const options: ServeOptions = {}
  const port = values.get('port')
  const host = values.get('host')
  const unix = values.get('unix')
  if (unix !== undefined) {
    if (unix === '') throw new UsageError('--unix must not be empty')
    if (port !== undefined || host !== undefined) throw new UsageError('--unix cannot be combined with --port or --host')
    options.unix = unix
  } else {
    // The environment fills in what the command line leaves out; an empty variable is unset.
    if (port !== undefined) options.port = integerFlag('port', port, 0, 65535)
    else if (env.PORT !== undefined && env.PORT !== '') options.port = integerValue('PORT', env.PORT, 0, 65535)
    if (host !== undefined) {
      if (host === '') throw new UsageError('--host must not be empty')
      options.hostname = host
    } else if (env.HOST !== undefined && env.HOST !== '') {
      options.hostname = env.HOST
    }
  }

  const certPath = values.get('tls-cert')
  const keyPath = values.get('tls-key')
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new UsageError('--tls-cert and --tls-key must be given together')
  }
  const tlsFiles = certPath !== undefined && keyPath !== undefined ? { certPath, keyPath } : undefined

  const workersText = values.get('workers')
  let workers: number | 'auto' | undefined =
    workersText === undefined || workersText === 'auto' ? workersText : integerFlag('workers', workersText, 1, 1024)
  const maxRequestsText = values.get('max-requests')
  const maxRequests = maxRequestsText === undefined ? 0 : integerFlag('max-requests', maxRequestsText, 0, Number.MAX_SAFE_INTEGER)
  const jitterText = values.get('max-requests-jitter')
  const maxRequestsJitter = jitterText === undefined ? 0 : integerFlag('max-requests-jitter', jitterText, 0, Number.MAX_SAFE_INTEGER)
  // Recycling needs someone to start the replacement.
  if (maxRequests > 0) workers ??= 1

  const timeouts = [
    ['headers-timeout', 'headersTimeout'],
    ['keep-alive-timeout', 'keepAliveTimeout'],
    ['request-timeout', 'requestTimeout'],
    ['graceful-timeout', 'gracefulTimeout'],
  ] as const
  for (const [flag, field] of timeouts) {
    const text = values.get(flag)
    // 2^31-1 ms: setTimeout fires at once for anything larger on every runtime.
    if (text !== undefined) options[field] = integerFlag(flag, text, 0, 2_147_483_647)
  }

  const limits: Partial<Limits> = {}
  const maxBody = values.get('max-body-size')
  if (maxBody !== undefined) limits.maxBodyBytes = integerFlag('max-body-size', maxBody, 0, Number.MAX_SAFE_INTEGER)
  const maxHeader = values.get('max-header-size')
  if (maxHeader !== undefined) limits.maxHeaderBytes = integerFlag('max-header-size', maxHeader, 1, Number.MAX_SAFE_INTEGER)
  if (Object.keys(limits).length > 0) options.limits = limits
  const http2 = http2Option(values, switches.has('no-http2'))
  if (http2 !== undefined) options.http2 = http2

  const fleet = [
    ['limit-concurrency', 'maxConcurrentRequests', 1],
    ['max-connections', 'maxConnections', 1],
    ['shutdown-delay', 'shutdownDelay', 0],
  ] as const
  for (const [flag, field, min] of fleet) {
    const text = values.get(flag)
    if (text !== undefined) options[field] = integerFlag(flag, text, min, flag === 'shutdown-delay' ? 2_147_483_647 : Number.MAX_SAFE_INTEGER)
  }
  const healthPath = values.get('health-path')
  if (healthPath !== undefined) {
    if (!healthPath.startsWith('/') || /[?#\s]/.test(healthPath)) throw new UsageError(`--health-path must be a path like /healthz, got "${healthPath}"`)
    options.healthPath = healthPath
  }
  const fd = inheritedSocket(values.get('fd'), env, unix !== undefined || port !== undefined || host !== undefined)
  if (fd !== undefined) {
    if (workers !== undefined) throw new UsageError('--workers cannot serve an inherited socket (--fd, LISTEN_FDS) yet')
    if (watch) throw new UsageError('--watch cannot serve an inherited socket (--fd, LISTEN_FDS)')
    options.fd = fd
    delete options.port
    delete options.hostname
  }

  const staticPrefix = values.get('static-prefix')
  if (staticDir !== undefined) {
    if (staticDir === '') throw new UsageError('--static must not be empty')
    if (staticPrefix !== undefined && !staticPrefix.startsWith('/')) throw new UsageError(`--static-prefix must start with /, got "${staticPrefix}"`)
    options.static = staticPrefix === undefined ? { dir: staticDir } : { dir: staticDir, prefix: staticPrefix }
  } else if (staticPrefix !== undefined) {
    throw new UsageError('--static-prefix needs --static')
  }
  if (switches.has('compress')) options.compression = true
  if (positionals.length === 0 && watch) throw new UsageError('--watch needs an app module to watch')

  return { appPath: positionals[0] ?? '', options, accessLog, tlsFiles, workers, maxRequests, maxRequestsJitter, watch, debug, otel, help: false, version: false }
}

/** The h2 limit flags and the largest value each takes: what HTTP/2 can carry, as `resolveHttp2Limits` checks (min 0). */
const HTTP2_FLAGS = [
  ['h2-max-concurrent-streams', 'maxConcurrentStreams', 2 ** 32 - 1],
  ['h2-initial-window-size', 'initialWindowSize', MAX_WINDOW_SIZE],
  ['h2-max-header-list-size', 'maxHeaderListSize', 2 ** 32 - 1],
] as const

/** `options.http2`: false with `--no-http2`, the limits the h2 flags set, or undefined (the default, on). */
function http2Option(values: ReadonlyMap<string, string>, off: boolean): false | Partial<Http2Limits> | undefined {
  const limits: Partial<Http2Limits> = {}
  for (const [flag, field, max] of HTTP2_FLAGS) {
    const text = values.get(flag)
    if (text === undefined) continue
    if (off) throw new UsageError(`--${flag} cannot be combined with --no-http2`)
    limits[field] = integerFlag(flag, text, 0, max)
  }
  if (off) return false
  return Object.keys(limits).length === 0 ? undefined : limits
}

/**
 * The listening socket to adopt: `--fd N`, else the first of systemd's (sd_listen_fds(3):
 * `LISTEN_FDS` sockets from fd 3 on, meant for this process when `LISTEN_PID` is its pid).
 */
function inheritedSocket(flag: string | undefined, env: CliEnv, addressGiven: boolean): number | undefined {
  if (flag !== undefined) {
    if (addressGiven) throw new UsageError('--fd cannot be combined with --port, --host or --unix')
    return integerFlag('fd', flag, 0, 65535)
  }
  if (env.LISTEN_FDS === undefined || env.LISTEN_FDS === '' || addressGiven) return undefined
  if (env.LISTEN_PID !== undefined && env.LISTEN_PID !== '' && env.LISTEN_PID !== String(env.pid)) return undefined
  const count = integerValue('LISTEN_FDS', env.LISTEN_FDS, 0, 65535)
  if (count === 0) return undefined
  if (count > 1) throw new UsageError(`LISTEN_FDS=${count}: portico serves one socket; configure one ListenStream= per service`)
  return 3
}

function integerFlag(name: string, text: string, min: number, max: number): number {
  return integerValue(`--${name}`, text, min, max)
}

function integerValue(label: string, text: string, min: number, max: number): number {
  // Digits only: Number() would also take '', '0x10', '1e3' and ' 8 '.
  const value = /^\d+$/.test(text) ? Number(text) : NaN
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${label} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return value
}
