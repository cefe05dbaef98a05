/**
 * The `info` a handler gets with each request: the connection's addresses (read from the
 * transport on first use: on some runtimes each is a syscall most apps never need) and the server
 * methods of `fetch(request, server)`: `upgrade`, `publish`, `subscriberCount`,
 * `requestIP`.
 * @module
 */
import type { ServeInfo } from '../fetch/app.ts'
import type { UpgradeOptions, WebSocketSendData } from '../fetch/websocket-api.ts'
import { toPayload } from './server-websocket.ts'
import type { Topics } from './topics.ts'

/** Addresses of a connection, as a Transport reports them. */
export interface PeerAddresses {
  readonly remoteAddress?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
}

/** Where `upgrade()` goes: the connection that carries the request. */
export interface Upgrader {
  upgrade(request: Request, options: UpgradeOptions<unknown> | undefined): boolean
}

/** See the module comment. */
export class ConnectionInfo implements ServeInfo {
  readonly #peer: PeerAddresses
  readonly #unix: boolean
  readonly #upgrader: Upgrader
  readonly #topics: Topics
  #remoteAddr: ServeInfo['remoteAddr'] | undefined

  constructor(peer: PeerAddresses, unix: boolean, upgrader: Upgrader, topics: Topics) {
    this.#peer = peer
    this.#unix = unix
    this.#upgrader = upgrader
    this.#topics = topics
  }

  get remoteAddress(): string | undefined {
    return this.#peer.remoteAddress
  }

  get remotePort(): number | undefined {
    return this.#peer.remotePort
  }

  get localAddress(): string | undefined {
    return this.#peer.localAddress
  }

  get localPort(): number | undefined {
    return this.#peer.localPort
  }

  get remoteAddr(): ServeInfo['remoteAddr'] {
    return (this.#remoteAddr ??= { hostname: this.remoteAddress, port: this.remotePort, transport: this.#unix ? 'unix' : 'tcp' })
  }

  /** The addresses, for `JSON.stringify(info)` and logs (the getters are not own properties). */
  toJSON(): Pick<ServeInfo, 'remoteAddress' | 'remotePort' | 'localAddress' | 'localPort' | 'remoteAddr'> {
    const { remoteAddress, remotePort, localAddress, localPort, remoteAddr } = this
    return { remoteAddress, remotePort, localAddress, localPort, remoteAddr }
  }

  /** The same connection seen with other addresses (a PROXY header's, a forwarded client's). */
  withAddresses(peer: PeerAddresses, unix: boolean): ConnectionInfo {
    return new ConnectionInfo(peer, unix, this.#upgrader, this.#topics)
  }

  upgrade<Data = unknown>(request: Request, options?: UpgradeOptions<Data>): boolean {
    return this.#upgrader.upgrade(request, options)
  }

  publish(topic: string, data: WebSocketSendData, _compress?: boolean): number {
    return this.#topics.publish(topic, typeof data === 'string' ? 'text' : 'binary', toPayload(data), null)
  }

  subscriberCount(topic: string): number {
    return this.#topics.count(topic)
  }

  requestIP(_request: Request): { address: string; family: 'IPv4' | 'IPv6'; port: number } | null {
    const address = this.remoteAddress
    if (address === undefined) return null
    return { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port: this.remotePort ?? 0 }
  }
}
