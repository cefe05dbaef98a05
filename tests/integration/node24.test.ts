/**
 * The shared suite against the fixture on Node.js 24, the current LTS, while vitest itself
 * runs on the machine's Node (20). The binary comes from the npm package `node`, installed in
 * a project of its own (`npm ci --prefix .ci/node24`, which .ci/run does) so that its bin
 * never shadows the machine's node in npm scripts. Node 24 strips TypeScript types natively
 * (`process.features.typescript` is 'strip'), but tsx is kept so every Node run is the same.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineServerSuite, FIXTURE, fixtureLauncher, ROOT } from './suite.ts'

const binary = join(ROOT, '.ci/node24/node_modules/node/bin/node')
const launcher = fixtureLauncher(binary, ['--import', 'tsx', FIXTURE])
afterAll(() => launcher.killAll())

const skip = existsSync(binary) ? undefined : `${binary} does not exist (run: npm ci --prefix .ci/node24)`
describe('Node.js 24', () => {
  it.skipIf(skip !== undefined)('is the binary the suite runs on', () => {
    expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./)
  })
  defineServerSuite({ runtime: 'node', start: launcher.start, skip })
})
