import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveReconnectOptions } from '../backoff.js';

describe('backoffDelay', () => {
  const options = resolveReconnectOptions();

  it('doubles the nominal delay from 500 ms and caps it at 15 s', () => {
    const nominal = [0, 1, 2, 3, 4, 5, 6, 7, 10].map((retry) => backoffDelay(retry, options, () => 1));
    expect(nominal).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
  });

  it('jitters every delay into [0.2, 1] of the nominal value, never retrying at once', () => {
    const samples = Array.from({ length: 200 }, () => backoffDelay(3, options));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...samples)).toBeLessThanOrEqual(4000);
    expect(backoffDelay(0, options, () => 0)).toBe(100);
    expect(new Set(samples).size).toBeGreaterThan(20);
  });

  it('spreads the first retries of 500 clients dropped at once over 400 ms, at most a third in any 100 ms', () => {
    // Seeded, so the check is exact; test/reliability-storm.test.ts measures the same on real sockets.
    let seed = 42;
    const random = (): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const firstRetries = Array.from({ length: 500 }, () => backoffDelay(0, options, random)).sort((a, b) => a - b);
    expect(firstRetries[0]).toBeGreaterThanOrEqual(100);
    expect(firstRetries.at(-1)).toBeLessThanOrEqual(500);
    let peak = 0;
    for (let start = 0, end = 0; end < firstRetries.length; end++) {
      while (firstRetries[end]! - firstRetries[start]! >= 100) start++;
      peak = Math.max(peak, end - start + 1);
    }
    expect(peak).toBeGreaterThan(100); // the seeded sample is not degenerate
    expect(peak).toBeLessThan(500 / 3);
  });

  it('retries forever by default', () => {
    expect(options).toEqual({ enabled: true, initialDelayMs: 500, maxDelayMs: 15_000, maxAttempts: Number.POSITIVE_INFINITY });
  });
});
