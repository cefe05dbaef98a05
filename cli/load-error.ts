/**
 * Why an app module failed to load, told the same way on every runtime: one headline with the
 * place (`lib.ts:2:28: TypeError: …`), then the source line for a syntax error, or the stack
 * for an error the module threw. Each runtime reports the place its own way: Bun in
 * `error.position` (a BuildMessage), Deno in the message (`at file:///…:2:37`, with a code
 * frame), tsx/esbuild as `/path:3:0: ERROR: …`, Node's own SyntaxError in the first stack
 * line, and thrown errors in the first stack frame. Pure: the caller reads the source line.
 * @module
 */

/** A place in a file; `column` is 1-based, absent when the runtime does not say. */
export interface SourceLocation {
  file: string
  line: number
  column: number | undefined
}

/** A load failure, classified. */
export interface LoadFailure {
  /** The error's own message, first line only, with its class (`TypeError: …`). */
  message: string
  location: SourceLocation | undefined
  /** Syntax and resolution errors: the place says it all, a stack would only show the loader. */
  kind: 'syntax' | 'not-found' | 'thrown'
  /** Stack frames (`at …` lines) of a thrown error, oldest last. */
  frames: string[]
  /** The whole stack or message, for `--debug`. */
  raw: string
}

// Deno colours module-not-found messages. new RegExp: a literal ESC in a regex trips deno lint.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
// "at fn (/path/x.ts:2:28)", "at file:///path/x.ts:2:28", "at /path/x.ts:1:21"
const FRAME = /^\s*at\s+(?:[^(]*\()?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/

/** Classifies whatever an `import()` of the app rejected with. */
export function analyzeLoadError(error: unknown): LoadFailure {
  // Bun reports several syntax errors at once as an AggregateError of BuildMessages.
  const errors = (error as { errors?: unknown[] } | null)?.errors
  if (Array.isArray(errors) && errors.length > 0 && hasPosition(errors[0])) error = errors[0]
  if (!(error instanceof Error) && !hasPosition(error)) {
    const text = String(error)
    return { message: `thrown: ${text}`, location: undefined, kind: 'thrown', frames: [], raw: text }
  }
  const err = error as Error & { code?: unknown; position?: BunPosition | null }
  const name = err.name ?? 'Error'
  const fullMessage = String(err.message ?? '').replace(ANSI, '')
  const stack = typeof err.stack === 'string' ? err.stack.replace(ANSI, '') : ''
  const raw = stack !== '' && stack.includes(fullMessage.split('\n')[0]!) ? stack : `${name}: ${fullMessage}\n${stack}`.trim()

  // Bun: BuildMessage (syntax) and ResolveMessage (not found) carry a position.
  if (hasPosition(err) && err.position) {
    const { file, line, column } = err.position
    const kind = name === 'ResolveMessage' || err.code === 'ERR_MODULE_NOT_FOUND' ? 'not-found' : 'syntax'
    const label = kind === 'syntax' ? 'SyntaxError' : 'Error'
    return { message: `${label}: ${firstLine(fullMessage)}`, location: { file, line, column: column + 1 }, kind, frames: [], raw }
  }
  // Deno (code ERR_MODULE_NOT_FOUND, oddly): a TypeError whose message is "SyntaxError: …", a code frame, then "at file:///…:L:C".
  if (/^SyntaxError: /.test(fullMessage) || (name === 'SyntaxError' && deno(fullMessage) !== undefined)) {
    const message = fullMessage.startsWith('SyntaxError: ') ? firstLine(fullMessage) : `SyntaxError: ${firstLine(fullMessage)}`
    return { message, location: deno(fullMessage), kind: 'syntax', frames: [], raw }
  }
  if (name === 'ResolveMessage' || err.code === 'ERR_MODULE_NOT_FOUND' || /^Module not found\b/.test(fullMessage)) {
    const location = deno(fullMessage)
    return { message: `Error: ${firstLine(fullMessage)}`, location, kind: 'not-found', frames: [], raw }
  }
  // tsx (esbuild): "Transform failed with 1 error:\n/path/app.ts:3:0: ERROR: Unexpected end of file"
  const esbuild = /^(\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+):(\d+): ERROR: (.*)$/m.exec(fullMessage)
  if (name === 'TransformError' || esbuild !== null) {
    if (esbuild !== null) {
      const location = { file: esbuild[1]!, line: Number(esbuild[2]), column: Number(esbuild[3]) + 1 }
      return { message: `SyntaxError: ${esbuild[4]!}`, location, kind: 'syntax', frames: [], raw }
    }
    return { message: `SyntaxError: ${firstLine(fullMessage)}`, location: undefined, kind: 'syntax', frames: [], raw }
  }
  // Node's own SyntaxError (a .js app): the stack starts with "file:///path:LINE" and the line.
  if (name === 'SyntaxError') {
    const head = /^((?:file:\/\/)?\/[^\n]*):(\d+)\n/.exec(stack)
    const location = head === null ? undefined : { file: toPath(head[1]!), line: Number(head[2]), column: undefined }
    return { message: `SyntaxError: ${firstLine(fullMessage)}`, location, kind: 'syntax', frames: [], raw }
  }

  const frames = stack.split('\n').filter((line) => /^\s*at\s/.test(line)).map((line) => line.trim())
  let location: SourceLocation | undefined
  for (const frame of frames) {
    const match = FRAME.exec(frame)
    if (match === null || isInternal(match[1]!)) continue
    location = { file: toPath(match[1]!), line: Number(match[2]), column: Number(match[3]) }
    break
  }
  return { message: `${name}: ${firstLine(fullMessage)}`, location, kind: 'thrown', frames, raw }
}

/**
 * The lines to print: `headline` is `<where>: <message>`, then a code frame (syntax errors,
 * from `sourceLine`), or the stack frames outside Portico and the runtime (thrown errors).
 * `debug` prints the runtime's own full text instead.
 */
export function formatLoadFailure(
  failure: LoadFailure,
  context: { appPath: string; cwd: string; debug: boolean; sourceLine?: string | undefined; internal?: (path: string) => boolean },
): string[] {
  const where = failure.location === undefined ? '' : `${formatLocation(failure.location, context.cwd)}: `
  const lines = [`cannot load ${context.appPath}: ${where}${failure.message}`]
  if (context.debug) return [...lines, ...failure.raw.split('\n').map((line) => `  ${line}`)]
  if (failure.kind === 'syntax' && failure.location !== undefined && context.sourceLine !== undefined) {
    const { line, column } = failure.location
    const text = context.sourceLine.replace(/\t/g, ' ').trimEnd()
    const gutter = String(line).length
    lines.push(`  ${line} | ${text}`)
    if (column !== undefined) lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, Math.min(column - 1, text.length)))}^`)
  } else if (failure.kind === 'thrown') {
    const internal = context.internal ?? (() => false)
    for (const frame of failure.frames) {
      const match = FRAME.exec(frame)
      if (match !== null && (isInternal(match[1]!) || internal(toPath(match[1]!)))) continue
      if (match === null && /\b(node:internal|native|ext:)/.test(frame)) continue
      lines.push(`    ${frame}`)
    }
  }
  return lines
}

/** `file:line:column`, relative to `cwd` when the file is under it. */
export function formatLocation(location: SourceLocation, cwd: string): string {
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`
  const file = location.file.startsWith(base) ? location.file.slice(base.length) : location.file
  return `${file}:${location.line}${location.column === undefined ? '' : `:${location.column}`}`
}

interface BunPosition {
  file: string
  line: number
  column: number
}

function hasPosition(value: unknown): value is { position: BunPosition } {
  const position = (value as { position?: Partial<BunPosition> } | null)?.position
  return typeof position === 'object' && position !== null && typeof position.file === 'string' && typeof position.line === 'number'
}

function deno(message: string): SourceLocation | undefined {
  const match = /\bat (file:\/\/\/[^\s]*?):(\d+):(\d+)\s*$/m.exec(message)
  return match === null ? undefined : { file: toPath(match[1]!), line: Number(match[2]), column: Number(match[3]) }
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? ''
}

function toPath(fileOrUrl: string): string {
  if (!fileOrUrl.startsWith('file://')) return fileOrUrl
  try {
    return decodeURIComponent(new URL(fileOrUrl).pathname)
  } catch {
    return fileOrUrl
  }
}

/** The runtime's and the loaders' own frames, never the user's. */
function isInternal(path: string): boolean {
  return /\/node_modules\/(tsx|esbuild)\//.test(path)
}
