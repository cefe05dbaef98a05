/** The CLI suite (runtime-suite.ts) on Bun: `bun cli/main.ts` from this checkout. */
import { join } from 'node:path'
import { defineCliSuite, ROOT } from './runtime-suite.ts'

defineCliSuite({ runtime: 'bun', command: join(ROOT, 'node_modules/.bin/bun'), args: [join(ROOT, 'cli/main.ts')] })
