/** The shared suite against the fixture on Bun. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { defineServerSuite, FIXTURE, fixtureLauncher, ROOT } from './suite.ts'

const binary = join(ROOT, 'node_modules/.bin/bun')
const launcher = fixtureLauncher(binary, ['run', FIXTURE])
afterAll(() => launcher.killAll())

const missing = [binary, join(ROOT, 'runtimes/bun.ts')].find((file) => !existsSync(file))
defineServerSuite({ runtime: 'bun', start: launcher.start, skip: missing && `${missing} does not exist` })
