/**
 * The real WebSocket clients of tests/integration/websocket.test.ts, each running the
 * scenarios of ws-scenarios.ts and returning their JSON results:
 * - `ws`: the npm `ws` client, in the test process (Node);
 * - `deno`, `bun`: the runtime's built-in `WebSocket`, in a child process
 *   (tests/integration/websocket-client.ts);
 * - `python`: Python's `websockets` (Debian's python3-websockets under /usr/bin/python3),
 *   tests/integration/websocket-client.py;
 * - `chromium`: headless Chromium (launched by tests/helpers/chromium.ts) on a page the fixture serves, running ws-scenarios.ts
 *   transpiled as it is.
 *
 * What each client can show differs (the browser API cannot ping or read headers, …): `traits`
 * says so, and the test's expectations follow the traits, never the server's runtime.
 * @module
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import ts from 'typescript'
import WebSocket from 'ws'
import { ROOT } from '../integration/suite.ts'
import { chromiumSkip, launchChromium } from './chromium.ts'
import { runScenarios, type ClientKit, type Results, type ScenarioConfig, type WsLike } from './ws-scenarios.ts'

/** What a client can do or show; the expectations depend on these alone. */
export interface ClientTraits {
  /** Exposes the 101's headers (`Set-Cookie`). */
  readsHeaders: boolean
  /** Keeps cookies and sends them back (a browser). */
  cookieJar: boolean
  /** Can send a ping. */
  ping: boolean
  /** Offers permessage-deflate. */
  deflate: boolean
}

/** One client. */
export interface WsClient {
  name: string
  traits: ClientTraits
  /** Why it cannot run here, if it cannot. */
  skip: string | undefined
  run(config: ScenarioConfig): Promise<Results>
}

const CLIENT_SCRIPT = 'tests/integration/websocket-client.ts'
const PYTHON_SCRIPT = 'tests/integration/websocket-client.py'
const PYTHON = '/usr/bin/python3'
const DENO = join(ROOT, 'node_modules/.bin/deno')
const BUN = join(ROOT, 'node_modules/.bin/bun')
/** Runs a client process; resolves with the JSON of its `RESULT` line. */
function runProcess(command: string, args: string[]): Promise<Results> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, timeout: 120_000, encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
      if (line !== undefined) return resolve(JSON.parse(line.slice('RESULT '.length)) as Results)
      reject(new Error(`${command} ${args[0]}: no RESULT line (${error?.message ?? 'exit 0'})\n${stdout}\n${stderr}`))
    })
  })
}

/** The `ws` client: the WHATWG-style events ws offers, plus its ping and the 101's headers. */
function wsKit(): ClientKit {
  const setCookies = new WeakMap<object, string>()
  return {
    open(url, protocols) {
      const socket = new WebSocket(url, protocols ?? [])
      socket.on('upgrade', (response) => setCookies.set(socket, [response.headers['set-cookie'] ?? []].flat().join(', ')))
      return socket as unknown as WsLike
    },
    ping: (socket, data) =>
      new Promise((resolve) => {
        const ws = socket as unknown as WebSocket
        ws.once('pong', (payload: Buffer) => resolve(payload.toString()))
        ws.ping(data)
      }),
    setCookie: (socket) => setCookies.get(socket) ?? null,
  }
}

function missingPythonWebsockets(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (Debian package python3)`
  const probe = spawnSync(PYTHON, ['-c', 'import websockets'], { timeout: 10_000 })
  return probe.status === 0 ? undefined : "Python's websockets is missing (Debian package python3-websockets; .ci/run installs it)"
}

let browser: Promise<Browser> | null = null
let scenarioScript: string | null = null

/** ws-scenarios.ts as a browser module that puts `window.porticoWs.run(config)` on the page. */
function browserScript(): string {
  scenarioScript ??= ts.transpileModule(readFileSync(join(ROOT, 'tests/helpers/ws-scenarios.ts'), 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText + '\nwindow.porticoWs = { run: (config) => runScenarios(config, { open: (url, protocols) => new WebSocket(url, protocols) }) }\n'
  return scenarioScript
}

/** Runs the scenarios in a fresh browser context on the fixture's page (`http://…/`). */
async function runInChromium(config: ScenarioConfig): Promise<Results> {
  browser ??= launchChromium()
  const context = await (await browser).newContext()
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    const response = await page.goto(config.url.replace(/^ws/, 'http') + '/')
    if (response?.status() !== 200) throw new Error(`the fixture's page answered ${response?.status()}`)
    await page.addScriptTag({ content: browserScript(), type: 'module' })
    await page.waitForFunction(() => 'porticoWs' in window)
    return await page.evaluate(
      (c) => (window as unknown as { porticoWs: { run(config: ScenarioConfig): Promise<Results> } }).porticoWs.run(c),
      config,
    )
  } finally {
    await context.close()
  }
}

/** Closes the browser, if one was started. */
export async function closeClients(): Promise<void> {
  const started = browser
  browser = null
  if (started !== null) await (await started).close()
}

const missingFile = (file: string): string | undefined => (existsSync(file) ? undefined : `${file} does not exist`)

/** Every client, in the order the tests run them. */
export const CLIENTS: readonly WsClient[] = [
  {
    name: 'ws (npm, Node)',
    traits: { readsHeaders: true, cookieJar: false, ping: true, deflate: true },
    skip: undefined,
    run: (config) => runScenarios(config, wsKit()),
  },
  {
    // Deno's WebSocket client offers no permessage-deflate, has no ping() and shows no headers.
    name: "Deno's WebSocket",
    traits: { readsHeaders: false, cookieJar: false, ping: false, deflate: false },
    skip: missingFile(DENO),
    run: (config) => runProcess(DENO, ['run', '-A', CLIENT_SCRIPT, JSON.stringify(config)]),
  },
  {
    // Bun's WebSocket client has ping() and `pong` events, offers permessage-deflate, shows no headers.
    name: "Bun's WebSocket",
    traits: { readsHeaders: false, cookieJar: false, ping: true, deflate: true },
    skip: missingFile(BUN),
    run: (config) => runProcess(BUN, ['run', CLIENT_SCRIPT, JSON.stringify(config)]),
  },
  {
    name: "Python's websockets",
    traits: { readsHeaders: true, cookieJar: false, ping: true, deflate: true },
    skip: missingPythonWebsockets(),
    run: (config) => runProcess(PYTHON, [PYTHON_SCRIPT, JSON.stringify(config)]),
  },
  {
    // The page's WebSocket cannot ping or read the 101's headers; the browser keeps its cookies.
    name: 'headless Chromium',
    traits: { readsHeaders: false, cookieJar: true, ping: false, deflate: true },
    skip: chromiumSkip,
    run: runInChromium,
  },
]
