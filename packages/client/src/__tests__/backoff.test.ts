import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveReconnectOptions } from '../backoff.js';

describe('backoffDelay', () => {
  const options = resolveReconnectOptions();

  it('doubles the nominal delay from 250 ms and caps it at 15 s', () => {
    const nominal = [0, 1, 2, 3, 4, 5, 6, 7, 10].map((retry) => backoffDelay(retry, options, () => 1));
    expect(nominal).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('jitters every delay into [0.5, 1] of the nominal value', () => {
    const samples = Array.from({ length: 200 }, () => backoffDelay(3, options));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(2000);
    expect(new Set(samples).size).toBeGreaterThan(20);
  });

  it('retries forever by default', () => {
    expect(options).toEqual({ enabled: true, initialDelayMs: 250, maxDelayMs: 15_000, maxAttempts: Number.POSITIVE_INFINITY });
  });
});
