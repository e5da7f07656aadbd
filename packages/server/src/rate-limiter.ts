/**
 * A token bucket: `ratePerSecond` refill, `burst` capacity. `take()` answers whether a message
 * may pass; `overdrawn` tells when a peer keeps sending far beyond its budget.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  #refused = 0;

  /**
   * `now` and `take`'s are milliseconds on a monotonic clock (`performance.now()` by default; tests
   * pass their own). The clock is an argument rather than a field: one limiter per idle connection.
   */
  constructor(ratePerSecond: number, burst: number, now: number = performance.now()) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#refilledAt = now;
  }

  /** Takes `cost` tokens (a fraction for cheap messages); false when the budget is spent. */
  take(cost = 1, now: number = performance.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = now;
    if (this.#tokens >= cost) {
      // A pass that only a refill just allowed does not end a flood: a peer sending steadily above
      // the rate gets one through per refilled token, and resetting on it meant a flood was only
      // ever closed when a whole burst of refusals arrived between two refills (one read batch).
      // The count starts over once the peer slowed down enough for half the burst to come back.
      if (this.#tokens >= this.#burst / 2) this.#refused = 0;
      this.#tokens -= cost;
      return true;
    }
    this.#refused++;
    return false;
  }

  /** True once a burst's worth of messages has been refused without the budget recovering in between. */
  get overdrawn(): boolean {
    return this.#refused >= this.#burst;
  }
}
