/** The supervisor suite on Bun: `bun cli/main.ts` (reusePort child processes). */
import { join } from 'node:path'
import { defineSupervisorSuite, ROOT } from './suite.ts'

defineSupervisorSuite({ runtime: 'bun', command: join(ROOT, 'node_modules/.bin/bun'), args: ['cli/main.ts'] })
