/**
 * A real browser against Portico on each runtime: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) opens the page of tests/clients/browser-app.ts, runs the script
 * it loads, submits a multipart form with a file, and receives server-sent events. Every
 * assertion reads the page's own state (page.evaluate / waitForFunction).
 *
 * Chromium is launched by tests/helpers/chromium.ts.
 * @module
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumSkip as noChromium, launchChromium } from '../helpers/chromium.ts'
import { type Fixture, fixtureLauncher } from '../integration/suite.ts'
import { RUNTIMES } from './runtimes.ts'

const APP = 'tests/clients/browser-app.ts'
const EVENTS = 5
/** 100 000 bytes covering every byte value, so a multipart boundary scan sees binary data. */
const FILE_BYTES = Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256)
const FILE_SUM = FILE_BYTES.reduce((sum, byte) => (sum + byte) >>> 0, 0)

/** What app.js puts on `window`. */
interface PageState {
  portico?: { scriptRan: boolean; events: string[]; times: number[]; lastEventId: string; errors: number; listen(n: number): void }
}

describe.skipIf(noChromium !== undefined)(noChromium === undefined ? 'headless Chromium' : `headless Chromium (skipped: ${noChromium})`, () => {
  let browser: Browser

  beforeAll(async () => {
    browser = await launchChromium()
  }, 40_000)

  afterAll(async () => {
    await browser?.close()
  })

  for (const runtime of RUNTIMES) {
    const title = runtime.skip === undefined ? `Portico on ${runtime.name}` : `Portico on ${runtime.name} (skipped: ${runtime.skip})`
    describe.skipIf(runtime.skip !== undefined)(title, () => {
      const launcher = fixtureLauncher(runtime.command, runtime.args(APP))
      let app: Fixture
      let context: BrowserContext
      let page: Page

      beforeAll(async () => {
        app = await launcher.start()
        context = await browser.newContext()
        context.setDefaultTimeout(10_000)
        page = await context.newPage()
      }, 40_000)

      afterAll(async () => {
        await context?.close()
        launcher.killAll()
      })

      it('loads the HTML page and runs the script it links', async () => {
        const response = await page.goto(app.url)
        expect(response?.status()).toBe(200)
        await page.waitForFunction(() => (window as PageState).portico?.scriptRan === true)
        const seen = await page.evaluate(() => ({
          title: document.title,
          status: document.getElementById('status')?.textContent,
          contentType: document.contentType,
        }))
        expect(seen).toEqual({ title: `Portico on ${runtime.name}`, status: 'script ran', contentType: 'text/html' })
      })

      it('receives server-sent events with EventSource', async () => {
        await page.evaluate((n) => (window as PageState).portico!.listen(n), EVENTS)
        await page.waitForFunction((n) => (window as PageState).portico!.events.length === n, EVENTS)
        const { spreadMs, ...state } = await page.evaluate(() => {
          const { events, times, lastEventId, errors } = (window as PageState).portico!
          return { events, spreadMs: times[times.length - 1]! - times[0]!, lastEventId, errors }
        })
        const expected = Array.from({ length: EVENTS }, (_, i) => `event ${i + 1}`)
        expected[EVENTS - 1] += '\nlast'
        expect(state).toEqual({ events: expected, lastEventId: String(EVENTS), errors: 0 })
        // The app sends an event every 20 ms: they arrive over time, not buffered until the end.
        expect(spreadMs).toBeGreaterThanOrEqual(40)
      })

      it('submits a multipart form with a file', async () => {
        // Fill the form from inside the page, as a user's file pick would, then submit it.
        await page.evaluate((bytes) => {
          const form = document.getElementById('upload') as HTMLFormElement
          const files = new DataTransfer()
          files.items.add(new File([new Uint8Array(bytes)], 'data.bin', { type: 'application/octet-stream' }))
          ;(form.elements.namedItem('file') as HTMLInputElement).files = files.files
          ;(form.elements.namedItem('note') as HTMLInputElement).value = 'héllo wörld'
          form.requestSubmit()
        }, FILE_BYTES)
        await page.waitForURL('**/upload')
        // Chromium shows a JSON response as text in the page.
        const received = await page.evaluate(() => JSON.parse(document.body.innerText) as unknown)
        expect(received).toEqual({
          name: 'data.bin',
          type: 'application/octet-stream',
          size: FILE_BYTES.length,
          read: FILE_BYTES.length,
          sum: FILE_SUM,
          note: 'héllo wörld',
        })
      })
    })
  }
})
