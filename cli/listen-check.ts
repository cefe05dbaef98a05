/**
 * Listen failures in words, the same on every runtime. Each runtime words them its own way
 * (Node: `listen EADDRINUSE: address already in use 0.0.0.0:8000`, Deno: `AddrInUse: Address
 * already in use (os error 98)`, Bun: `Failed to listen at 0.0.0.0` for a taken port and for
 * port 80 alike), so the CLI names the address and the reason itself, and asks the kernel
 * with a probe (`checkPort`) when the error does not say.
 *
 * The probe is also how `--workers` refuses a taken port: Deno and Bun workers bind with
 * SO_REUSEPORT, which would let them join another program's listener of the same user and
 * split its traffic. A probe without SO_REUSEPORT fails on any listener, reusePort or not.
 * @module
 */
import net from 'node:net'

/** Where the CLI was asked to listen. */
export type ListenTarget = { hostname: string; port: number } | { unix: string }

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use by another program',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
}

// Deno's error classes for the same errno values.
const DENO_NAMES: Readonly<Record<string, string>> = {
  AddrInUse: 'EADDRINUSE',
  PermissionDenied: 'EACCES',
  AddrNotAvailable: 'EADDRNOTAVAIL',
}

/** `127.0.0.1:8000`, `[::1]:8000`, or the socket path. */
export function formatTarget(target: ListenTarget): string {
  if ('unix' in target) return target.unix
  return `${target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname}:${target.port}`
}

/**
 * Binds `hostname:port` without SO_REUSEPORT and lets go at once. Resolves `undefined` when
 * the port is free, else the error's code (`EADDRINUSE`, `EACCES`, …) or message.
 */
export function checkPort(hostname: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    probe.listen({ host: hostname, port, exclusive: true }, () => probe.close(() => resolve(undefined)))
  })
}

/** One line for a port the probe refused: `cannot listen on 0.0.0.0:8000: the port is in use … (EADDRINUSE)`. */
export function describeRefusal(target: ListenTarget, code: string): string {
  const reason = REASONS[code]
  return `cannot listen on ${formatTarget(target)}: ${reason === undefined ? code : `${reason} (${code})`}`
}

/** One line for an error a driver's listen failed with; probes the port if the error has no code. */
export async function describeListenError(error: unknown, target: ListenTarget): Promise<string> {
  const err = error as { code?: unknown; name?: unknown; message?: unknown } | null
  const message = String(err?.message ?? error).split('\n').map((line) => line.trim()).filter(Boolean).join(' ')
  // Node and Bun (OpenSSL, BoringSSL) and Deno (rustls) word it differently.
  if (/key.?values.?mismatch|KeyMismatch/i.test(message)) {
    return `cannot serve TLS on ${formatTarget(target)}: the --tls-key file is not the private key of the --tls-cert certificate (${message})`
  }
  let code = typeof err?.code === 'string' ? err.code : DENO_NAMES[String(err?.name)]
  if (code === 'EADDRINUSE' && 'unix' in target) {
    return `cannot listen on ${target.unix}: the socket file exists (another server, or a stale file to remove) (EADDRINUSE)`
  }
  if (code === undefined && !('unix' in target) && String(err?.name) !== 'NotCapable') {
    // Bun says only "Failed to listen at <host>": ask the kernel why.
    const probed = await checkPort(target.hostname, target.port)
    if (probed !== undefined && REASONS[probed] !== undefined) code = probed
  }
  if (code !== undefined && REASONS[code] !== undefined) return describeRefusal(target, code)
  return `cannot listen on ${formatTarget(target)}: ${message}`
}
