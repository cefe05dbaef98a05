/** The static suite against the static fixture on bun. */
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { fixtureLauncher, ROOT } from './suite.ts'
import { defineStaticSuite, STATIC_FIXTURE } from './static-suite.ts'

const launcher = fixtureLauncher(join(ROOT, 'node_modules/.bin/bun'), ['run', STATIC_FIXTURE])
afterAll(() => launcher.killAll())
defineStaticSuite({ runtime: 'bun', start: launcher.start })
