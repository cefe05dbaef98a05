/**
 * bench/RESULTS.md is shared by every benchmark: each one replaces only its own `## ` section
 * and keeps the others.
 */

/** Replaces (or appends) the section under `heading` (e.g. `## Fuzz`), up to the next `## `. */
export function replaceSection(markdown: string, heading: string, body: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start === -1) return `${markdown.trimEnd()}\n\n${heading}\n\n${body}`
  const next = markdown.indexOf('\n## ', start + heading.length + 1)
  return `${markdown.slice(0, start + 1)}${heading}\n\n${body}${next === -1 ? '' : `\n${markdown.slice(next + 1)}`}`
}
