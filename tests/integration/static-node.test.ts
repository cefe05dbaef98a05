/** The static suite against the static fixture on node. */
import { afterAll } from 'vitest'
import { fixtureLauncher } from './suite.ts'
import { defineStaticSuite, STATIC_FIXTURE } from './static-suite.ts'

const launcher = fixtureLauncher(process.execPath, ['--import', 'tsx', STATIC_FIXTURE])
afterAll(() => launcher.killAll())
defineStaticSuite({ runtime: 'node', start: launcher.start })
