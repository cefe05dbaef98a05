// core/ must run unchanged on any runtime: no node:* imports, no runtime globals, no
// ambient clock or timers (they come in as parameters). tsconfig.core.json enforces the
// types; this scan catches what types alone would allow (e.g. globalThis.Deno sniffing).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CORE = join(import.meta.dirname, '../../core')
const FORBIDDEN: [string, RegExp][] = [
  ['node: or bare module import', /from\s+['"](?!\.\/)[^'"]+['"]/],
  ['require()', /\brequire\(/],
  ['Deno global', /\bDeno\b/],
  ['Bun global', /\bBun\b/],
  ['process global', /\bprocess\./],
  ['Buffer', /\bBuffer\b/],
  ['timer global', /(?<![.\w])(setTimeout|setInterval|setImmediate)\((?!\s*\w+\??:)/],
  ['ambient clock', /\b(Date\.now|performance\.now)\(/],
  ['console', /\bconsole\./],
]

/** The file's code with comments removed, so prose may name what code must not use. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
}

describe('core/ is runtime-free', () => {
  for (const file of readdirSync(CORE).filter((f) => f.endsWith('.ts'))) {
    it(file, () => {
      const text = code(readFileSync(join(CORE, file), 'utf8'))
      const hits = FORBIDDEN.filter(([, pattern]) => pattern.test(text)).map(([name]) => name)
      expect(hits).toEqual([])
    })
  }
})
