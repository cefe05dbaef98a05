// Node resolve hook (module.register), registered by portico.mjs before tsx's: the app module
// (whatever its extension, bar .cjs/.cts) and every .ts/.tsx/.mts file outside node_modules
// are ES modules, whatever the nearest package.json "type" says. Deno and Bun load them so;
// Node would treat them as CommonJS in a "type": "commonjs" project (npm init's default),
// where top-level await cannot compile. tsx then transforms them as ES modules.
// https://nodejs.org/api/module.html#resolvespecifier-context-nextresolve

let appUrl

export function initialize(data) {
  appUrl = data?.appUrl
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  // A require() keeps CommonJS: an ES module cannot be required on Node 20.
  if (!context.conditions?.includes('import') || !isForced(result.url)) return result
  return { ...result, format: 'module' }
}

function isForced(url) {
  if (!url.startsWith('file:')) return false
  const path = url.split(/[?#]/, 1)[0]
  if (/\.c[jt]s$/.test(path)) return false
  if (path === appUrl) return true
  return /\.(?:m?ts|tsx)$/.test(path) && !path.endsWith('.d.ts') && !path.includes('/node_modules/')
}
