import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../rate-limiter.js';

/** A limiter on a clock the test moves by hand. */
function limiter(rate: number, burst: number) {
  let now = 0;
  const limiter = new RateLimiter(rate, burst, now);
  const limits = { take: (cost?: number) => limiter.take(cost, now), get overdrawn() { return limiter.overdrawn; } };
  return { limits, advance: (ms: number) => void (now += ms) };
}

describe('RateLimiter', () => {
  it('lets a burst through, then refills at the rate', () => {
    const { limits, advance } = limiter(10, 5);
    expect(Array.from({ length: 6 }, () => limits.take())).toEqual([true, true, true, true, true, false]);
    advance(100); // one token
    expect(limits.take()).toBe(true);
    expect(limits.take()).toBe(false);
    expect(limits.overdrawn).toBe(false);
  });

  it('is overdrawn after a burst of refusals in a row', () => {
    const { limits } = limiter(10, 5);
    for (let i = 0; i < 5; i++) limits.take();
    for (let i = 0; i < 4; i++) limits.take();
    expect(limits.overdrawn).toBe(false);
    limits.take();
    expect(limits.overdrawn).toBe(true);
  });

  it('is overdrawn by a steady flood even though a refilled token lets one message through now and then', () => {
    const { limits, advance } = limiter(10, 5);
    for (let i = 0; i < 5; i++) limits.take();
    // Four messages per refilled token: one passes, three are refused, again and again.
    for (let round = 0; round < 2 && !limits.overdrawn; round++) {
      advance(100);
      expect([limits.take(), limits.take(), limits.take(), limits.take()]).toEqual([true, false, false, false]);
    }
    expect(limits.overdrawn).toBe(true);
  });

  it('forgives earlier refusals once the peer slowed down and half the burst came back', () => {
    const { limits, advance } = limiter(10, 6);
    for (let i = 0; i < 6 + 5; i++) limits.take(); // 5 refused
    advance(300); // 3 tokens: half the burst
    expect(limits.take()).toBe(true);
    for (let i = 0; i < 2; i++) expect(limits.take()).toBe(true);
    limits.take(); // refused: one in the new count, not six
    expect(limits.overdrawn).toBe(false);
  });
});
