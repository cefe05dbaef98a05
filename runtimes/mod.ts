/**
 * Portico's `serve()` for whichever runtime loads it (JSR's default entry; npm picks a driver
 * through export conditions instead). Every driver is imported, but only the one for the
 * running runtime touches its globals.
 * @module
 */
import type { App, FetchHandler, Server, ServeOptions, ServeStaticOptions } from '../core/server/options.ts'
import { serve as serveBun, serveStatic as serveStaticBun } from './bun.ts'
import { serve as serveDeno, serveStatic as serveStaticDeno } from './deno.ts'
import { serve as serveNode, serveStatic as serveStaticNode } from './node.ts'
import { detectRuntime } from './shared.ts'

export type * from '../core/server/options.ts'
export { upgradeWebSocket, type UpgradeWebSocketOptions, type WebSocketUpgrade } from '../core/fetch/upgrade-websocket.ts'

export { detectRuntime }

/** Serves `app` with the driver of the running runtime. */
export function serve(app: App, options: ServeOptions = {}): Server {
  const runtime = detectRuntime()
  return runtime === 'deno' ? serveDeno(app, options) : runtime === 'bun' ? serveBun(app, options) : serveNode(app, options)
}

/** Serves the files of `folder` with the running runtime's file API (see `ServeStaticOptions`). */
export function serveStatic(folder: string, options?: ServeStaticOptions): FetchHandler {
  const runtime = detectRuntime()
  return (runtime === 'deno' ? serveStaticDeno : runtime === 'bun' ? serveStaticBun : serveStaticNode)(folder, options)
}
