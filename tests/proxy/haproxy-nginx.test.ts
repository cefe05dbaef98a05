/**
 * Portico behind real proxies, all on loopback: haproxy in TCP mode sending PROXY v1
 * (`send-proxy`) and v2 (`send-proxy-v2` with CRC32C and unique-id TLVs), and nginx
 * sending X-Forwarded-For/-Proto/-Host. Configs are generated into a temp dir; every
 * process is started here, killed by PID in afterAll, and every wait is bounded.
 *
 * Clients connect from 127.0.0.2 (Linux routes all of 127/8 to loopback) so that the
 * client's address differs from the proxies' 127.0.0.1, and the assertions can tell them apart.
 *
 * Nothing is installed here: without the binaries the suites skip and say why (`.ci/run`
 * installs them). Two groups:
 * - "proxies": haproxy's headers, captured by a raw TCP server, parse with our parser, and
 *   nginx forwards to Portico with the headers we expect. Runs today.
 * - "end-to-end": Portico itself resolves the client. Skipped until `WIRED` is flipped.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Server, ServeInfo } from '../../core/server/options.ts'
import { parseProxyHeader, type ProxyInfo } from '../../core/proxy/proxy-protocol.ts'
import { serve } from '../../runtimes/node.ts'

/** Flip once serve-connection.ts reads `proxyProtocol` and `trustProxy` (issue 7). */
const WIRED = true
const AWAITING = 'awaiting wiring in serve-connection'

const CLIENT_ADDRESS = '127.0.0.2'
const START_TIMEOUT_MS = 5000

function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']
  for (const dir of dirs) {
    const path = join(dir, name)
    if (dir !== '' && existsSync(path)) return path
  }
  return null
}

const HAPROXY = findBinary('haproxy')
const NGINX = findBinary('nginx')

/** Can we bind a client socket to 127.0.0.2 (Linux yes, macOS not without an alias)? */
async function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(0, address, () => server.close(() => resolve(true)))
  })
}
const HAVE_CLIENT_ADDRESS = await canBind(CLIENT_ADDRESS)
const HAVE_IPV6 = await canBind('::1')

function skipReason(binary: string | null, name: string): string {
  if (binary === null) return ` (skipped: no ${name} binary; apt-get install ${name})`
  if (!HAVE_CLIENT_ADDRESS) return ` (skipped: cannot bind ${CLIENT_ADDRESS})`
  return ''
}

/** A free TCP port on `host` (closed again; the proxy binds it right after). */
async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `host:port` accepts connections; rejects after `timeoutMs` or if `child` exits. */
async function waitForPort(host: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`${host}:${port} not listening after ${START_TIMEOUT_MS} ms: ${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const children: ChildProcess[] = []
const servers: Server[] = []
const tempDirs: string[] = []

/** Starts a proxy process; resolves once every listed port accepts connections. */
async function startProcess(binary: string, args: string[], listens: [string, number][]): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  for (const [host, port] of listens) await waitForPort(host, port, child, () => output)
  return child
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-proxy-'))
  tempDirs.push(dir)
  return dir
}

afterAll(async () => {
  await Promise.all(children.map(stopProcess))
  await Promise.all(servers.map((s) => s.close({ force: true })))
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

/** What the echo app answers. */
interface Echo {
  url: string
  remoteAddress: string | undefined
  remotePort: number | undefined
  headers: Record<string, string>
}

function echoApp(request: Request, info: ServeInfo): Response {
  return Response.json({
    url: request.url,
    remoteAddress: info.remoteAddress,
    remotePort: info.remotePort,
    headers: Object.fromEntries(request.headers),
  } satisfies Echo)
}

async function startPortico(options: { proxyProtocol?: boolean; trustProxy?: string[] }): Promise<Server> {
  const server = serve(echoApp, { port: 0, hostname: '127.0.0.1', onListen: () => {}, ...options })
  servers.push(server)
  return server.ready()
}

/** One GET from `localAddress`; resolves with status, body and the client's own port. */
function get(
  host: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
  localAddress = CLIENT_ADDRESS,
): Promise<{ status: number; body: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port, path, headers, localAddress, agent: false, timeout: 5000 }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (d: string) => (body += d))
      response.on('end', () => resolve({ status: response.statusCode!, body, localPort }))
    })
    let localPort = 0
    request.on('socket', (socket) => socket.on('connect', () => (localPort = socket.localPort!)))
    request.on('timeout', () => request.destroy(new Error('request timed out')))
    request.on('error', reject)
    request.end()
  })
}

/**
 * A raw TCP server standing in for Portico: once a connection has sent a complete PROXY
 * header and a request head, it records both and answers 200. (haproxy also opens backend
 * connections for our readiness probes; those never send a request and are not recorded.)
 */
async function startCapture(): Promise<{ port: number; received: Captured[] }> {
  const received: Captured[] = []
  const server = net.createServer((socket) => {
    let data = new Uint8Array(0)
    socket.on('data', (chunk: Buffer) => {
      data = new Uint8Array(Buffer.concat([data, chunk]))
      let result
      try {
        result = parseProxyHeader(data)
      } catch (error) {
        socket.destroy()
        received.push({ error })
        return
      }
      if (!result.done) return
      const rest = new TextDecoder().decode(data.subarray(result.consumed))
      if (!rest.includes('\r\n\r\n')) return
      received.push({ info: result.info, rest })
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok')
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push({ close: () => new Promise<void>((r) => server.close(() => r())) } as Server)
  return { port: (server.address() as net.AddressInfo).port, received }
}

type Captured = { info: ProxyInfo; rest: string } | { error: unknown }

function haproxyConfig(frontends: { bind: string; backend: string; server: string }[]): string {
  const lines = [
    'global', '  maxconn 64', '', 'defaults', '  mode tcp', '  timeout connect 2s', '  timeout client 10s',
    '  timeout server 10s', '',
  ]
  frontends.forEach((f, i) => {
    lines.push(`frontend f${i}`, `  bind ${f.bind}`, `  default_backend b${i}`, '')
    lines.push(`backend b${i}`, `  server s${i} ${f.backend} ${f.server}`, '')
  })
  return lines.join('\n')
}

/** Starts haproxy with one frontend per entry; returns the frontend ports in order. */
async function startHaproxy(entries: { host: string; backendPort: number; server: string }[]): Promise<number[]> {
  const dir = tempDir()
  const ports: number[] = []
  for (const e of entries) ports.push(await freePort(e.host))
  const config = haproxyConfig(entries.map((e, i) => ({
    bind: e.host.includes(':') ? `[${e.host}]:${ports[i]}` : `${e.host}:${ports[i]}`,
    backend: `127.0.0.1:${e.backendPort}`,
    server: e.server,
  })))
  writeFileSync(join(dir, 'haproxy.cfg'), config)
  // -db: foreground, no daemon, so that the PID we hold is haproxy itself.
  await startProcess(HAPROXY!, ['-db', '-f', join(dir, 'haproxy.cfg')], entries.map((e, i) => [e.host, ports[i]!]))
  return ports
}

/** Starts nginx (single process, foreground, everything under a temp dir) in front of `backendPort`. */
async function startNginx(backendPort: number): Promise<number> {
  const dir = tempDir()
  const port = await freePort()
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${backendPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`
  writeFileSync(join(dir, 'nginx.conf'), config)
  // -e: the startup error log, before the config is read (the default path needs root).
  await startProcess(NGINX!, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')], [['127.0.0.1', port]])
  return port
}

describe.skipIf(HAPROXY === null || !HAVE_CLIENT_ADDRESS)(`haproxy: PROXY headers from a real sender${skipReason(HAPROXY, 'haproxy')}`, () => {
  let capture: { port: number; received: Captured[] }
  let v1Port: number
  let v2Port: number
  let v6Port: number | undefined

  beforeAll(async () => {
    capture = await startCapture()
    const entries = [
      { host: '127.0.0.1', backendPort: capture.port, server: 'send-proxy' },
      { host: '127.0.0.1', backendPort: capture.port, server: 'send-proxy-v2 proxy-v2-options crc32c,unique-id' },
    ]
    if (HAVE_IPV6) entries.push({ host: '::1', backendPort: capture.port, server: 'send-proxy-v2 proxy-v2-options crc32c' })
    const ports = await startHaproxy(entries)
    v1Port = ports[0]!
    v2Port = ports[1]!
    v6Port = ports[2]
  })

  /** Sends one request through `port`; returns the header haproxy sent for it and the bytes after it. */
  async function through(host: string, port: number, localAddress: string) {
    const response = await get(host, port, '/echo?x=1', { host: 'shop.example' }, localAddress)
    expect(response.status).toBe(200)
    for (const c of capture.received) expect('error' in c ? c.error : null).toBeNull()
    const match = capture.received.find((c) => 'info' in c && c.info.proxied && c.info.source.port === response.localPort)
    if (match === undefined || !('info' in match)) throw new Error(`no PROXY header for client port ${response.localPort}`)
    return { info: match.info, rest: match.rest, localPort: response.localPort }
  }

  it('send-proxy: a v1 line with the client address, then the request', async () => {
    const { info, rest, localPort } = await through('127.0.0.1', v1Port, CLIENT_ADDRESS)
    expect(info).toMatchObject({ version: 1, proxied: true, family: 'ipv4', source: { address: CLIENT_ADDRESS, port: localPort } })
    expect(info.proxied && info.destination).toEqual({ address: '127.0.0.1', port: v1Port })
    expect(rest).toMatch(/^GET \/echo\?x=1 HTTP\/1\.1\r\n/)
  })

  it('send-proxy-v2: binary header with a valid CRC32C and a unique-id TLV', async () => {
    const { info, rest, localPort } = await through('127.0.0.1', v2Port, CLIENT_ADDRESS)
    expect(info).toMatchObject({ version: 2, proxied: true, family: 'ipv4', source: { address: CLIENT_ADDRESS, port: localPort } })
    expect(info.tlvs.map((t) => t.type)).toContain(0x03)
    expect(info.uniqueId).toBeInstanceOf(Uint8Array)
    expect(rest).toMatch(/^GET \/echo\?x=1 HTTP\/1\.1\r\n/)
  })

  it.skipIf(!HAVE_IPV6)('send-proxy-v2 over IPv6', async () => {
    const { info, localPort } = await through('::1', v6Port!, '::1')
    expect(info).toMatchObject({ version: 2, family: 'ipv6', source: { address: '::1', port: localPort } })
  })
})

describe.skipIf(NGINX === null || !HAVE_CLIENT_ADDRESS)(`nginx: X-Forwarded-* into Portico${skipReason(NGINX, 'nginx')}`, () => {
  let nginxPort: number

  beforeAll(async () => {
    const portico = await startPortico({ trustProxy: ['127.0.0.1'] })
    nginxPort = await startNginx((portico.address as { port: number }).port)
  })

  it('proxies with the headers the resolver reads', async () => {
    const response = await get('127.0.0.1', nginxPort, '/echo', { host: 'shop.example', 'x-forwarded-for': '6.6.6.6' })
    expect(response.status).toBe(200)
    const echo = JSON.parse(response.body) as Echo
    expect(echo.headers['x-forwarded-for']).toBe(`6.6.6.6, ${CLIENT_ADDRESS}`)
    expect(echo.headers['x-forwarded-proto']).toBe('http')
    expect(echo.headers['x-forwarded-host']).toBe('shop.example')
    expect(echo.remoteAddress).toBe(WIRED ? CLIENT_ADDRESS : '127.0.0.1')
  })
})

const canRunEndToEnd = WIRED && HAPROXY !== null && NGINX !== null && HAVE_CLIENT_ADDRESS
const endToEndReason = !WIRED ? AWAITING : HAPROXY === null || NGINX === null ? 'haproxy or nginx missing' : `cannot bind ${CLIENT_ADDRESS}`

describe.skipIf(!canRunEndToEnd)(`end-to-end client resolution${canRunEndToEnd ? '' : ` (skipped: ${endToEndReason})`}`, () => {
  let proxied: Server
  let forwarded: Server
  let v1Port: number
  let v2Port: number
  let v6Port: number | undefined
  let nginxPort: number
  const portOf = (server: Server): number => (server.address as { port: number }).port

  beforeAll(async () => {
    proxied = await startPortico({ proxyProtocol: true, trustProxy: ['127.0.0.1'] })
    forwarded = await startPortico({ trustProxy: ['127.0.0.1'] })
    const entries = [
      { host: '127.0.0.1', backendPort: portOf(proxied), server: 'send-proxy' },
      { host: '127.0.0.1', backendPort: portOf(proxied), server: 'send-proxy-v2 proxy-v2-options crc32c,unique-id' },
    ]
    if (HAVE_IPV6) entries.push({ host: '::1', backendPort: portOf(proxied), server: 'send-proxy-v2' })
    const ports = await startHaproxy(entries)
    v1Port = ports[0]!
    v2Port = ports[1]!
    v6Port = ports[2]
    nginxPort = await startNginx(portOf(forwarded))
  })

  async function echo(host: string, port: number, headers: Record<string, string> = {}, localAddress = CLIENT_ADDRESS) {
    const response = await get(host, port, '/echo?q=1', headers, localAddress)
    expect(response.status, response.body).toBe(200)
    return { ...(JSON.parse(response.body) as Echo), localPort: response.localPort }
  }

  it('haproxy send-proxy (v1): remoteAddress is the client', async () => {
    const e = await echo('127.0.0.1', v1Port, { host: 'shop.example' })
    expect(e).toMatchObject({ remoteAddress: CLIENT_ADDRESS, remotePort: e.localPort, url: 'http://shop.example/echo?q=1' })
  })

  it('haproxy send-proxy-v2: remoteAddress is the client', async () => {
    const e = await echo('127.0.0.1', v2Port, { host: 'shop.example' })
    expect(e).toMatchObject({ remoteAddress: CLIENT_ADDRESS, remotePort: e.localPort })
  })

  it.skipIf(!HAVE_IPV6)('haproxy send-proxy-v2 over IPv6', async () => {
    const e = await echo('::1', v6Port!, {}, '::1')
    expect(e).toMatchObject({ remoteAddress: '::1', remotePort: e.localPort })
  })

  it('a PROXY header from an untrusted peer is refused', async () => {
    const reply = await rawExchange(portOf(proxied), `PROXY TCP4 6.6.6.6 127.0.0.1 1 2\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n`)
    expect(reply).not.toMatch(/^HTTP\/1\.1 200/)
  })

  it('a trusted peer without a PROXY header is refused', async () => {
    const reply = await rawExchange(portOf(proxied), 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', '127.0.0.1')
    expect(reply).not.toMatch(/^HTTP\/1\.1 200/)
  })

  it('nginx: client address, proto and host from X-Forwarded-*, spoofing ignored', async () => {
    const e = await echo('127.0.0.1', nginxPort, { host: 'shop.example', 'x-forwarded-for': '6.6.6.6' })
    expect(e.remoteAddress).toBe(CLIENT_ADDRESS)
    expect(e.url).toBe('http://shop.example/echo?q=1')
  })

  it('headers from an untrusted peer are ignored entirely', async () => {
    const e = await echo('127.0.0.1', portOf(forwarded), {
      host: 'real.example', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example',
    })
    expect(e).toMatchObject({ remoteAddress: CLIENT_ADDRESS, url: 'http://real.example/echo?q=1' })
  })
})

/** Writes `text` from `localAddress` and collects the reply until the server closes (bounded). */
function rawExchange(port: number, text: string, localAddress = CLIENT_ADDRESS): Promise<string> {
  return new Promise((resolve) => {
    let reply = ''
    const socket = net.connect({ host: '127.0.0.1', port, localAddress }, () => socket.write(text))
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => (reply += d))
    socket.on('close', () => resolve(reply))
    socket.on('error', () => {})
    socket.setTimeout(3000, () => socket.destroy())
  })
}
