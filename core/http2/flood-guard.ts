/**
 * Flood budgets without a clock. A `Budget` holds tokens: frames that cost us work without
 * moving a request forward spend one, frames that do useful work earn one back, never past
 * the cap. A peer that spends faster than it earns runs out, and the connection ends with
 * GOAWAY(ENHANCE_YOUR_CALM). Legitimate traffic earns as it goes, so a long-lived busy
 * connection never runs dry; an idle one can still send `cap` control frames in a row.
 * @module
 */

/** A token bucket refilled by work instead of time. */
export class Budget {
  readonly cap: number
  #tokens: number

  constructor(cap: number) {
    this.cap = cap
    this.#tokens = cap
  }

  /** Tokens left. */
  get tokens(): number {
    return this.#tokens
  }

  /** Spends one token; false when none was left (the peer is flooding). */
  spend(): boolean {
    if (this.#tokens === 0) return false
    this.#tokens--
    return true
  }

  /** Earns one token back, up to the cap. */
  earn(): void {
    if (this.#tokens < this.cap) this.#tokens++
  }
}
