/** The ALPN suite against the fixture on Node.js (TypeScript through tsx). */
import { afterAll } from 'vitest'
import { defineAlpnSuite } from './alpn-suite.ts'
import { FIXTURE, fixtureLauncher } from './suite.ts'

const launcher = fixtureLauncher(process.execPath, ['--import', 'tsx', FIXTURE])
afterAll(() => launcher.killAll())

defineAlpnSuite({ runtime: 'node', start: launcher.start })
