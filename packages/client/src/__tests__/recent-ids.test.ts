import { describe, expect, it } from 'vitest';
import { RecentIds } from '../recent-ids.js';

describe('RecentIds', () => {
  it('reports repeats and forgets the least recently seen id beyond its capacity', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c'].map((id) => ids.seen(id))).toEqual([false, false, false]);
    expect(ids.seen('a')).toBe(true); // refreshes a
    expect(ids.seen('d')).toBe(false); // evicts b
    expect(ids.size).toBe(3);
    expect(ids.seen('b')).toBe(false);
    expect(ids.seen('a')).toBe(true);
  });
});
