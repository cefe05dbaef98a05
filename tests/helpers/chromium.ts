/**
 * Headless Chromium as every browser test launches it: Debian's `chromium` driven by
 * playwright-core, headless, no sandbox (CI runs as root), no GPU, and no background
 * networking, whose connections the closed network would refuse. QUIC is off so that what a
 * test sees is TCP. playwright's launch() gives each run a fresh, temporary user-data-dir and
 * removes it on close.
 * @module
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

/** Why Chromium cannot run here, if it cannot. */
export const chromiumSkip: string | undefined = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (Debian package chromium; .ci/run installs it)`

/** Launches Chromium with the arguments above plus `extraArgs` (e.g. `--ignore-certificate-errors`). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 30_000 })
}
