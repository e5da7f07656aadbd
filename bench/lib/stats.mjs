/** Percentile (nearest-rank on a sorted copy); NaN for an empty list. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const ratio = (value, base) => (Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? value / base : NaN);

export function fmt(value, digits = 2) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (value === Infinity) return '∞';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(digits);
}

/**
 * The median of `values` with a bootstrap confidence interval (percentile method, `resamples`
 * draws with replacement, a fixed-seed generator so a rerun on the same figures prints the same
 * interval). For the ratios of paired windows: one window's p99 rests on its few slowest
 * messages, so single ratios swing by a third either way on this machine, and only many pairs
 * say on which side of 1 the median lies.
 */
export function medianWithCi(values, { level = 0.95, resamples = 5000 } = {}) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: NaN, low: NaN, high: NaN };
  let seed = 0x2545f491;
  const random = () => {
    // xorshift32: enough for resampling indices, and reproducible
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const medians = new Float64Array(resamples);
  const draw = new Array(finite.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < finite.length; i++) draw[i] = finite[Math.floor(random() * finite.length)];
    medians[r] = median(draw);
  }
  medians.sort();
  const tail = (1 - level) / 2;
  return { median: median(finite), low: medians[Math.floor(tail * resamples)], high: medians[Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1)] };
}
