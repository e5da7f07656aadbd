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

  it('retries forever by default', () => {
    expect(options).toEqual({ enabled: true, initialDelayMs: 500, maxDelayMs: 15_000, maxAttempts: Number.POSITIVE_INFINITY });
  });
});
