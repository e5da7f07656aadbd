/** Mixed in between the two strings of a key: above any UTF-16 code unit. */
const SEPARATOR = 0x10000;

/**
 * The last `capacity` distinct keys seen, for dropping a message delivered twice (a resend that
 * crossed a lost acknowledgement). A key is a pair of strings (sender, message id).
 *
 * Why not a `Set` of strings: a room remembers 16,384 keys, so every message's key string stayed
 * alive long enough to be copied by the young-generation GC, promoted, and collected again later.
 * Here a key is kept as a 63-bit seeded hash in typed arrays (an open-addressing table plus a ring
 * in arrival order), so remembering one allocates nothing. Two different keys are taken for one
 * with a chance of about `capacity / 2^63` per lookup; the seed is random per instance, so nobody
 * can prepare keys that collide with another sender's. (Our client keeps its small Set: this class
 * would add 0.6 kB to its bundle, and a client remembers 4,096 keys at message rates a person makes.)
 * Eviction is first-in first-out: a repeat does not extend a key's stay.
 *
 * @example
 * const recent = new RecentKeys(4096);
 * recent.seen('alice', 'm-1'); // false
 * recent.seen('alice', 'm-1'); // true
 */
export class RecentKeys {
  readonly #capacity: number;
  readonly #seed: number;
  /** Hash halves by table slot; a slot is empty when its `#lo` is 0 (stored halves are odd). */
  #hi = new Uint32Array(0);
  #lo = new Uint32Array(0);
  #mask = -1;
  /** The kept keys' hash halves in arrival order: `#size` of them from `#head`, wrapping. */
  #ringHi = new Uint32Array(0);
  #ringLo = new Uint32Array(0);
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#seed = (Math.random() * 2 ** 32) >>> 0;
  }

  /** How many keys are remembered (at most `capacity`). */
  get size(): number {
    return this.#size;
  }

  /** Remembers the key (`first`, `second`); returns true if it was already remembered. */
  seen(first: string, second: string): boolean {
    let h1 = this.#seed ^ 0x811c9dc5;
    let h2 = Math.imul(this.#seed, 0x9e3779b1) ^ 0x5bd1e995;
    // One pass over first, a separator no UTF-16 unit can equal, then second: ('ab', 'c') ≠ ('a', 'bc').
    const total = first.length + 1 + second.length;
    for (let i = 0; i < total; i++) {
      const code = i < first.length ? first.charCodeAt(i) : i === first.length ? SEPARATOR : second.charCodeAt(i - first.length - 1);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    const hi = finalize(h1 ^ Math.imul(h2, 0x1b873593));
    const lo = (finalize(h2 ^ Math.imul(h1, 0xe6546b64)) | 1) >>> 0;
    if (this.#find(hi, lo) >= 0) return true;
    this.#remember(hi, lo);
    return false;
  }

  /** The slot holding (hi, lo), or -1. */
  #find(hi: number, lo: number): number {
    if (this.#mask < 0) return -1;
    for (let slot = hi & this.#mask; this.#lo[slot] !== 0; slot = (slot + 1) & this.#mask) {
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return slot;
    }
    return -1;
  }

  #remember(hi: number, lo: number): void {
    if (this.#size === this.#ringHi.length) {
      if (this.#size < this.#capacity) this.#grow();
      else this.#forgetOldest();
    }
    const at = (this.#head + this.#size) % this.#ringHi.length;
    this.#ringHi[at] = hi;
    this.#ringLo[at] = lo;
    this.#size++;
    this.#insert(hi, lo);
  }

  #insert(hi: number, lo: number): void {
    let slot = hi & this.#mask;
    while (this.#lo[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
  }

  /** Doubles the ring (up to the capacity) and the table, which stays at most half full. */
  #grow(): void {
    const ringLength = Math.min(this.#capacity, Math.max(64, this.#ringHi.length * 2));
    const ringHi = new Uint32Array(ringLength);
    const ringLo = new Uint32Array(ringLength);
    for (let k = 0; k < this.#size; k++) {
      const from = (this.#head + k) % this.#ringHi.length;
      ringHi[k] = this.#ringHi[from]!;
      ringLo[k] = this.#ringLo[from]!;
    }
    let tableLength = 1;
    while (tableLength < ringLength * 2) tableLength *= 2;
    this.#ringHi = ringHi;
    this.#ringLo = ringLo;
    this.#head = 0;
    this.#hi = new Uint32Array(tableLength);
    this.#lo = new Uint32Array(tableLength);
    this.#mask = tableLength - 1;
    for (let k = 0; k < this.#size; k++) this.#insert(ringHi[k]!, ringLo[k]!);
  }

  #forgetOldest(): void {
    const slot = this.#find(this.#ringHi[this.#head]!, this.#ringLo[this.#head]!);
    this.#head = (this.#head + 1) % this.#ringHi.length;
    this.#size--;
    if (slot >= 0) this.#removeSlot(slot);
  }

  /** Linear-probing deletion: later entries of the run move back so every lookup still finds them. */
  #removeSlot(slot: number): void {
    const mask = this.#mask;
    let hole = slot;
    for (let next = (hole + 1) & mask; this.#lo[next] !== 0; next = (next + 1) & mask) {
      const home = this.#hi[next]! & mask;
      // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
      const staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (staysPut) continue;
      this.#hi[hole] = this.#hi[next]!;
      this.#lo[hole] = this.#lo[next]!;
      hole = next;
    }
    this.#hi[hole] = 0;
    this.#lo[hole] = 0;
  }
}

/** MurmurHash3's 32-bit finalizer: every input bit reaches every output bit. */
function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
