/**
 * Request paths a file server must refuse, and some it must serve, for `core/static/safe-path.ts`
 * and for the integration suite (the same table against real servers on every runtime). The
 * served folder holds `a.txt`, `sub/b.txt`, `.well-known/c.txt`, `.env`, and `secret.txt`
 * sits beside the folder (see tests/integration/static-fixture.ts).
 */
export interface PathVector {
  path: string
  why: string
  /** Refused only once the file system is asked (the path itself is harmless); default: by the path alone. */
  byFileSystem?: true
}

/** Each must be refused (404), whatever the runtime or the file system. */
export const hostilePaths: PathVector[] = [
  { path: '/../secret.txt', why: 'plain dot-dot' },
  { path: '/sub/../../secret.txt', why: 'dot-dot after a real folder' },
  { path: '/%2e%2e/secret.txt', why: 'encoded dots' },
  { path: '/%2E%2E/secret.txt', why: 'encoded dots, upper-case hex' },
  { path: '/.%2e/secret.txt', why: 'half-encoded dots' },
  { path: '/%252e%252e/secret.txt', why: 'double-encoded dots: decoded once, a file named %2e%2e', byFileSystem: true },
  { path: '/..%2fsecret.txt', why: 'encoded slash joins segments' },
  { path: '/..%2Fsecret.txt', why: 'encoded slash, upper-case hex' },
  { path: '/%2e%2e%2fsecret.txt', why: 'all encoded' },
  { path: '/..%5csecret.txt', why: 'encoded backslash (a separator on Windows)' },
  { path: '/..\\secret.txt', why: 'raw backslash' },
  { path: '/sub%2f..%2f..%2fsecret.txt', why: 'encoded slashes inside one segment' },
  { path: '/a.txt%00.html', why: 'NUL truncation' },
  { path: '/a.txt%00', why: 'trailing NUL' },
  { path: '/%c0%ae%c0%ae/secret.txt', why: 'overlong UTF-8 dots' },
  { path: '/%c0%af', why: 'overlong UTF-8 slash' },
  { path: '/%e0%80%ae', why: 'three-byte overlong dot' },
  { path: '/%ff', why: 'invalid UTF-8' },
  { path: '/%', why: 'lone percent' },
  { path: '/%zz', why: 'bad hex' },
  { path: '/.env', why: 'dotfile' },
  { path: '/%2eenv', why: 'encoded dotfile' },
  { path: '/sub/./b.txt', why: 'dot segment' },
  { path: '//secret.txt', why: 'empty segment (and a protocol-relative redirect if echoed)' },
  { path: '/sub//b.txt', why: 'empty segment in the middle' },
  { path: '/a.txt/', why: 'a file is no folder', byFileSystem: true },
  { path: '/link-out', why: 'symlink to a file outside the folder', byFileSystem: true },
  { path: '/link-dir-out/secret.txt', why: 'symlink to a folder outside', byFileSystem: true },
  { path: '/link-dot', why: 'symlink to a dotfile inside the folder', byFileSystem: true },
]

/** Each must be served (200). */
export const servedPaths: PathVector[] = [
  { path: '/a.txt', why: 'a file' },
  { path: '/%61.txt', why: 'an unreserved character percent-encoded' },
  { path: '/sub/b.txt', why: 'a file in a folder' },
  { path: '/.well-known/c.txt', why: 'RFC 8615: .well-known is served' },
  { path: '/link-in', why: 'symlink to a file inside the folder' },
]
