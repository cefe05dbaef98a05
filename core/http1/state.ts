/**
 * Theory of operation
 * -------------------
 * The connection state machine, after h11's `_state.py`. Everything that decides what may
 * happen next on a connection lives here; nothing here knows about bytes, parsing or
 * serialization (connection.ts feeds it events).
 *
 * Two sides, each in its own state:
 *
 *   client: idle ─request→ send-body ─end→ done
 *   server: idle ─(client sent request)→ send-response ─1xx→ send-response
 *                                        send-response ─response→ send-body ─end→ done
 *
 * Then, state-triggered transitions, applied after every event until nothing changes:
 *   - keep-alive off: a side in `done` moves to `must-close` (RFC 9112 §9.6).
 *   - a pending protocol switch (Upgrade/CONNECT): a client in `done` waits in
 *     `might-switch-protocol`; a 101 (or a 2xx to CONNECT) moves both sides to
 *     `switched-protocol`, any other final response cancels the switch (RFC 9110 §7.8).
 *   - both `done` with keep-alive on: both return to `idle` for the next request.
 *     Unlike h11 this happens by itself, since a server has nothing to do in between.
 *
 * `error` is terminal for the side that broke the protocol; `closed` is terminal too.
 * @module
 */
import { LocalProtocolError } from './errors.ts'

/** The client's side of the connection, as the server sees it. */
export type ClientState =
  | 'idle'
  | 'send-body'
  | 'done'
  | 'must-close'
  | 'might-switch-protocol'
  | 'switched-protocol'
  | 'closed'
  | 'error'

/** The server's own side. */
export type ServerState =
  | 'idle'
  | 'send-response'
  | 'send-body'
  | 'done'
  | 'must-close'
  | 'switched-protocol'
  | 'closed'
  | 'error'

/** Events the client side can go through. */
export type ClientTransition = 'request' | 'end' | 'closed'
/** Events the server side can go through. */
export type ServerTransition = 'informational' | 'response' | 'end' | 'closed'

const CLIENT_TABLE: Record<ClientState, Partial<Record<ClientTransition, ClientState>>> = {
  'idle': { request: 'send-body', closed: 'closed' },
  'send-body': { end: 'done' },
  'done': { closed: 'closed' },
  'must-close': { closed: 'closed' },
  'might-switch-protocol': { closed: 'closed' },
  'switched-protocol': { closed: 'closed' },
  'closed': { closed: 'closed' },
  'error': {},
}

const SERVER_TABLE: Record<ServerState, Partial<Record<ServerTransition, ServerState>>> = {
  'idle': { closed: 'closed' },
  'send-response': { informational: 'send-response', response: 'send-body' },
  'send-body': { end: 'done' },
  'done': { closed: 'closed' },
  'must-close': { closed: 'closed' },
  'switched-protocol': { closed: 'closed' },
  'closed': { closed: 'closed' },
  'error': {},
}

/** Both sides' states plus the flags that trigger state changes. */
export class ConnectionState {
  client: ClientState = 'idle'
  server: ServerState = 'idle'
  /** Cleared for good once either side wants the connection closed. */
  keepAlive = true
  /** The current request asked to switch protocols (Upgrade or CONNECT). */
  pendingSwitch = false

  /** Applies a client event; throws if it is not allowed now. */
  clientEvent(event: ClientTransition): void {
    const next = CLIENT_TABLE[this.client][event]
    if (next === undefined) {
      throw new LocalProtocolError('invalid-state', `client cannot ${event} in state ${this.client}`, 500)
    }
    this.client = next
    if (event === 'request' && this.server === 'idle') this.server = 'send-response'
    this.settle()
  }

  /** Applies a server event; `switchAccepted` marks a 101, or a 2xx to CONNECT. */
  serverEvent(event: ServerTransition, switchAccepted = false): void {
    const next = SERVER_TABLE[this.server][event]
    if (next === undefined) {
      throw new LocalProtocolError('invalid-state', `server cannot send ${event} in state ${this.server}`, 500)
    }
    // h11: a switch is accepted only once the request is complete; the bytes after a
    // request still sending its body are that body, not the new protocol's.
    if (event === 'response' && switchAccepted && this.pendingSwitch && this.client !== 'might-switch-protocol') {
      throw new LocalProtocolError('invalid-state', `cannot switch protocols with the client in state ${this.client}`, 500)
    }
    this.server = next
    if (event === 'response') {
      if (switchAccepted && this.pendingSwitch) {
        this.client = 'switched-protocol'
        this.server = 'switched-protocol'
      } else if (this.pendingSwitch) {
        this.pendingSwitch = false
        if (this.client === 'might-switch-protocol') this.client = 'done'
      }
    }
    this.settle()
  }

  /** Marks a side broken; it accepts no further events. */
  error(side: 'client' | 'server'): void {
    if (side === 'client') this.client = 'error'
    else this.server = 'error'
    this.disableKeepAlive()
  }

  /** No further request after the current one (Connection: close, HTTP/1.0, an error…). */
  disableKeepAlive(): void {
    this.keepAlive = false
    this.settle()
  }

  /** True once the server must close the connection when its current output is flushed. */
  get mustClose(): boolean {
    return this.server === 'must-close' || this.server === 'error' || this.server === 'closed'
  }

  private settle(): void {
    if (this.pendingSwitch && this.client === 'done') this.client = 'might-switch-protocol'
    if (!this.keepAlive) {
      if (this.client === 'done') this.client = 'must-close'
      if (this.server === 'done') this.server = 'must-close'
    }
    if (this.client === 'done' && this.server === 'done') {
      this.client = 'idle'
      this.server = 'idle'
    }
  }
}
