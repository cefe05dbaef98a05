/**
 * A server process's memory, read from /proc/<pid>/status (Linux only), for the tests that
 * prove memory stays bounded: the current and peak resident set (VmRSS, VmHWM), and the peak
 * growth of VmRSS while something runs.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'

/** Whether /proc/<pid>/status can be read here. */
export const hasProcStatus: boolean = existsSync('/proc/self/status')

/** A /proc/<pid>/status field in MB (VmRSS, VmHWM); NaN if it is missing. */
export function procMb(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? NaN : Number(match[1]) / 1024
}

/** Resident set size of `pid` in bytes. */
export function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error(`no VmRSS for ${pid}`)
  return Number(match[1]) * 1024
}

/** Samples the RSS every 50 ms while `run` runs; returns the peak growth over the start, in bytes. */
export async function rssGrowth(pid: number, run: () => Promise<void>): Promise<number> {
  const base = rss(pid)
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 50)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, rss(pid)) - base
}
