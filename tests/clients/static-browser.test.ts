/**
 * Headless Chromium against Portico's static files with compression, on each runtime: the
 * page and its stylesheet and script arrive compressed and applied, and a reload revalidates
 * them (If-None-Match / If-Modified-Since) and gets 304s, as the server's access log shows.
 * Chromium is launched as in browser.test.ts.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumSkip as noChromium, launchChromium } from '../helpers/chromium.ts'
import { fixtureLauncher } from '../integration/suite.ts'
import { STATIC_FIXTURE } from '../integration/static-suite.ts'
import { RUNTIMES } from './runtimes.ts'

const ASSETS = ['/', '/style.css', '/app.js']

function buildSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-site-'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><title>static</title><link rel="stylesheet" href="style.css"></head>
<body><h1 id="title">Static</h1>${'<p>Portico serves files.</p>\n'.repeat(100)}<script src="app.js"></script></body></html>\n`)
  writeFileSync(join(dir, 'style.css'), `h1 { color: rgb(1, 2, 3); }\n${'.unused { margin: 0; }\n'.repeat(200)}`)
  writeFileSync(join(dir, 'app.js'), `window.appRan = true;\n${'// padding to make compression worth it\n'.repeat(100)}`)
  return dir
}

describe.skipIf(noChromium !== undefined)(noChromium === undefined ? 'Chromium and static files' : `Chromium and static files (skipped: ${noChromium})`, () => {
  let browser: Browser
  let site: string
  beforeAll(async () => {
    site = buildSite()
    browser = await launchChromium()
  }, 40_000)
  afterAll(async () => {
    await browser?.close()
    if (site !== undefined) rmSync(site, { recursive: true, force: true })
  })

  for (const runtime of RUNTIMES) {
    describe.skipIf(runtime.skip !== undefined)(`on ${runtime.name}`, () => {
      const launcher = fixtureLauncher(runtime.command, runtime.args(STATIC_FIXTURE))
      afterAll(() => launcher.killAll())

      it('loads the page and its assets compressed, and a reload gets 304s', async () => {
        const app = await launcher.start({ STATIC_DIR: site })
        const context = await browser.newContext()
        try {
          const page = await context.newPage()
          const encodings = new Map<string, string | undefined>()
          page.on('response', (response) => {
            encodings.set(new URL(response.url()).pathname, response.headers()['content-encoding'])
          })
          expect((await page.goto(app.url))?.status()).toBe(200)
          await page.waitForFunction(() => (window as { appRan?: boolean }).appRan === true)
          expect(await page.evaluate(() => getComputedStyle(document.getElementById('title')!).color)).toBe('rgb(1, 2, 3)')
          for (const path of ASSETS) expect(['br', 'gzip', 'zstd'], `${path}: ${encodings.get(path)}`).toContain(encodings.get(path))

          const before = app.output().length
          await page.reload()
          await page.waitForFunction(() => (window as { appRan?: boolean }).appRan === true)
          const deadline = Date.now() + 5000
          const reloaded = (): string[] => app.output().slice(before).split('\n').filter((line) => line.startsWith('ACCESS GET'))
          while (reloaded().length < ASSETS.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
          // Cache-Control: no-cache makes the browser revalidate each one; nothing changed, so 304.
          for (const path of ASSETS) expect(reloaded(), path).toContain(`ACCESS GET ${path} 304`)
        } finally {
          await context.close()
        }
      }, 40_000)
    })
  }
})
