/**
 * Content types for file names, and whether a content type is worth compressing, from
 * mime-db (through the generated `mime-table.ts`). The extension map is built on the first
 * lookup, not at import: a server that never serves a file pays nothing for it, and one that
 * does pays about 1.5 ms once (1 239 extensions, measured).
 * @module
 */
import { COMPRESSIBLE_TYPES, EXTENSION_TABLE } from './mime-table.ts'

let byExtension: Map<string, string> | null = null
let compressibleTypes: Set<string> | null = null

function extensionMap(): Map<string, string> {
  if (byExtension !== null) return byExtension
  const map = new Map<string, string>()
  for (const line of EXTENSION_TABLE.split('\n')) {
    const parts = line.split(' ')
    for (let i = 1; i < parts.length; i++) map.set(parts[i]!, parts[0]!)
  }
  return (byExtension = map)
}

/** Types sent with `; charset=utf-8` besides text/*: the ones whose text is UTF-8 by definition. */
const UTF8_TYPES = new Set(['application/json', 'application/javascript', 'application/xml', 'image/svg+xml', 'application/manifest+json'])

/**
 * The media type for a file name by its last extension (case-insensitive), without
 * parameters; undefined when mime-db does not know it.
 */
export function mediaTypeFor(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.')
  const slash = fileName.lastIndexOf('/')
  if (dot <= slash + 1) return undefined // no extension, or a dotfile's name
  return extensionMap().get(fileName.slice(dot + 1).toLowerCase())
}

/**
 * The Content-Type to send for a file name: its media type, with `charset=utf-8` for text
 * (a file server cannot know the charset; UTF-8 is what the web writes, and without it
 * browsers guess from the locale). Unknown extensions get `fallback`.
 */
export function contentTypeFor(fileName: string, fallback = 'application/octet-stream'): string {
  const type = mediaTypeFor(fileName)
  if (type === undefined) return fallback
  return type.startsWith('text/') || UTF8_TYPES.has(type) ? `${type}; charset=utf-8` : type
}

/**
 * Whether a response of this Content-Type is worth compressing: text/*, the +json, +xml and
 * +text suffixes, and the types mime-db marks `compressible` (JavaScript, JSON, WebAssembly,
 * fonts without built-in compression, …). Parameters and case are ignored.
 */
export function isCompressible(contentType: string): boolean {
  let end = contentType.indexOf(';')
  if (end === -1) end = contentType.length
  const type = contentType.slice(0, end).trim().toLowerCase()
  if (type.startsWith('text/') || /\+(?:json|text|xml)$/.test(type)) return true
  compressibleTypes ??= new Set(COMPRESSIBLE_TYPES.split(' '))
  return compressibleTypes.has(type)
}
