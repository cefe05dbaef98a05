/** The supervisor suite on Deno: `deno run -A cli/main.ts` (reusePort child processes). */
import { join } from 'node:path'
import { defineSupervisorSuite, ROOT } from './suite.ts'

defineSupervisorSuite({ runtime: 'deno', command: join(ROOT, 'node_modules/.bin/deno'), args: ['run', '-A', 'cli/main.ts'] })
