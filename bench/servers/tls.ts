/**
 * The HTTPS setting of the benchmark servers: with `BENCH_TLS=1` they serve TLS with the
 * integration tests' self-signed certificate (tests/integration/certs), so that `h2load`
 * over https:// negotiates `h2` through ALPN; without it they listen in clear text.
 * @module
 */
import { readFileSync } from 'node:fs'

/** PEM certificate and key when `env.BENCH_TLS` is `1`, else undefined (plain TCP). */
export function benchTls(env: Record<string, string | undefined>): { cert: string; key: string } | undefined {
  if (env.BENCH_TLS !== '1') return undefined
  const certs = new URL('../../tests/integration/certs/', import.meta.url)
  return { cert: readFileSync(new URL('cert.pem', certs), 'utf8'), key: readFileSync(new URL('key.pem', certs), 'utf8') }
}
