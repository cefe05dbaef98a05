// ConnectionState (h11 `_state.py`): the transition tables row by row, the state-triggered
// transitions (keep-alive, protocol switch, back to idle) and the error states.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LocalProtocolError } from '../../../core/http1/errors.ts'
import {
  ConnectionState,
  type ClientState,
  type ClientTransition,
  type ServerState,
  type ServerTransition,
} from '../../../core/http1/state.ts'

const CLIENT_STATES: ClientState[] = [
  'idle', 'send-body', 'done', 'must-close', 'might-switch-protocol', 'switched-protocol', 'closed', 'error',
]
const SERVER_STATES: ServerState[] = [
  'idle', 'send-response', 'send-body', 'done', 'must-close', 'switched-protocol', 'closed', 'error',
]
const CLIENT_EVENTS: ClientTransition[] = ['request', 'end', 'closed']
const SERVER_EVENTS: ServerTransition[] = ['informational', 'response', 'end', 'closed']

/** The spec: every allowed transition. Anything not listed is refused. */
const CLIENT_ALLOWED: Record<ClientState, Partial<Record<ClientTransition, ClientState>>> = {
  'idle': { request: 'send-body', closed: 'closed' },
  'send-body': { end: 'done' },
  'done': { closed: 'closed' },
  'must-close': { closed: 'closed' },
  'might-switch-protocol': { closed: 'closed' },
  'switched-protocol': { closed: 'closed' },
  'closed': { closed: 'closed' },
  'error': {},
}
const SERVER_ALLOWED: Record<ServerState, Partial<Record<ServerTransition, ServerState>>> = {
  'idle': { closed: 'closed' },
  'send-response': { informational: 'send-response', response: 'send-body' },
  'send-body': { end: 'done' },
  'done': { closed: 'closed' },
  'must-close': { closed: 'closed' },
  'switched-protocol': { closed: 'closed' },
  'closed': { closed: 'closed' },
  'error': {},
}

/** A state machine put straight into the given states (the fields are public). */
function at(client: ClientState, server: ServerState): ConnectionState {
  const s = new ConnectionState()
  s.client = client
  s.server = server
  return s
}

const snapshot = (s: ConnectionState): object => ({
  client: s.client, server: s.server, keepAlive: s.keepAlive, pendingSwitch: s.pendingSwitch,
})

function expectInvalidState(action: () => void): void {
  let caught: unknown
  try {
    action()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(LocalProtocolError)
  expect(caught).toMatchObject({ code: 'invalid-state', statusHint: 500 })
}

describe('client transition table', () => {
  // The server is held in send-body, so no state-triggered transition hides the table's target.
  for (const from of CLIENT_STATES) {
    for (const event of CLIENT_EVENTS) {
      const to = CLIENT_ALLOWED[from][event]
      if (to !== undefined) {
        it(`${from} --${event}--> ${to}`, () => {
          const s = at(from, 'send-body')
          s.clientEvent(event)
          expect(s.client).toBe(to)
          expect(s.server).toBe('send-body')
        })
      } else {
        it(`${from} refuses ${event}`, () => {
          const s = at(from, 'send-body')
          const before = snapshot(s)
          expectInvalidState(() => s.clientEvent(event))
          expect(snapshot(s)).toEqual(before)
        })
      }
    }
  }
})

describe('server transition table', () => {
  // The client is held in send-body, so a server reaching done stays there.
  for (const from of SERVER_STATES) {
    for (const event of SERVER_EVENTS) {
      const to = SERVER_ALLOWED[from][event]
      if (to !== undefined) {
        it(`${from} --${event}--> ${to}`, () => {
          const s = at('send-body', from)
          s.serverEvent(event)
          expect(s.server).toBe(to)
          expect(s.client).toBe('send-body')
        })
      } else {
        it(`${from} refuses ${event}`, () => {
          const s = at('send-body', from)
          const before = snapshot(s)
          expectInvalidState(() => s.serverEvent(event))
          expect(snapshot(s)).toEqual(before)
        })
      }
    }
  }
})

describe('one exchange', () => {
  it('starts idle on both sides with keep-alive on and no switch pending', () => {
    expect(snapshot(new ConnectionState())).toEqual({
      client: 'idle', server: 'idle', keepAlive: true, pendingSwitch: false,
    })
  })

  it('a request moves an idle server to send-response', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    expect([s.client, s.server]).toEqual(['send-body', 'send-response'])
  })

  it('returns both sides to idle when the client finishes last', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.serverEvent('informational')
    expect(s.server).toBe('send-response')
    s.serverEvent('response')
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['send-body', 'done'])
    s.clientEvent('end')
    expect([s.client, s.server]).toEqual(['idle', 'idle'])
  })

  it('returns both sides to idle when the server finishes last', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.clientEvent('end')
    expect([s.client, s.server]).toEqual(['done', 'send-response'])
    s.serverEvent('response')
    expect([s.client, s.server]).toEqual(['done', 'send-body'])
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['idle', 'idle'])
    expect(s.mustClose).toBe(false)
  })

  it('serves a second request on the same connection', () => {
    const s = new ConnectionState()
    for (let i = 0; i < 2; i++) {
      s.clientEvent('request')
      s.clientEvent('end')
      s.serverEvent('response')
      s.serverEvent('end')
    }
    expect([s.client, s.server]).toEqual(['idle', 'idle'])
  })

  it('an idle client closing leaves the idle server idle', () => {
    const s = new ConnectionState()
    s.clientEvent('closed')
    expect([s.client, s.server]).toEqual(['closed', 'idle'])
    s.serverEvent('closed')
    expect(s.server).toBe('closed')
    expect(s.mustClose).toBe(true)
  })
})

describe('keep-alive off (RFC 9112 §9.6)', () => {
  function exchange(s: ConnectionState): void {
    s.clientEvent('request')
    s.clientEvent('end')
    s.serverEvent('response')
    s.serverEvent('end')
  }

  it('ends the exchange in must-close on both sides instead of idle', () => {
    const s = new ConnectionState()
    s.disableKeepAlive()
    exchange(s)
    expect([s.client, s.server]).toEqual(['must-close', 'must-close'])
    expect(s.mustClose).toBe(true)
    expectInvalidState(() => s.clientEvent('request'))
  })

  it('leaves both idle sides idle: only done moves to must-close', () => {
    const s = new ConnectionState()
    s.disableKeepAlive()
    expect([s.client, s.server, s.keepAlive]).toEqual(['idle', 'idle', false])
    expect(s.mustClose).toBe(false)
  })

  it('moves a client already done to must-close at once', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.clientEvent('end')
    s.serverEvent('response')
    expect(s.client).toBe('done')
    s.disableKeepAlive()
    expect([s.client, s.server]).toEqual(['must-close', 'send-body'])
    expect(s.mustClose).toBe(false)
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['must-close', 'must-close'])
  })

  it('moves a server already done to must-close at once', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.serverEvent('response')
    s.serverEvent('end')
    expect(s.server).toBe('done')
    s.disableKeepAlive()
    expect([s.client, s.server]).toEqual(['send-body', 'must-close'])
    expect(s.mustClose).toBe(true)
    s.clientEvent('end')
    expect(s.client).toBe('must-close')
  })

  it('is cleared for good: nothing turns it back on', () => {
    const s = new ConnectionState()
    s.disableKeepAlive()
    exchange(s)
    s.disableKeepAlive()
    s.clientEvent('closed')
    s.serverEvent('closed')
    expect(snapshot(s)).toEqual({ client: 'closed', server: 'closed', keepAlive: false, pendingSwitch: false })
  })

  it('must-close accepts only closed', () => {
    const s = new ConnectionState()
    s.disableKeepAlive()
    exchange(s)
    s.clientEvent('closed')
    s.serverEvent('closed')
    expect([s.client, s.server]).toEqual(['closed', 'closed'])
  })
})

describe('protocol switch (RFC 9110 §7.8, §9.3.6)', () => {
  function proposed(): ConnectionState {
    const s = new ConnectionState()
    s.pendingSwitch = true
    s.clientEvent('request')
    return s
  }

  it('a client done with a pending switch waits in might-switch-protocol', () => {
    const s = proposed()
    s.clientEvent('end')
    expect([s.client, s.server]).toEqual(['might-switch-protocol', 'send-response'])
    expectInvalidState(() => s.clientEvent('request'))
    expectInvalidState(() => s.clientEvent('end'))
  })

  it('an informational response (100) does not decide the switch', () => {
    const s = proposed()
    s.clientEvent('end')
    s.serverEvent('informational')
    expect([s.client, s.server, s.pendingSwitch]).toEqual(['might-switch-protocol', 'send-response', true])
  })

  it('an accepted switch (101, or 2xx to CONNECT) moves both sides to switched-protocol', () => {
    const s = proposed()
    s.clientEvent('end')
    s.serverEvent('response', true)
    expect([s.client, s.server]).toEqual(['switched-protocol', 'switched-protocol'])
    expect(s.mustClose).toBe(false)
    expectInvalidState(() => s.serverEvent('end'))
    expectInvalidState(() => s.clientEvent('request'))
    s.clientEvent('closed')
    s.serverEvent('closed')
    expect([s.client, s.server]).toEqual(['closed', 'closed'])
  })

  it('a refused switch (any other final response) goes on with HTTP/1.1', () => {
    const s = proposed()
    s.clientEvent('end')
    s.serverEvent('response')
    expect([s.client, s.server, s.pendingSwitch]).toEqual(['done', 'send-body', false])
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['idle', 'idle'])
  })

  it('a refused switch with keep-alive off ends in must-close', () => {
    const s = proposed()
    s.disableKeepAlive()
    s.clientEvent('end')
    // might-switch-protocol is not done, so keep-alive off does not move it yet.
    expect(s.client).toBe('might-switch-protocol')
    s.serverEvent('response')
    expect(s.client).toBe('must-close')
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['must-close', 'must-close'])
  })

  it('a response refused before the client finished cancels the switch for good', () => {
    const s = proposed()
    s.serverEvent('response')
    expect(s.pendingSwitch).toBe(false)
    s.clientEvent('end')
    expect(s.client).toBe('done')
    s.serverEvent('end')
    expect([s.client, s.server]).toEqual(['idle', 'idle'])
  })

  it('ignores switchAccepted when no switch was asked for', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.clientEvent('end')
    s.serverEvent('response', true)
    expect([s.client, s.server]).toEqual(['done', 'send-body'])
  })

  // A 101 while the request body is still arriving would hand the rest of that body to the
  // new protocol. h11 refuses it (a switch needs MIGHT_SWITCH_PROTOCOL, after EndOfMessage);
  // RFC 7540 §3.2 (h2c) has the body sent in full before the new protocol's bytes.
  it('refuses a switch before the request body ended (h11): the bytes after it are still body', () => {
    const s = proposed()
    expectInvalidState(() => s.serverEvent('response', true))
    expect([s.client, s.server]).toEqual(['send-body', 'send-response'])
    s.clientEvent('end')
    s.serverEvent('response', true)
    expect([s.client, s.server]).toEqual(['switched-protocol', 'switched-protocol'])
  })
})

describe('error states', () => {
  it('a client error is terminal for the client and turns keep-alive off', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.error('client')
    expect([s.client, s.server, s.keepAlive]).toEqual(['error', 'send-response', false])
    for (const event of CLIENT_EVENTS) expectInvalidState(() => s.clientEvent(event))
    expect(s.client).toBe('error')
  })

  it('after a client error the server can still answer, then must close', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.error('client')
    expect(s.mustClose).toBe(false)
    s.serverEvent('response')
    s.serverEvent('end')
    expect(s.server).toBe('must-close')
    expect(s.mustClose).toBe(true)
  })

  it('a server error is terminal for the server and means close', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.serverEvent('response')
    s.error('server')
    expect([s.client, s.server, s.keepAlive]).toEqual(['send-body', 'error', false])
    expect(s.mustClose).toBe(true)
    for (const event of SERVER_EVENTS) expectInvalidState(() => s.serverEvent(event))
    expect(s.server).toBe('error')
  })

  it('an error on an idle connection needs no request', () => {
    const s = new ConnectionState()
    s.error('client')
    expect([s.client, s.server, s.keepAlive]).toEqual(['error', 'idle', false])
  })

  // h11: (ERROR, DONE) → MUST_CLOSE. A chunked POST answered early, then 'zz\r\n' as a chunk
  // size: the server, done, must close.
  it('an error moves the other side from done to must-close', () => {
    const s = new ConnectionState()
    s.clientEvent('request')
    s.serverEvent('response')
    s.serverEvent('end')
    expect(s.server).toBe('done')
    s.error('client')
    expect(s.server).toBe('must-close')
    expect(s.mustClose).toBe(true)
  })
})

describe('mustClose', () => {
  for (const server of SERVER_STATES) {
    const expected = server === 'must-close' || server === 'error' || server === 'closed'
    it(`is ${expected} with the server in ${server}`, () => {
      expect(at('send-body', server).mustClose).toBe(expected)
    })
  }
})

describe('properties over random event sequences', () => {
  type Op =
    | { side: 'client'; event: ClientTransition }
    | { side: 'server'; event: ServerTransition; switchAccepted: boolean }
    | { side: 'disable' }
    | { side: 'propose' }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constantFrom(...CLIENT_EVENTS).map((event) => ({ side: 'client', event }) as const),
    fc.record({ side: fc.constant('server' as const), event: fc.constantFrom(...SERVER_EVENTS), switchAccepted: fc.boolean() }),
    fc.constant({ side: 'disable' } as const),
    fc.constant({ side: 'propose' } as const),
  )

  function apply(s: ConnectionState, o: Op): boolean {
    try {
      if (o.side === 'client') s.clientEvent(o.event)
      else if (o.side === 'server') s.serverEvent(o.event, o.switchAccepted)
      else if (o.side === 'disable') s.disableKeepAlive()
      else if (s.client === 'idle') s.pendingSwitch = true // as Connection sets it before 'request'
      return true
    } catch (error) {
      expect(error).toBeInstanceOf(LocalProtocolError)
      expect(error).toMatchObject({ code: 'invalid-state' })
      return false
    }
  }

  it('a refused event changes nothing; settled states never rest in (done, done) or in done without keep-alive', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const s = new ConnectionState()
        for (const o of ops) {
          const before = snapshot(s)
          const wasKeepAlive = s.keepAlive
          if (!apply(s, o)) expect(snapshot(s)).toEqual(before)
          expect(CLIENT_STATES).toContain(s.client)
          expect(SERVER_STATES).toContain(s.server)
          expect(s.client === 'done' && s.server === 'done').toBe(false)
          if (!s.keepAlive) expect([s.client, s.server]).not.toContain('done')
          if (!wasKeepAlive) expect(s.keepAlive).toBe(false)
        }
      }),
    )
  })

  it('error and closed are terminal', () => {
    const withErrors = fc.oneof(op, fc.constantFrom('client', 'server').map((side) => ({ side: 'error', at: side }) as const))
    fc.assert(
      fc.property(fc.array(withErrors, { maxLength: 40 }), (ops) => {
        const s = new ConnectionState()
        for (const o of ops) {
          const client = s.client
          const server = s.server
          if (o.side === 'error') s.error(o.at)
          else apply(s, o)
          if (client === 'error') expect(s.client).toBe('error')
          if (server === 'error') expect(s.server).toBe('error')
          // Only error() leaves closed (a failure noticed after the close).
          if (client === 'closed' && o.side !== 'error') expect(s.client).toBe('closed')
          if (server === 'closed' && o.side !== 'error') expect(s.server).toBe('closed')
        }
      }),
    )
  })
})
