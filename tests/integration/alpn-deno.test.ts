/** The ALPN suite against the fixture on Deno. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { defineAlpnSuite } from './alpn-suite.ts'
import { FIXTURE, fixtureLauncher, ROOT } from './suite.ts'

const binary = join(ROOT, 'node_modules/.bin/deno')
const launcher = fixtureLauncher(binary, ['run', '-A', FIXTURE])
afterAll(() => launcher.killAll())

defineAlpnSuite({
  runtime: 'deno',
  start: launcher.start,
  skip: existsSync(binary) ? undefined : `${binary} does not exist`,
  // README, Runtime differences: the close waits for the handshake (denoland/deno#14547).
  stalledHandshakeStaysOpen: 'Deno.TlsConn.close() waits for the handshake to finish',
})
