/** The shared suite against the fixture on Deno. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { defineServerSuite, FIXTURE, fixtureLauncher, ROOT } from './suite.ts'

const binary = join(ROOT, 'node_modules/.bin/deno')
const launcher = fixtureLauncher(binary, ['run', '-A', FIXTURE])
afterAll(() => launcher.killAll())

const missing = [binary, join(ROOT, 'runtimes/deno.ts')].find((file) => !existsSync(file))
defineServerSuite({ runtime: 'deno', start: launcher.start, skip: missing && `${missing} does not exist` })
