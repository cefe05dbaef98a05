/**
 * bench/RESULTS.md is shared by every benchmark: each one replaces only its own `## ` section
 * and keeps the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Replaces (or appends) the section under `heading` (e.g. `## Fuzz`), up to the next `## `. */
export function replaceSection(markdown: string, heading: string, body: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start === -1) return `${markdown.trimEnd()}\n\n${heading}\n\n${body}`
  const next = markdown.indexOf('\n## ', start + heading.length + 1)
  return `${markdown.slice(0, start + 1)}${heading}\n\n${body}${next === -1 ? '' : `\n${markdown.slice(next + 1)}`}`
}

/**
 * Replaces the section under `heading` with `body`, keeping what follows `keepMark` in the old
 * section (hand-written analysis the runner cannot produce); the mark is added when missing.
 */
export function replaceSectionKeepingNotes(markdown: string, heading: string, body: string, keepMark: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  const end = start === -1 ? -1 : markdown.indexOf('\n## ', start + heading.length + 1)
  const oldSection = start === -1 ? '' : markdown.slice(start, end === -1 ? undefined : end + 1)
  const mark = oldSection.indexOf(keepMark)
  const kept = mark === -1 ? `${keepMark}\n` : oldSection.slice(mark).replace(/\n+$/, '\n')
  return replaceSection(markdown, heading, `${body}\n${kept}`)
}

/** bench/RESULTS.md */
const RESULTS_PATH = fileURLToPath(new URL('./RESULTS.md', import.meta.url))

/** Rewrites the section under `heading` of bench/RESULTS.md, keeping the notes below `keepMark`. */
export function writeResultsSection(heading: string, body: string, keepMark: string): void {
  const old = existsSync(RESULTS_PATH) ? readFileSync(RESULTS_PATH, 'utf8') : '# Benchmark results\n'
  writeFileSync(RESULTS_PATH, replaceSectionKeepingNotes(old, heading, body, keepMark))
}
