/**
 * Portico's `serve()` for whichever runtime loads it (JSR's default entry; npm picks a driver
 * through export conditions instead). Every driver is imported, but only the one for the
 * running runtime touches its globals.
 * @module
 */
import type { App, Server, ServeOptions } from '../core/server/options.ts'
import { serve as serveBun } from './bun.ts'
import { serve as serveDeno } from './deno.ts'
import { serve as serveNode } from './node.ts'
import { detectRuntime } from './shared.ts'

export type * from '../core/server/options.ts'
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from '../core/fetch/upgrade-websocket.ts'

export { detectRuntime }

/** Serves `app` with the driver of the running runtime. */
export function serve(app: App, options: ServeOptions = {}): Server {
  const runtime = detectRuntime()
  return runtime === 'deno' ? serveDeno(app, options) : runtime === 'bun' ? serveBun(app, options) : serveNode(app, options)
}
