/**
 * A bounded set of recently seen ids (least recently seen evicted first), used to drop a message
 * delivered twice, e.g. when a resend crossed a lost acknowledgement.
 *
 * @example
 * const ids = new RecentIds(4096);
 * ids.seen('m-1'); // false
 * ids.seen('m-1'); // true
 */
export class RecentIds {
  readonly #capacity: number;
  readonly #ids = new Set<string>();

  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  /** Records `id`; returns true if it was already recorded. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) {
      // Refresh, so an id that keeps arriving is not evicted.
      this.#ids.delete(id);
      this.#ids.add(id);
      return true;
    }
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value!);
    return false;
  }

  get size(): number {
    return this.#ids.size;
  }
}
