import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../recent-keys.js';

/** What RecentKeys must behave like: a first-in first-out window of distinct keys. */
class ModelWindow {
  readonly #keys = new Set<string>();
  constructor(readonly capacity: number) {}
  get size(): number {
    return this.#keys.size;
  }
  seen(first: string, second: string): boolean {
    const key = JSON.stringify([first, second]);
    if (this.#keys.has(key)) return true;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.values().next().value!);
    return false;
  }
}

describe('RecentKeys', () => {
  it('reports a repeat and forgets the oldest key beyond its capacity', () => {
    const recent = new RecentKeys(3);
    expect(['a', 'b', 'c'].map((id) => recent.seen('alice', id))).toEqual([false, false, false]);
    expect(recent.seen('alice', 'a')).toBe(true);
    expect(recent.seen('alice', 'd')).toBe(false); // a, the oldest, is forgotten
    expect(recent.size).toBe(3);
    expect(recent.seen('alice', 'a')).toBe(false);
    expect(recent.seen('alice', 'c')).toBe(true);
  });

  it('keeps the two strings of a key apart', () => {
    const recent = new RecentKeys(16);
    expect(recent.seen('ab', 'c')).toBe(false);
    expect(recent.seen('a', 'bc')).toBe(false);
    expect(recent.seen('abc', '')).toBe(false);
    expect(recent.seen('', 'abc')).toBe(false);
    expect(recent.seen('bob', 'm-1')).toBe(false);
    expect(recent.seen('alice', 'm-1')).toBe(false);
    expect(recent.seen('ab', 'c')).toBe(true);
    expect(recent.seen('é', '\u{1F600}')).toBe(false);
    expect(recent.seen('é', '\u{1F600}')).toBe(true);
  });

  it('agrees with a plain first-in first-out window over a long random run, through growth and wrap-around', () => {
    let state = 12345;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (const capacity of [1, 2, 7, 64, 65, 1000]) {
      const recent = new RecentKeys(capacity);
      const model = new ModelWindow(capacity);
      const universe = capacity * 3 + 5;
      const disagreements: string[] = [];
      for (let step = 0; step < 20_000; step++) {
        const sender = `p${random(4)}`;
        const id = `m-${random(universe)}`;
        const [got, want] = [recent.seen(sender, id), model.seen(sender, id)];
        if (got !== want) disagreements.push(`step ${step}: ${sender} ${id} seen=${got}, expected ${want}`);
      }
      expect(disagreements.slice(0, 5), `capacity ${capacity}`).toEqual([]);
      expect(recent.size).toBe(model.size);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RecentKeys(capacity)).toThrow(RangeError);
    }
  });
});
