/**
 * A request path → path segments under the served folder, or null when the path must not
 * be served. This is the file server's first line of defence: nothing it returns can name a
 * file outside the folder (the driver's realPath check then catches symlinks).
 *
 * The rules, in order:
 * - Only the path of the URL counts; it must start with the prefix (`/assets`), then `/`.
 * - Each segment is percent-decoded exactly once: `%252e%252e` is the file named `%2e%2e`,
 *   never `..`. Invalid or overlong UTF-8 (`%c0%ae`) makes decoding fail: refused.
 * - After decoding, a segment may not be `.` or `..`, contain `/`, `\` (a separator on
 *   Windows, and encoded `%2f` / `%5c` would otherwise join segments), NUL or any other
 *   control character, or be empty (`//`): refused. Dot segments are refused, not resolved:
 *   browsers resolve them before sending, so only a crafted request contains one.
 * - Dotfiles and dot-folders (`.env`, `.git/`) are refused, except `.well-known` (RFC 8615).
 * @module
 */

/** What a request path names under the served folder. */
export interface SafePath {
  /** Decoded segments, none empty; [] is the folder itself. */
  segments: string[]
  /** The path ended in `/`: it names a folder (its index file). */
  directory: boolean
}

/** Where the path of an absolute URL (`scheme://authority/path?query`) starts and ends. */
export function urlPath(url: string): string {
  const authority = url.indexOf('//')
  const start = url.indexOf('/', authority === -1 ? 0 : authority + 2)
  if (start === -1) return '/'
  let end = url.length
  const query = url.indexOf('?', start)
  if (query !== -1) end = query
  const fragment = url.indexOf('#', start)
  if (fragment !== -1 && fragment < end) end = fragment
  return url.slice(start, end)
}

/**
 * `path` (as sent: percent-encoded) under `prefix` (`''` or `/assets`, no trailing slash),
 * checked by the rules above; null if it is not under the prefix or breaks a rule.
 */
export function resolveSafePath(path: string, prefix: string): SafePath | null {
  if (prefix !== '') {
    if (!path.startsWith(prefix)) return null
    path = path.slice(prefix.length)
    if (path === '') return { segments: [], directory: false }
  }
  if (path.charCodeAt(0) !== 0x2f) return null
  const raw = path.slice(1).split('/')
  const directory = raw[raw.length - 1] === ''
  if (directory) raw.pop()
  const segments: string[] = []
  for (const part of raw) {
    const segment = decodeSegment(part)
    if (segment === null || !isServableSegment(segment)) return null
    segments.push(segment)
  }
  return { segments, directory }
}

function decodeSegment(part: string): string | null {
  if (part.indexOf('%') === -1) return part
  try {
    return decodeURIComponent(part)
  } catch {
    return null // a lone %, a bad hex digit, or invalid / overlong UTF-8
  }
}

/** A decoded segment that can name a file we serve (see the module comment). */
export function isServableSegment(segment: string): boolean {
  if (segment === '') return false
  // Dotfiles, and `.` and `..` with them; `.well-known` is meant to be served.
  if (segment.charCodeAt(0) === 0x2e && segment !== '.well-known') return false
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x2f || c === 0x5c) return false
  }
  return true
}

/**
 * Whether `real` (a realPath result) is `root` or inside it, and names no dotfile below it:
 * a symlink may not lead out of the folder, nor to `.git` inside it.
 */
export function isInsideRoot(real: string, root: string): boolean {
  if (real === root) return true
  const base = root.endsWith('/') ? root : root + '/'
  if (!real.startsWith(base)) return false
  return real.slice(base.length).split('/').every(isServableSegment)
}
