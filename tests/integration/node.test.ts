/** The shared suite against the fixture on Node.js (TypeScript through tsx). */
import { afterAll } from 'vitest'
import { defineServerSuite, FIXTURE, fixtureLauncher } from './suite.ts'

const launcher = fixtureLauncher(process.execPath, ['--import', 'tsx', FIXTURE])
afterAll(() => launcher.killAll())

defineServerSuite({ runtime: 'node', start: launcher.start })
