// A small web service with no framework: an in-memory `items` resource that answers in JSON or
// XML by the Accept header and reads JSON or XML request bodies.
//   npx portico examples/web-service.ts --port 8000
//   curl -H 'accept: application/xml' localhost:8000/items
//   curl -H 'content-type: application/xml' -d '<item><name>nut</name><qty>2</qty></item>' localhost:8000/items

interface Item {
  id: number
  name: string
  qty: number
}

type Format = 'json' | 'xml'

/** Media types we can produce, in order of preference when the client likes both equally. */
const OFFERS: ReadonlyArray<{ type: string; format: Format }> = [
  { type: 'application/json', format: 'json' },
  { type: 'application/xml', format: 'xml' },
]

const items = new Map<number, Item>([[1, { id: 1, name: 'bolt', qty: 10 }]])
let nextId = 2

export default async function handle(request: Request): Promise<Response> {
  const format = negotiate(request.headers.get('accept'))
  if (format === null) {
    return new Response('Not Acceptable: application/json or application/xml\n', {
      status: 406,
      headers: { 'content-type': 'text/plain; charset=utf-8', vary: 'Accept' },
    })
  }
  const path = new URL(request.url).pathname
  if (path === '/items') {
    if (request.method === 'GET') return reply(format, 200, { items: [...items.values()] })
    if (request.method !== 'POST') return reply(format, 405, { error: 'method not allowed' }, { allow: 'GET, POST' })
    const fields = await readRecord(request)
    if (typeof fields === 'number') return reply(format, fields, { error: fields === 415 ? 'unsupported media type' : 'malformed body' })
    const item = toItem(fields)
    if (item === null) return reply(format, 400, { error: 'expected name (text) and qty (integer ≥ 0)' })
    items.set(item.id, item)
    return reply(format, 201, item, { location: `/items/${item.id}` })
  }
  const match = /^\/items\/(\d+)$/.exec(path)
  if (match !== null && request.method === 'GET') {
    const item = items.get(Number(match[1]))
    return item === undefined ? reply(format, 404, { error: 'no such item' }) : reply(format, 200, item)
  }
  return reply(format, 404, { error: 'not found' })
}

/**
 * RFC 9110 §12.5.1: the most specific matching range sets each offer's q; the highest q > 0
 * wins, ties go to the earlier offer. No Accept header means anything is acceptable.
 */
function negotiate(accept: string | null): Format | null {
  if (accept === null || accept.trim() === '') return OFFERS[0]!.format
  const ranges = accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = params.find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    return /^[^/\s]+\/[^/\s]+$/.test(range) && q >= 0 && q <= 1 ? [{ range, q }] : []
  })
  let best: { format: Format; q: number } | null = null
  for (const offer of OFFERS) {
    const [type] = offer.type.split('/')
    const specificity = (range: string): number =>
      range === offer.type ? 3 : range === `${type}/*` ? 2 : range === '*/*' ? 1 : 0
    const match = ranges.filter((r) => specificity(r.range) > 0).sort((a, b) => specificity(b.range) - specificity(a.range))[0]
    if (match !== undefined && match.q > 0 && (best === null || match.q > best.q)) best = { format: offer.format, q: match.q }
  }
  return best?.format ?? null
}

/** The body's fields as strings or JSON values, or the status to answer with (415, 400). */
async function readRecord(request: Request): Promise<Record<string, unknown> | 415 | 400> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (mediaType !== 'application/json' && mediaType !== 'application/xml' && mediaType !== 'text/xml') return 415
  const text = await request.text()
  if (mediaType !== 'application/json') return parseFlatXml(text, 'item') ?? 400
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : 400
  } catch {
    return 400
  }
}

function toItem(fields: Record<string, unknown>): Item | null {
  const { name, qty, ...rest } = fields
  // XML text is always a string, so a digits-only string counts as an integer too.
  const count = typeof qty === 'string' && /^\d{1,9}$/.test(qty) ? Number(qty) : qty
  if (Object.keys(rest).length > 0 || typeof name !== 'string' || name === '') return null
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return null
  return { id: nextId++, name, qty: count }
}

/**
 * Reads `<root><a>text</a><b>text</b></root>` and nothing more: an optional `<?xml …?>`
 * declaration, no attributes, no nesting, no DOCTYPE, CDATA or comments, and only the five
 * predefined and numeric character references. With no DTD there is no entity expansion (no
 * "billion laughs", no external entities). Returns null for anything else.
 */
function parseFlatXml(text: string, root: string): Record<string, string> | null {
  const token = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at
    const match = pattern.exec(text)
    if (match !== null) at = pattern.lastIndex
    return match
  }
  let at = 0
  token(/\uFEFF?\s*(?:<\?xml\s[^<>?]*\?>)?\s*/y)
  if (token(new RegExp(`<${root}>`, 'y')) === null) return null
  const fields: Record<string, string> = Object.create(null)
  for (let field = token(/\s*<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/y); field !== null; field = token(/\s*<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/y)) {
    const [, name = '', raw = ''] = field
    const value = unescapeXml(raw)
    if (value === null || name in fields) return null
    fields[name] = value
  }
  return token(new RegExp(`\\s*</${root}>\\s*$`, 'y')) === null ? null : { ...fields }
}

function unescapeXml(raw: string): string | null {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
  let bad = false
  const text = raw.replace(/&([^;&\s]*);?/g, (ref, name: string) => {
    const code = /^#\d{1,7}$/.test(name) ? Number(name.slice(1)) : /^#x[\da-f]{1,6}$/i.test(name) ? parseInt(name.slice(2), 16) : -1
    if (ref.endsWith(';') && Object.hasOwn(named, name)) return named[name]!
    if (ref.endsWith(';') && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code)
    bad = true
    return ''
  })
  return bad ? null : text
}

function reply(format: Format, status: number, value: object, headers: Record<string, string> = {}): Response {
  const body = format === 'json' ? JSON.stringify(value) : `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(value)}\n`
  const type = format === 'json' ? 'application/json' : 'application/xml; charset=utf-8'
  return new Response(body, { status, headers: { 'content-type': type, vary: 'Accept', ...headers } })
}

/** `{ items: [...] }` → `<items><item>…</item></items>`, `{ error }` → `<error>…</error>`, an item → `<item>`. */
function toXml(value: object): string {
  if ('items' in value && Array.isArray(value.items)) return `<items>${value.items.map((item: object) => toXml(item)).join('')}</items>`
  if ('error' in value) return `<error>${escapeXml(String(value.error))}</error>`
  const fields = Object.entries(value).map(([key, field]) => `<${key}>${escapeXml(String(field))}</${key}>`)
  return `<item>${fields.join('')}</item>`
}

const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ESCAPES[c]!)
}
