import { describe, expect, it } from 'vitest'
import { FLAGS, formatUsage, parseArgs, UsageError } from '../../cli/args.ts'
import { resolveHttp2Limits, type Http2Limits } from '../../core/http2/limits.ts'

describe('parseArgs', () => {
  it('takes the app path alone with empty options', () => {
    expect(parseArgs(['./app.ts'])).toEqual({
      appPath: './app.ts', options: {}, accessLog: 'off', tlsFiles: undefined,
      workers: undefined, maxRequests: 0, maxRequestsJitter: 0, watch: false, debug: false, otel: false, help: false, version: false,
    })
  })

  it('takes -p and -H as --port and --host', () => {
    expect(parseArgs(['app.ts', '-p', '3000', '-H', '127.0.0.1']).options).toEqual({ port: 3000, hostname: '127.0.0.1' })
    expect(parseArgs(['app.ts', '-p=3001']).options).toEqual({ port: 3001 })
    expect(() => parseArgs(['app.ts', '-p', 'x'])).toThrow(/--port must be an integer/)
  })

  it('falls back on PORT and HOST from the environment, flags first', () => {
    expect(parseArgs(['app.ts'], { PORT: '3000', HOST: '127.0.0.1' }).options).toEqual({ port: 3000, hostname: '127.0.0.1' })
    expect(parseArgs(['app.ts', '--port', '4000', '-H', '::1'], { PORT: '3000', HOST: '127.0.0.1' }).options)
      .toEqual({ port: 4000, hostname: '::1' })
    expect(parseArgs(['app.ts'], { PORT: '', HOST: '' }).options).toEqual({})
    // A unix socket has no port: the environment's is not an error, just unused.
    expect(parseArgs(['app.ts', '--unix', '/tmp/p.sock'], { PORT: '3000', HOST: 'h' }).options).toEqual({ unix: '/tmp/p.sock' })
    expect(() => parseArgs(['app.ts'], { PORT: 'http' })).toThrow(/^PORT must be an integer from 0 to 65535, got "http"$/)
  })

  it('takes --watch and --debug as switches', () => {
    const args = parseArgs(['app.ts', '--watch', '--debug'])
    expect([args.watch, args.debug]).toEqual([true, true])
    expect(() => parseArgs(['app.ts', '--watch=src'])).toThrow(/--watch takes no value/)
  })

  it('maps every value flag, in both --flag v and --flag=v forms', () => {
    const args = parseArgs([
      'app.ts', '--port', '8080', '--host=127.0.0.1', '--headers-timeout', '1000', '--keep-alive-timeout=2000',
      '--request-timeout', '3000', '--graceful-timeout', '0', '--max-body-size', '1048576', '--max-header-size=8192',
    ])
    expect(args.appPath).toBe('app.ts')
    expect(args.options).toEqual({
      port: 8080, hostname: '127.0.0.1', headersTimeout: 1000, keepAliveTimeout: 2000, requestTimeout: 3000,
      gracefulTimeout: 0, limits: { maxBodyBytes: 1048576, maxHeaderBytes: 8192 },
    })
  })

  it('accepts flags before the app path', () => {
    expect(parseArgs(['--port', '0', 'app.ts']).options.port).toBe(0)
  })

  it('lets the last of a repeated flag win', () => {
    expect(parseArgs(['app.ts', '--port', '1', '--port', '2']).options.port).toBe(2)
  })

  it.each([['0', 0], ['65535', 65535]])('accepts port %s', (text, port) => {
    expect(parseArgs(['app.ts', '--port', text]).options.port).toBe(port)
  })

  it.each(['65536', '-1', '', 'abc', '80.5', '0x50', '1e3', ' 80'])('rejects port %j', (text) => {
    expect(() => parseArgs(['app.ts', `--port=${text}`])).toThrow(UsageError)
  })

  it.each(['headers-timeout', 'keep-alive-timeout', 'request-timeout', 'graceful-timeout', 'max-body-size'])(
    'rejects a non-integer --%s',
    (flag) => {
      expect(() => parseArgs(['app.ts', `--${flag}`, '1.5'])).toThrow(UsageError)
      expect(() => parseArgs(['app.ts', `--${flag}`, 'soon'])).toThrow(UsageError)
    },
  )

  it('rejects timeouts setTimeout cannot represent', () => {
    expect(parseArgs(['app.ts', '--request-timeout', '2147483647']).options.requestTimeout).toBe(2147483647)
    expect(() => parseArgs(['app.ts', '--request-timeout', '2147483648'])).toThrow(UsageError)
  })

  it('rejects a zero --max-header-size', () => {
    expect(() => parseArgs(['app.ts', '--max-header-size', '0'])).toThrow(UsageError)
  })

  it('parses --unix and refuses it with --port or --host', () => {
    expect(parseArgs(['app.ts', '--unix', '/tmp/p.sock']).options).toEqual({ unix: '/tmp/p.sock' })
    expect(() => parseArgs(['app.ts', '--unix', '/tmp/p.sock', '--port', '1'])).toThrow(/--unix/)
    expect(() => parseArgs(['app.ts', '--unix', '/tmp/p.sock', '--host', 'h'])).toThrow(/--unix/)
  })

  it('needs both --tls-cert and --tls-key', () => {
    expect(parseArgs(['app.ts', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']).tlsFiles)
      .toEqual({ certPath: 'c.pem', keyPath: 'k.pem' })
    expect(() => parseArgs(['app.ts', '--tls-cert', 'c.pem'])).toThrow(/together/)
    expect(() => parseArgs(['app.ts', '--tls-key', 'k.pem'])).toThrow(/together/)
  })

  it('reads --access-log as clf and --access-log=json as json', () => {
    expect(parseArgs(['app.ts']).accessLog).toBe('off')
    expect(parseArgs(['app.ts', '--access-log']).accessLog).toBe('clf')
    expect(parseArgs(['app.ts', '--access-log=clf']).accessLog).toBe('clf')
    expect(parseArgs(['app.ts', '--access-log=json']).accessLog).toBe('json')
    expect(() => parseArgs(['app.ts', '--access-log=xml'])).toThrow(UsageError)
  })

  it('does not let --access-log swallow the app path', () => {
    const args = parseArgs(['--access-log', 'app.ts'])
    expect(args.appPath).toBe('app.ts')
    expect(args.accessLog).toBe('clf')
  })

  it('takes --workers N or auto; no flag means one process without a supervisor', () => {
    expect(parseArgs(['app.ts']).workers).toBe(undefined)
    expect(parseArgs(['app.ts', '--workers', '1']).workers).toBe(1)
    expect(parseArgs(['app.ts', '--workers=4']).workers).toBe(4)
    expect(parseArgs(['app.ts', '--workers', 'auto']).workers).toBe('auto')
    expect(() => parseArgs(['app.ts', '--workers', '0'])).toThrow(UsageError)
    expect(() => parseArgs(['app.ts', '--workers', 'many'])).toThrow(UsageError)
  })

  it('takes --max-requests and its jitter; recycling implies one supervised worker', () => {
    const args = parseArgs(['app.ts', '--max-requests', '1000', '--max-requests-jitter', '50'])
    expect([args.maxRequests, args.maxRequestsJitter, args.workers]).toEqual([1000, 50, 1])
    expect(parseArgs(['app.ts', '--max-requests', '10', '--workers', '3']).workers).toBe(3)
    expect(parseArgs(['app.ts', '--max-requests', '0']).workers).toBe(undefined)
    expect(() => parseArgs(['app.ts', '--max-requests', '-1'])).toThrow(UsageError)
  })

  it('handles --help and --version without an app path', () => {
    expect(parseArgs(['--help']).help).toBe(true)
    expect(parseArgs(['-h']).help).toBe(true)
    expect(parseArgs(['--version']).version).toBe(true)
    expect(parseArgs(['-v']).version).toBe(true)
    expect(parseArgs(['app.ts', '--help', '--port', 'x']).help).toBe(true)
  })

  it('rejects a value on a boolean flag', () => {
    expect(() => parseArgs(['--help=yes'])).toThrow(UsageError)
  })

  it('rejects unknown options, naming them', () => {
    expect(() => parseArgs(['app.ts', '--prot', '80'])).toThrow(/unknown option --prot/)
    expect(() => parseArgs(['app.ts', '--prot=80'])).toThrow(/unknown option --prot$/)
    expect(() => parseArgs(['app.ts', '-x', '80'])).toThrow(/unknown option -x/)
    expect(() => parseArgs(['app.ts', '-P', '80'])).toThrow(/unknown option -P/)
  })

  it('rejects a missing value, including one eaten by the next flag', () => {
    expect(() => parseArgs(['app.ts', '--port'])).toThrow(/needs a value/)
    expect(() => parseArgs(['app.ts', '--port', '--host', 'h'])).toThrow(/needs a value/)
  })

  it('takes --static, --static-prefix and --compress; --static alone is a file server', () => {
    expect(parseArgs(['app.ts', '--static', 'public', '--compress']).options).toEqual({ static: { dir: 'public' }, compression: true })
    const files = parseArgs(['--static', 'public', '--static-prefix', '/assets'])
    expect(files.appPath).toBe('')
    expect(files.options.static).toEqual({ dir: 'public', prefix: '/assets' })
    expect(() => parseArgs(['--static', 'public', '--static-prefix', 'assets'])).toThrow(/must start with \//)
    expect(() => parseArgs(['app.ts', '--static-prefix', '/assets'])).toThrow(/needs --static/)
    expect(() => parseArgs(['--static', ''])).toThrow(/must not be empty/)
    expect(() => parseArgs(['--static', 'public', '--watch'])).toThrow(/--watch needs an app/)
  })

  it('needs exactly one app path', () => {
    expect(() => parseArgs([])).toThrow(/missing the app module/)
    expect(() => parseArgs(['--port', '1'])).toThrow(/missing the app module/)
    expect(() => parseArgs(['a.ts', 'b.ts'])).toThrow(/one app module/)
  })
})

describe('parseArgs: running in a fleet', () => {
  it('takes --limit-concurrency, --max-connections, --shutdown-delay, --health-path and --otel', () => {
    const args = parseArgs(['app.ts', '--limit-concurrency', '100', '--max-connections=500', '--shutdown-delay', '5000', '--health-path', '/healthz', '--otel'])
    expect(args.options).toEqual({ maxConcurrentRequests: 100, maxConnections: 500, shutdownDelay: 5000, healthPath: '/healthz' })
    expect(args.otel).toBe(true)
    expect(() => parseArgs(['app.ts', '--limit-concurrency', '0'])).toThrow(/--limit-concurrency must be an integer from 1/)
    expect(() => parseArgs(['app.ts', '--max-connections', '0'])).toThrow(/--max-connections must be an integer from 1/)
    expect(parseArgs(['app.ts', '--shutdown-delay', '0']).options.shutdownDelay).toBe(0)
    expect(() => parseArgs(['app.ts', '--health-path', 'healthz'])).toThrow(/--health-path must be a path/)
    expect(() => parseArgs(['app.ts', '--health-path', '/h?x'])).toThrow(UsageError)
  })

  it('takes --fd N instead of an address, and not with --port, --host, --unix, --workers or --watch', () => {
    expect(parseArgs(['app.ts', '--fd', '3'], { PORT: '8080' }).options).toEqual({ fd: 3 })
    expect(() => parseArgs(['app.ts', '--fd', '3', '--port', '80'])).toThrow(/--fd cannot be combined/)
    expect(() => parseArgs(['app.ts', '--fd', '3', '--unix', '/tmp/s'])).toThrow(/--fd cannot be combined/)
    expect(() => parseArgs(['app.ts', '--fd', '3', '--workers', '2'])).toThrow(/--workers cannot serve an inherited socket/)
    expect(() => parseArgs(['app.ts', '--fd', '3', '--watch'])).toThrow(/--watch cannot/)
    expect(() => parseArgs(['app.ts', '--fd', 'x'])).toThrow(/--fd must be an integer/)
  })

  it('adopts fd 3 from systemd (LISTEN_FDS) when LISTEN_PID is this process', () => {
    const env = { LISTEN_FDS: '1', LISTEN_PID: '42', pid: 42, PORT: '8080' }
    expect(parseArgs(['app.ts'], env).options).toEqual({ fd: 3 })
    // Meant for another process (a parent that did not unset them): ignored.
    expect(parseArgs(['app.ts'], { ...env, pid: 43 }).options).toEqual({ port: 8080 })
    // An explicit address wins over the environment.
    expect(parseArgs(['app.ts', '--port', '9000'], env).options).toEqual({ port: 9000 })
    expect(parseArgs(['app.ts'], { ...env, LISTEN_FDS: '0' }).options).toEqual({ port: 8080 })
    expect(() => parseArgs(['app.ts'], { ...env, LISTEN_FDS: '2' })).toThrow(/LISTEN_FDS=2: portico serves one socket/)
  })
})

describe('parseArgs: HTTP/2', () => {
  it('leaves HTTP/2 at its default (on) when no flag is given', () => {
    expect(parseArgs(['app.ts']).options.http2).toBeUndefined()
  })

  it('turns it off with --no-http2, which takes no value', () => {
    expect(parseArgs(['app.ts', '--no-http2']).options).toEqual({ http2: false })
    expect(() => parseArgs(['app.ts', '--no-http2=1'])).toThrow(/^--no-http2 takes no value$/)
  })

  it('maps the h2 limit flags to options.http2, in both --flag v and --flag=v forms', () => {
    const args = parseArgs(['app.ts', '--h2-max-concurrent-streams', '50', '--h2-initial-window-size=65535', '--h2-max-header-list-size', '16384'])
    expect(args.options).toEqual({ http2: { maxConcurrentStreams: 50, initialWindowSize: 65535, maxHeaderListSize: 16384 } })
    expect(parseArgs(['app.ts', '--h2-max-concurrent-streams=1']).options.http2).toEqual({ maxConcurrentStreams: 1 })
  })

  // The CLI's ranges are the engine's: the largest each flag takes passes resolveHttp2Limits, one more fails both.
  it.each([
    ['h2-max-concurrent-streams', 'maxConcurrentStreams', 2 ** 32 - 1],
    ['h2-initial-window-size', 'initialWindowSize', 2 ** 31 - 1],
    ['h2-max-header-list-size', 'maxHeaderListSize', 2 ** 32 - 1],
  ] as const)('takes --%s from 0 to its HTTP/2 maximum, naming the flag otherwise', (flag, field, max) => {
    for (const value of [0, max]) {
      const http2 = parseArgs(['app.ts', `--${flag}`, String(value)]).options.http2 as Partial<Http2Limits>
      expect(http2).toEqual({ [field]: value })
      expect(resolveHttp2Limits(http2)[field]).toBe(value)
    }
    expect(() => resolveHttp2Limits({ [field]: max + 1 })).toThrow(RangeError)
    for (const text of [String(max + 1), '-1', '1.5', 'lots', '']) {
      expect(() => parseArgs(['app.ts', `--${flag}=${text}`])).toThrow(UsageError)
      expect(() => parseArgs(['app.ts', `--${flag}=${text}`])).toThrow(new RegExp(`^--${flag} must be an integer from 0 to ${max}, got "${text}"$`))
    }
  })

  it('refuses an h2 limit flag with --no-http2', () => {
    expect(() => parseArgs(['app.ts', '--no-http2', '--h2-initial-window-size', '65535']))
      .toThrow(/^--h2-initial-window-size cannot be combined with --no-http2$/)
  })
})

describe('formatUsage', () => {
  it('lists every flag with a description on one line', () => {
    const usage = formatUsage()
    for (const flag of FLAGS) {
      const line = usage.split('\n').find((l) => new RegExp(`^\\s+(-\\w, )?--${flag.name}\\b`).test(l))
      expect(line, flag.name).toBeDefined()
      expect(line).toContain(flag.description)
    }
  })
})
