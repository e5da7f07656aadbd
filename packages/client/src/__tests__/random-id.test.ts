import { describe, expect, it } from 'vitest';
import { randomId } from '../random-id.js';

describe('randomId', () => {
  it('gives base64url ids of the asked length, all different, across many refills of its random pool', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => randomId(i % 7 === 0 ? 64 : 22));
    for (const [i, id] of ids.entries()) expect(id).toMatch(i % 7 === 0 ? /^[A-Za-z0-9_-]{64}$/ : /^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every one of the 64 characters turns up, about evenly (2000 ids hold ~52,000 characters).
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(64);
    const average = [...counts.values()].reduce((a, b) => a + b, 0) / 64;
    for (const count of counts.values()) expect(Math.abs(count - average)).toBeLessThan(average * 0.25);
  });
});
