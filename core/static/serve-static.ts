/**
 * The static file handler: a request in, a file's response out (or null when no file
 * matches, so that an app behind it can answer). GET and HEAD; index files for folders,
 * with a redirect that adds the trailing slash; validators and conditional requests; byte
 * ranges (several as multipart/byteranges); precompressed siblings (`app.js.br`) chosen by
 * Accept-Encoding.
 *
 * Safety lives in three places: `safe-path.ts` refuses every request path that could leave
 * the folder or name a dotfile; the driver's `realPath` then resolves symlinks and
 * `isInsideRoot` refuses any that lead out (or into a dotfile); and every failure is a
 * 404 with no body worth reading: no stack, no path.
 * @module
 */
import { LightResponse } from '../fetch/light-response.ts'
import { PullBody } from '../fetch/pull-body.ts'
import { negotiateEncoding, type ContentCoding } from '../http/accept-encoding.ts'
import { multipartRanges } from './byteranges.ts'
import { evaluatePreconditions, rangeApplies, type HeaderGetter, type Validators } from './conditional.ts'
import type { FileInfo, FileSystem } from './file-system.ts'
import { contentTypeFor } from './media-type.ts'
import { parseRange } from './range.ts'
import { isInsideRoot, resolveSafePath, urlPath } from './safe-path.ts'
import { fileEtag } from './validators.ts'

/** Options of `serveStatic()`. */
export interface StaticOptions {
  /** URL path the folder is served under, e.g. `/assets`. Default: the root. */
  prefix?: string
  /** File served for a folder's URL (`/docs/` → `docs/index.html`); false: none. Default `index.html`. */
  index?: string | false
  /**
   * Cache-Control for every file, or a function of the file's path under the folder
   * (`/app.3f9a.js`) for per-file policies such as `public, max-age=31536000, immutable` on
   * hashed names; null sends none. Default `no-cache`: caches keep the file and revalidate
   * each use, which costs a 304 and never serves a stale file after a deploy.
   */
  cacheControl?: string | null | ((path: string) => string | null)
  /** Send an ETag (strong: mtime and size, see `validators.ts`). Default true. */
  etag?: boolean
  /** Send Last-Modified. Default true. */
  lastModified?: boolean
  /**
   * Serve `file.br`, `file.zst` or `file.gz` in place of `file` when the client accepts that
   * coding and the sibling exists: true for all three (preference br, zstd, gzip), or the
   * codings in preference order. Adds `Vary: Accept-Encoding`. Default false (one stat per
   * coding per request otherwise).
   */
  precompressed?: boolean | readonly ContentCoding[]
}

/** Read size per pull: 256 KiB reads serve a 1 MiB file twice as fast as 64 KiB ones (measured), and memory stays one chunk per response. */
export const FILE_CHUNK_BYTES: number = 256 * 1024

const SIBLING_SUFFIX: Record<ContentCoding, string> = { br: '.br', zstd: '.zst', gzip: '.gz' }

/** The handler: a Response for a file, or null when the request names no servable file. */
export type StaticHandler = (request: Request) => Promise<Response | null>

/**
 * A static handler over `folder` (any path the file system's realPath accepts; resolved once,
 * on the first request, which rejects if the folder does not exist).
 */
export function createStaticHandler(files: FileSystem, folder: string, options: StaticOptions = {}): StaticHandler {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '')
  if (prefix !== '' && !prefix.startsWith('/')) throw new TypeError(`the static prefix must start with /, got "${prefix}"`)
  const index = options.index ?? 'index.html'
  const cacheControl = options.cacheControl === undefined ? 'no-cache' : options.cacheControl
  const codings = options.precompressed === true ? (['br', 'zstd', 'gzip'] as const) : options.precompressed || []
  const settings: FileSettings = { etag: options.etag !== false, lastModified: options.lastModified !== false, cacheControl, codings }
  let root: Promise<string> | null = null
  const resolveRoot = (): Promise<string> =>
    (root ??= files.realPath(folder).then(async (real) => {
      if (real === null || (await files.stat(real))?.isDirectory !== true) throw new Error(`static folder not found: ${folder}`)
      return real
    }))

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null
    const path = urlPath(request.url)
    const safe = resolveSafePath(path, prefix)
    if (safe === null) return null
    const base = await resolveRoot()
    try {
      const found = await findFile(files, base, safe.segments.length === 0 ? base : `${base}/${safe.segments.join('/')}`)
      if (found === null) return null
      let [real, info] = found
      // The type follows the name the client asked for (a symlink's target may be named otherwise).
      let name = safe.segments[safe.segments.length - 1] ?? ''
      if (info.isDirectory) {
        if (!safe.directory) return redirectToFolder(request.url, path)
        if (index === false) return null
        const indexFile = await findFile(files, base, `${real}/${index}`)
        if (indexFile === null || !indexFile[1].isFile) return null
        ;[real, info] = indexFile
        name = index
      } else if (safe.directory || !info.isFile) {
        return null // `/file.txt/` names no folder; sockets, FIFOs and devices are never served
      }
      return await fileResponse(files, base, real, info, contentTypeFor(name), request, settings)
    } catch {
      return null // EACCES, EIO, a file removed mid-way…: as if there were no file
    }
  }
}

/** `path` resolved and checked to be inside `root`, with its info; null if not servable. */
async function findFile(files: FileSystem, root: string, path: string): Promise<[string, FileInfo] | null> {
  const real = await files.realPath(path)
  if (real === null || !isInsideRoot(real, root)) return null
  const info = await files.stat(real)
  return info === null ? null : [real, info]
}

/** 301 to the folder's URL with its trailing slash (and the query kept). */
function redirectToFolder(url: string, path: string): Response {
  const query = url.indexOf('?')
  return new Response(null, { status: 301, headers: { location: path + '/' + (query === -1 ? '' : url.slice(query)) } })
}

/** The resolved options a file response needs. */
interface FileSettings {
  etag: boolean
  lastModified: boolean
  cacheControl: string | null | ((path: string) => string | null)
  codings: readonly ContentCoding[]
}

/** The response for a regular file: precompressed choice, preconditions, range, body. */
async function fileResponse(
  files: FileSystem,
  root: string,
  real: string,
  info: FileInfo,
  contentType: string,
  request: Request,
  settings: FileSettings,
): Promise<Response> {
  const get: HeaderGetter = (name) => request.headers.get(name)
  const headers: [string, string][] = [['content-type', contentType]]
  const cacheControl = typeof settings.cacheControl === 'function' ? settings.cacheControl(real.slice(root.length)) : settings.cacheControl
  let coding: ContentCoding | undefined
  if (settings.codings.length > 0) {
    headers.push(['vary', 'accept-encoding'])
    const sibling = await precompressedSibling(files, root, real, get('accept-encoding'), settings.codings)
    if (sibling !== null) [coding, real, info] = sibling
  }
  const validators: Validators = {
    etag: settings.etag ? fileEtag(info.size, info.mtimeMs, coding) : undefined,
    lastModified: settings.lastModified ? info.mtimeMs : undefined,
  }
  if (validators.etag !== undefined) headers.push(['etag', validators.etag])
  if (validators.lastModified !== undefined) headers.push(['last-modified', new Date(validators.lastModified).toUTCString()])
  if (cacheControl !== null) headers.push(['cache-control', cacheControl])

  const verdict = evaluatePreconditions(request.method, get, validators)
  // §15.4.5: a 304 carries the validators and caching fields a 200 would, and no content.
  if (verdict === 'not-modified') return new Response(null, { status: 304, headers: headers.filter(([name]) => name !== 'content-type') })
  if (verdict === 'failed') return new Response(null, { status: 412, headers: [['content-length', '0']] })

  if (coding !== undefined) headers.push(['content-encoding', coding])
  headers.push(['accept-ranges', 'bytes'])
  const size = info.size
  let range = request.method === 'GET' && rangeApplies(get, validators) ? parseRange(get('range'), size) : 'whole'
  // Several ranges of a precompressed sibling would need Content-Encoding inside each part,
  // where clients do not look for it (at the top it would claim the multipart body is coded):
  // the whole coded file is sent instead, as §14.2 allows.
  if (coding !== undefined && range !== 'whole' && range !== 'unsatisfiable' && range.length > 1) range = 'whole'
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: [['content-range', `bytes */${size}`], ['content-length', '0']] })
  }
  if (range !== 'whole' && range.length > 1) {
    const seed = validators.etag ?? `${info.size}-${info.mtimeMs}`
    const parts = multipartRanges(range, size, contentType, seed, (start, end) => files.read(real, start, end, FILE_CHUNK_BYTES))
    headers[0] = ['content-type', parts.contentType]
    headers.push(['content-length', String(parts.contentLength)])
    return new Response(parts.body, { status: 206, headers })
  }
  const [status, start, end] = range === 'whole' ? [200, 0, size] : [206, range[0]!.start, range[0]!.end + 1]
  if (status === 206) headers.push(['content-range', `bytes ${start}-${end - 1}/${size}`])
  headers.push(['content-length', String(end - start)])
  if (request.method === 'HEAD' || end === start) return new Response(null, { status, headers })
  if (files.chunks === undefined) return new Response(files.read(real, start, end, FILE_CHUNK_BYTES), { status, headers })
  // A light response with a pull body: the server reads the file straight into its writes;
  // `response.body` is still a ReadableStream (read() afresh) for middleware that reads it.
  const body = new PullBody(files.chunks(real, start, end, FILE_CHUNK_BYTES), () => files.read(real, start, end, FILE_CHUNK_BYTES))
  return new LightResponse(body as unknown as BodyInit, { status, headers }) as unknown as Response
}

/** The first acceptable coding (client's q-values, then our order) whose sibling file exists. */
async function precompressedSibling(
  files: FileSystem,
  root: string,
  real: string,
  acceptEncoding: string | null,
  codings: readonly ContentCoding[],
): Promise<[ContentCoding, string, FileInfo] | null> {
  let left = codings
  for (let coding = negotiateEncoding(acceptEncoding, left); coding !== null; coding = negotiateEncoding(acceptEncoding, left)) {
    const found = await findFile(files, root, real + SIBLING_SUFFIX[coding])
    if (found !== null && found[1].isFile) return [coding, found[0], found[1]]
    const tried = coding
    left = left.filter((c) => c !== tried)
  }
  return null
}
