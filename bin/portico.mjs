#!/usr/bin/env node
// The `portico` command for npm users. Node 20 cannot run TypeScript, so register tsx's
// loader first: the CLI (cli/main.ts) and the user's app.ts then load without a build step.
// Both hooks are needed: an app.ts outside a "type": "module" package is CommonJS to Node,
// and without the require hook Node fails it with "Cannot require() ES Module … in a cycle".
// Deno and Bun run cli/main.ts directly and never come here.
import { register as registerRequire } from 'tsx/cjs/api'
import { register as registerImport } from 'tsx/esm/api'

registerRequire()
registerImport()
await import('../cli/main.ts')
