/** The CLI suite (runtime-suite.ts) on Node: `node bin/portico.mjs`, as npm users run it. */
import { join } from 'node:path'
import { defineCliSuite, ROOT } from './runtime-suite.ts'

defineCliSuite({ runtime: 'node', command: process.execPath, args: [join(ROOT, 'bin/portico.mjs')] })
