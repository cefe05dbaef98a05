/** The CLI suite (runtime-suite.ts) on Deno: `deno run -A cli/main.ts` from this checkout. */
import { join } from 'node:path'
import { defineCliSuite, ROOT } from './runtime-suite.ts'

defineCliSuite({ runtime: 'deno', command: join(ROOT, 'node_modules/.bin/deno'), args: ['run', '-A', join(ROOT, 'cli/main.ts')] })
