/**
 * What the throughput benchmarks (bench/run.ts, bench/ws.ts, bench/h2.ts) read from /proc: a
 * process's CPU time (all its threads) and peak RSS, the whole machine's busy time, and a wait
 * for an idle machine before each server starts, so that another workload on the same two
 * cores does not slow a run without it being seen.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second, the unit of the CPU times in /proc. */
export const CLK_TCK: number = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** Idle enough: less than this share of one core busy over a second. */
export const QUIET_SHARE = 0.1

/** utime and stime of every thread of `pid`, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 (state)
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK }
}

/** utime + stime of every thread of `pid`, in seconds. */
export function cpuTotalSeconds(pid: number): number {
  const { user, system } = cpuSeconds(pid)
  return user + system
}

/** Peak resident set size of `pid` in MB (VmHWM, kB in /proc). */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? (Number(match[1]) * 1024) / 1e6 : NaN
}

/** Resident set size of `pid` now, in MB (VmRSS, kB in /proc). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? (Number(match[1]) * 1024) / 1e6 : NaN
}

/** Busy seconds of the whole machine so far (all cores; /proc/stat minus idle and iowait). */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  return fields.reduce((sum, n) => sum + n, 0) / CLK_TCK - (fields[3]! + fields[4]!) / CLK_TCK
}

/**
 * Waits (up to `maxSeconds`) until the machine is idle; returns the share of one core that was
 * busy at the last look, and says so on stderr when it gave up waiting. 0 s: no look (NaN).
 */
export async function waitForQuiet(maxSeconds: number): Promise<number> {
  if (maxSeconds <= 0) return NaN
  const deadline = Date.now() + maxSeconds * 1000
  for (;;) {
    const before = machineBusySeconds()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const busy = machineBusySeconds() - before
    if (busy < QUIET_SHARE) return busy
    if (Date.now() > deadline) {
      console.error(`  machine still busy (${Math.round(busy * 100)}% of a core) after ${maxSeconds} s`)
      return busy
    }
  }
}
