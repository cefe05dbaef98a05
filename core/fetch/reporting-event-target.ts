/**
 * An `EventTarget` that hands its listeners' failures back to whoever dispatched the event,
 * for sockets whose events are dispatched from inside a server handler: an error a listener
 * throws (or a promise it returns that rejects) is rethrown by `dispatchEvents()` once every
 * listener has run, so the server can log it and close the socket, as it does for its own
 * handlers. A plain EventTarget reports it as an uncaught error instead, which ends the
 * process on some runtimes.
 *
 * Also the HTML event handler attributes (`onopen`…: registered where first set, removed when
 * set to null), and `CloseEvent` where the runtime has none.
 * @module
 */

/** An `on…` attribute's value. */
export type EventHandler = ((event: Event) => unknown) | null

type Listener = EventListenerOrEventListenerObject

/** The fields of a `CloseEvent`. */
export interface CloseEventFields extends EventInit {
  code?: number
  reason?: string
  wasClean?: boolean
}

/** The runtime's `CloseEvent`, or where it has none one of the same shape. */
export const CloseEventClass: new (type: string, init?: CloseEventFields) => Event = typeof CloseEvent === 'function'
  ? CloseEvent
  : class CloseEvent extends Event {
    readonly #code: number
    readonly #reason: string
    readonly #wasClean: boolean
    constructor(type: string, init: CloseEventFields = {}) {
      super(type, init)
      this.#code = init.code ?? 0
      this.#reason = init.reason ?? ''
      this.#wasClean = init.wasClean ?? false
    }
    get code(): number {
      return this.#code
    }
    get reason(): string {
      return this.#reason
    }
    get wasClean(): boolean {
      return this.#wasClean
    }
  }

/**
 * Dispatches `events` in order on `target`. The first error a listener threw is thrown once
 * all have run; promises listeners returned are awaited (a rejection rejects). Set in the
 * class's static block, so that it is not a member apps can see.
 */
export let dispatchEvents: (target: ReportingEventTarget, events: Event[]) => void | Promise<void>
/** The `on${type}` attribute's value. */
export let getEventHandler: (target: ReportingEventTarget, type: string) => EventHandler
/** Sets the `on${type}` attribute. */
export let setEventHandler: (target: ReportingEventTarget, type: string, handler: EventHandler) => void

/** See the module comment. */
export class ReportingEventTarget extends EventTarget {
  /** listener → `${capture}:${type}` → the wrapper registered for it. */
  readonly #wrappers = new WeakMap<object, Map<string, EventListener>>()
  readonly #handlers = new Map<string, { handler: EventHandler; wrapper: EventListener }>()
  /** What listeners threw, or the promises they returned, during the current dispatch. */
  #failures: unknown[] | null = null

  override addEventListener(type: string, listener: Listener | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, listener === null ? null : this.#wrapperOf(type, listener, options, true)!, options)
  }

  override removeEventListener(type: string, listener: Listener | null, options?: EventListenerOptions | boolean): void {
    const wrapper = listener === null ? undefined : this.#wrapperOf(type, listener, options, false)
    if (wrapper !== undefined) super.removeEventListener(type, wrapper, options)
  }

  static {
    dispatchEvents = (target, events) => target.#dispatch(events)
    getEventHandler = (target, type) => target.#handlers.get(type)?.handler ?? null
    setEventHandler = (target, type, handler) => target.#setHandler(type, handler)
  }

  #dispatch(events: Event[]): void | Promise<void> {
    const outer = this.#failures
    const failures: unknown[] = (this.#failures = [])
    try {
      for (const event of events) this.dispatchEvent(event)
    } finally {
      this.#failures = outer
    }
    const pending = failures.filter((f) => f instanceof Promise)
    const thrown = failures.filter((f) => !(f instanceof Promise))
    if (thrown.length > 0) {
      for (const promise of pending) void promise.catch(() => {})
      throw thrown[0]
    }
    if (pending.length > 0) return Promise.all(pending).then(() => {})
  }

  /** Calls a listener, keeping what it throws (or the promise it returns) for `#dispatch`. */
  #invoke(listener: Listener, event: Event): void {
    try {
      const result: unknown = typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event)
      if (result instanceof Promise) this.#failures?.push(result)
    } catch (error) {
      // A thrown Promise would pass for a returned one.
      this.#failures?.push(error instanceof Promise ? new TypeError('a listener threw a Promise') : error)
    }
  }

  /** The wrapper registered for (type, listener, capture): the same one each time, as removal needs. */
  #wrapperOf(type: string, listener: Listener, options: EventListenerOptions | boolean | undefined, create: boolean): EventListener | undefined {
    const capture = typeof options === 'boolean' ? options : options?.capture === true
    const key = `${capture}:${type}`
    let byKey = this.#wrappers.get(listener)
    if (byKey === undefined) {
      if (!create) return undefined
      this.#wrappers.set(listener, (byKey = new Map()))
    }
    let wrapper = byKey.get(key)
    if (wrapper === undefined && create) byKey.set(key, (wrapper = (event: Event) => this.#invoke(listener, event)))
    return wrapper
  }

  /** HTML event handler attributes: registered where first set, removed when set to null. */
  #setHandler(type: string, handler: EventHandler): void {
    const current = this.#handlers.get(type)
    if (typeof handler !== 'function') {
      if (current !== undefined) {
        super.removeEventListener(type, current.wrapper)
        this.#handlers.delete(type)
      }
      return
    }
    if (current !== undefined) {
      current.handler = handler
      return
    }
    const entry = {
      handler,
      wrapper: (event: Event) => {
        if (entry.handler !== null) this.#invoke(entry.handler as EventListener, event)
      },
    }
    this.#handlers.set(type, entry)
    super.addEventListener(type, entry.wrapper)
  }
}
