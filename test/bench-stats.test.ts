import { describe, expect, it } from 'vitest';

// The statistics the bench reads its document p99 target with (bench/lib/stats.mjs, host-steal.mjs).
// They are plain JavaScript modules outside the packages: imported by URL, typed here.
interface Window {
  value: number;
  steal: number;
}
interface Adjusted {
  ratio: number;
  low: number;
  high: number;
  perPercent: number;
  pairs: number;
}
interface Stats {
  stealAdjustedRatio(pairs: { a: Window; b: Window }[]): Adjusted;
  medianWithCi(values: number[]): { median: number; low: number; high: number };
  readInterval(interval: { low: number; high: number }, pairs: number, baseline: string): string;
}
interface HostSteal {
  hostCpuTimes(): { steal: number; total: number } | null;
  stealShare(before: unknown, after: unknown): number;
}
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, import.meta.url).href)) as T;
const stats = await load<Stats>('../bench/lib/stats.mjs');
const hostSteal = await load<HostSteal>('../bench/lib/host-steal.mjs');

/** Deterministic paired windows: p99 = base × effect^(steal %) × noise, target A `ratio` times B. */
function windows(count: number, { ratio, stealA, stealB }: { ratio: number; stealA: () => number; stealB: () => number }): { a: Window; b: Window }[] {
  let seed = 7;
  const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const p99 = (steal: number, factor: number): number => factor * 5 * 1.08 ** (steal * 100) * Math.exp((random() - 0.5) * 0.2);
  return Array.from({ length: count }, () => {
    const a = stealA();
    const b = stealB();
    return { a: { value: p99(a, ratio), steal: a }, b: { value: p99(b, 1), steal: b } };
  });
}

describe('bench statistics', () => {
  it('compares two targets at equal host steal, where the per-pair median is misled by unequal steal', () => {
    // A is 10 % faster, but its windows were stolen more (4-6 % of the machine against 0-2 %).
    let i = 0;
    const pairs = windows(60, { ratio: 0.9, stealA: () => 0.04 + ((i++ % 5) / 5) * 0.02, stealB: () => ((i % 7) / 7) * 0.02 });
    const naive = stats.medianWithCi(pairs.map(({ a, b }) => a.value / b.value));
    expect(naive.low).toBeGreaterThan(1); // read naively, A looks slower
    const adjusted = stats.stealAdjustedRatio(pairs);
    expect(adjusted.pairs).toBe(60);
    expect(adjusted.ratio).toBeGreaterThan(0.85);
    expect(adjusted.ratio).toBeLessThan(0.95);
    expect(adjusted.high).toBeLessThan(1);
    expect(adjusted.low).toBeLessThan(adjusted.ratio);
    expect(adjusted.perPercent).toBeGreaterThan(1.05);
    expect(adjusted.perPercent).toBeLessThan(1.11);
  });

  it('reads an interval as a verdict only from ten pairs or more', () => {
    expect(stats.readInterval({ low: 0.8, high: 0.95 }, 9, 'y-ws')).toMatch(/too few pairs/);
    expect(stats.readInterval({ low: 0.8, high: 0.95 }, 10, 'y-ws')).toBe('no worse than y-ws');
    expect(stats.readInterval({ low: 1.02, high: 1.2 }, 40, 'y-ws')).toBe('worse than y-ws');
    expect(stats.readInterval({ low: 0.97, high: 1.05 }, 104, 'y-ws')).toBe('undecided at this sample size');
    expect(stats.medianWithCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ median: 5.5, low: 3, high: 8 });
  });

  it('drops windows without a figure and gives no ratio without two usable pairs', () => {
    const good = windows(2, { ratio: 1, stealA: () => 0.01, stealB: () => 0.03 });
    const garbage = [
      { a: { value: Number.NaN, steal: 0.01 }, b: { value: 5, steal: 0.01 } },
      { a: { value: 5, steal: Number.NaN }, b: { value: 5, steal: 0.01 } },
      { a: { value: 0, steal: 0.01 }, b: { value: 5, steal: 0.02 } },
      { a: { value: 5, steal: 0.01 }, b: { value: -1, steal: 0.02 } },
    ];
    expect(stats.stealAdjustedRatio([...garbage, good[0]!]).ratio).toBeNaN();
    expect(stats.stealAdjustedRatio([...garbage, ...good]).pairs).toBe(2);
    expect(stats.stealAdjustedRatio([]).ratio).toBeNaN();
  });

  it('reads the host steal from /proc/stat, and gives NaN for a missing or backwards reading', () => {
    const now = hostSteal.hostCpuTimes();
    if (process.platform === 'linux') {
      expect(now).not.toBeNull();
      expect(now!.steal).toBeGreaterThanOrEqual(0);
      expect(now!.total).toBeGreaterThan(now!.steal);
    }
    expect(hostSteal.stealShare(null, now)).toBeNaN();
    expect(hostSteal.stealShare({ steal: 5, total: 100 }, { steal: 5, total: 100 })).toBeNaN();
    expect(hostSteal.stealShare({ steal: 5, total: 100 }, { steal: 15, total: 300 })).toBeCloseTo(0.05);
  });
});
