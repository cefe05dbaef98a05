/** The supervisor suite on Node: `node bin/portico.mjs` (node:cluster workers). */
import { defineSupervisorSuite } from './suite.ts'

defineSupervisorSuite({ runtime: 'node', command: process.execPath, args: ['bin/portico.mjs'] })
