/** The ALPN suite against the fixture on Bun. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { defineAlpnSuite } from './alpn-suite.ts'
import { FIXTURE, fixtureLauncher, ROOT } from './suite.ts'

const binary = join(ROOT, 'node_modules/.bin/bun')
const launcher = fixtureLauncher(binary, ['run', FIXTURE])
afterAll(() => launcher.killAll())

defineAlpnSuite({ runtime: 'bun', start: launcher.start, skip: existsSync(binary) ? undefined : `${binary} does not exist` })
