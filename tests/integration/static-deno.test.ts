/** The static suite against the static fixture on deno. */
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { fixtureLauncher, ROOT } from './suite.ts'
import { defineStaticSuite, STATIC_FIXTURE } from './static-suite.ts'

const launcher = fixtureLauncher(join(ROOT, 'node_modules/.bin/deno'), ['run', '-A', STATIC_FIXTURE])
afterAll(() => launcher.killAll())
defineStaticSuite({ runtime: 'deno', start: launcher.start })
