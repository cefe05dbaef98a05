/**
 * Load errors as each runtime reports them (shapes captured from Node 20 + tsx, Deno 2.9 and
 * Bun 1.4), told one way: `file:line:col: Class: message`, then a code frame or the stack.
 * The end-to-end check on each runtime is in runtime-suite.ts.
 */
import { describe, expect, it } from 'vitest'
import { analyzeLoadError, formatLoadFailure } from '../../cli/load-error.ts'

const ESC = String.fromCharCode(27)

function error(name: string, message: string, stack: string | undefined, extra: Record<string, unknown> = {}): Error {
  const e = new Error(message)
  Object.defineProperty(e, 'name', { value: name })
  Object.defineProperty(e, 'stack', { value: stack })
  return Object.assign(e, extra)
}

describe('analyzeLoadError', () => {
  it('finds the throwing line in the stack (Node with tsx, Deno, Bun)', () => {
    const node = error('TypeError', "Cannot read properties of undefined (reading 'port')",
      "TypeError: Cannot read properties of undefined (reading 'port')\n    at <anonymous> (/app/lib.ts:2:28)\n    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)")
    const deno = error('TypeError', "Cannot read properties of undefined (reading 'port')",
      "TypeError: Cannot read properties of undefined (reading 'port')\n    at file:///app/lib.ts:2:28")
    const bun = error('TypeError', "undefined is not an object (evaluating 'config.port')",
      "TypeError: undefined is not an object (evaluating 'config.port')\n    at /app/lib.ts:2:21")
    for (const e of [node, deno, bun]) {
      const failure = analyzeLoadError(e)
      expect(failure.kind).toBe('thrown')
      expect(failure.location).toMatchObject({ file: '/app/lib.ts', line: 2 })
      expect(failure.message).toMatch(/^TypeError: /)
    }
  })

  it('skips the loaders\' own frames to find the user\'s', () => {
    const e = error('Error', 'boom', 'Error: boom\n    at x (/p/node_modules/tsx/dist/esm/index.mjs:1:2)\n    at /app/app.ts:7:9')
    expect(analyzeLoadError(e).location).toEqual({ file: '/app/app.ts', line: 7, column: 9 })
  })

  it('reads Bun\'s BuildMessage position (0-based column) and its AggregateError of several', () => {
    const build = { name: 'BuildMessage', message: 'Unexpected end of file', position: { file: '/app/broken.ts', line: 2, column: 38, lineText: '  fetch() {' } }
    const failure = analyzeLoadError(build)
    expect(failure).toMatchObject({ kind: 'syntax', message: 'SyntaxError: Unexpected end of file', location: { file: '/app/broken.ts', line: 2, column: 39 } })
    expect(analyzeLoadError({ errors: [build, build], message: 'x' }).location?.line).toBe(2)
  })

  it('reads Deno\'s syntax error (a TypeError with a code frame, code ERR_MODULE_NOT_FOUND)', () => {
    const message = "SyntaxError: Expected ',', got '<eof>'\n  |\n2 |   fetch() {\n  |             ~\n    at file:///app/broken.ts:2:37"
    const failure = analyzeLoadError(error('TypeError', message, `TypeError: ${message}\n    at async file:///cli/load-app.ts:1:1`, { code: 'ERR_MODULE_NOT_FOUND' }))
    expect(failure).toMatchObject({ kind: 'syntax', message: "SyntaxError: Expected ',', got '<eof>'", location: { file: '/app/broken.ts', line: 2, column: 37 } })
  })

  it('reads tsx\'s (esbuild) transform error', () => {
    const message = 'Transform failed with 1 error:\n/app/broken.ts:3:0: ERROR: Unexpected end of file'
    const failure = analyzeLoadError(error('TransformError', message, `TransformError: ${message}\n    at failureErrorWithLog (/p/node_modules/esbuild/lib/main.js:1752:15)`))
    expect(failure).toMatchObject({ kind: 'syntax', message: 'SyntaxError: Unexpected end of file', location: { file: '/app/broken.ts', line: 3, column: 1 } })
  })

  it('reads Node\'s own SyntaxError (a .js app) from the first stack line', () => {
    const stack = 'file:///app/app.mjs:2\nexport default {\n               ^\n\nSyntaxError: Unexpected end of input\n    at ModuleLoader.moduleStrategy (node:internal/modules/esm/translators:1:1)'
    expect(analyzeLoadError(error('SyntaxError', 'Unexpected end of input', stack))).toMatchObject({
      kind: 'syntax', location: { file: '/app/app.mjs', line: 2, column: undefined },
    })
  })

  it('strips Deno\'s colours from a module-not-found error and keeps its place', () => {
    const message = `Module not found "file:///app/nope.ts".\n    at ${ESC}[0m${ESC}[36mfile:///app/missing.ts${ESC}[0m:${ESC}[0m${ESC}[33m1${ESC}[0m:${ESC}[0m${ESC}[33m8${ESC}[0m`
    const failure = analyzeLoadError(error('TypeError', message, `TypeError: ${message}`, { code: 'ERR_MODULE_NOT_FOUND' }))
    expect(failure).toMatchObject({ kind: 'not-found', message: 'Error: Module not found "file:///app/nope.ts".', location: { file: '/app/missing.ts', line: 1, column: 8 } })
  })

  it('takes a thrown non-Error as it is', () => {
    expect(analyzeLoadError('just a string')).toMatchObject({ kind: 'thrown', message: 'thrown: just a string', location: undefined })
  })
})

describe('formatLoadFailure', () => {
  const thrown = analyzeLoadError(error('TypeError', 'bad', 'TypeError: bad\n    at <anonymous> (/app/lib.ts:2:28)\n    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)\n    at loadApp (/portico/cli/load-app.ts:30:11)'))

  it('heads with file:line relative to the working directory, then the user\'s frames', () => {
    const lines = formatLoadFailure(thrown, { appPath: 'app.ts', cwd: '/app', debug: false, internal: (path) => path.startsWith('/portico/') })
    expect(lines).toEqual(['cannot load app.ts: lib.ts:2:28: TypeError: bad', '    at <anonymous> (/app/lib.ts:2:28)'])
  })

  it('prints the source line and a caret for a syntax error, and no stack', () => {
    const failure = analyzeLoadError({ name: 'BuildMessage', message: 'Unexpected ;', position: { file: '/app/broken.ts', line: 12, column: 10 } })
    const lines = formatLoadFailure(failure, { appPath: 'broken.ts', cwd: '/elsewhere', debug: false, sourceLine: 'const x = ;' })
    expect(lines).toEqual([
      'cannot load broken.ts: /app/broken.ts:12:11: SyntaxError: Unexpected ;',
      '  12 | const x = ;',
      '     |           ^',
    ])
  })

  it('prints the runtime\'s whole text under --debug', () => {
    const lines = formatLoadFailure(thrown, { appPath: 'app.ts', cwd: '/app', debug: true })
    expect(lines[0]).toBe('cannot load app.ts: lib.ts:2:28: TypeError: bad')
    expect(lines.slice(1).join('\n')).toContain('node:internal/modules/esm/module_job')
  })
})
