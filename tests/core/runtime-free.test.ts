// core/ and testing/ must run unchanged on any runtime: no node:* imports, no runtime
// globals, no ambient clock or timers (they come in as parameters). tsconfig.core.json
// enforces the types; this scan catches what types alone would allow (globalThis.Deno
// sniffing, say), in every file of every subfolder.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const FOLDERS = ['core', 'testing']
const FORBIDDEN: [string, RegExp][] = [
  ['node: or bare module import', /from\s+['"](?!\.\.?\/)[^'"]+['"]/],
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

function tsFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f))
}

describe('core/ and testing/ are runtime-free', () => {
  const files = FOLDERS.flatMap((folder) => tsFiles(join(ROOT, folder)))
  it('finds the files of every layer', () => {
    for (const layer of ['core/http1/', 'core/fetch/', 'core/server/', 'core/proxy/', 'core/static/', 'testing/']) {
      expect(files.some((f) => relative(ROOT, f).startsWith(layer))).toBe(true)
    }
  })
  for (const file of files) {
    it(relative(ROOT, file), () => {
      const text = code(readFileSync(file, 'utf8'))
      // settle() in portico/testing yields real macrotask turns: MessageChannel, or
      // setTimeout(0) where there is none. Its clock is virtual all the same.
      const allowed = relative(ROOT, file).startsWith('testing/') ? ['timer global'] : []
      const hits = FORBIDDEN.filter(([name, pattern]) => !allowed.includes(name) && pattern.test(text)).map(([name]) => name)
      expect(hits).toEqual([])
    })
  }
  // core/ is written against the standard, not a runtime: even its comments describe APIs by
  // their shape, so that nothing in it reads as tied to one runtime.
  it('core/ names no runtime, even in comments', () => {
    const named = files
      .filter((f) => relative(ROOT, f).startsWith('core/'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => [`${relative(ROOT, f)}:${i + 1}`, line] as const))
      .filter(([, line]) => /\b(Bun|Deno|Node)\b|\bnode:[a-z]/.test(line))
      .map(([where]) => where)
    expect(named).toEqual([])
  })
})

// The bytes walk one way (../shared/TREE.md): protocol engines know no fetch objects and no
// server; fetch/ never learns which protocol carried a request; http/ is below them all;
// static/ (files as a fetch handler) sits on fetch/ and knows no protocol and no server.
const MAY_NOT_IMPORT: Record<string, string[]> = {
  http: ['http1', 'ws', 'http2', 'fetch', 'proxy', 'server'],
  http1: ['ws', 'http2', 'fetch', 'proxy', 'server'],
  ws: ['http1', 'http2', 'fetch', 'proxy', 'server'],
  http2: ['http1', 'ws', 'fetch', 'proxy', 'server'],
  fetch: ['http1', 'ws', 'http2', 'proxy', 'server'],
  proxy: ['ws', 'http2', 'fetch', 'server'],
  static: ['http1', 'ws', 'http2', 'proxy', 'server'],
}

describe('core/ layers import downwards only', () => {
  for (const [layer, forbidden] of Object.entries(MAY_NOT_IMPORT)) {
    let files: string[] = []
    try {
      files = tsFiles(join(ROOT, 'core', layer))
    } catch {
      continue // a layer not written yet
    }
    for (const file of files) {
      it(relative(ROOT, file), () => {
        const imports = [...code(readFileSync(file, 'utf8')).matchAll(/from\s+['"]\.\.\/([\w-]+)\//g)].map((m) => m[1])
        expect(imports.filter((folder) => forbidden.includes(folder!))).toEqual([])
      })
    }
  }
})
