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

/** A reproducible generator of numbers in [0, 1) (xorshift32): enough for resampling indices. */
function seededRandom(seed = 0x2545f491) {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
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
  const random = seededRandom();
  const medians = new Float64Array(resamples);
  const draw = new Array(finite.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < finite.length; i++) draw[i] = finite[Math.floor(random() * finite.length)];
    medians[r] = median(draw);
  }
  medians.sort();
  return { median: median(finite), ...interval(medians, level) };
}

/** The central `level` interval of sorted bootstrap estimates (percentile method). */
function interval(sorted, level) {
  const tail = (1 - level) / 2;
  return { low: sorted[Math.floor(tail * sorted.length)], high: sorted[Math.min(sorted.length - 1, Math.ceil((1 - tail) * sorted.length) - 1)] };
}

/**
 * How to read a Convene/baseline ratio's interval: no verdict from fewer than ten pairs (a
 * bootstrap over a handful is far too narrow), "no worse" only when the whole interval is ≤ 1.
 */
export function readInterval({ low, high }, pairs, baseline) {
  if (pairs < 10) return 'too few pairs to read; run 10 or more';
  if (high <= 1) return `no worse than ${baseline}`;
  return low > 1 ? `worse than ${baseline}` : 'undecided at this sample size';
}

/**
 * The ratio of a per-window figure between two targets at equal host steal, from paired windows
 * `{ a: { value, steal }, b: { value, steal } }`: least squares of log(value) on which target ran
 * and the window's steal share, so a pair whose two windows were stolen unequally does not count
 * as a difference between the targets. The interval resamples whole pairs (fixed seed). Also
 * returns the fitted effect of steal: how many times the figure grows per 1 % of the machine's
 * CPU stolen. NaN when the windows carry no steal.
 */
export function stealAdjustedRatio(pairs, { level = 0.95, resamples = 2000 } = {}) {
  const usable = pairs.filter(({ a, b }) => [a.value, b.value, a.steal, b.steal].every(Number.isFinite) && a.value > 0 && b.value > 0);
  const fit = (sample) => {
    const rows = sample.flatMap(({ a, b }) => [
      [1, 1, a.steal * 100, Math.log(a.value)],
      [1, 0, b.steal * 100, Math.log(b.value)],
    ]);
    const coef = leastSquares(rows);
    return coef && { ratio: Math.exp(coef[1]), perPercent: Math.exp(coef[2]) };
  };
  const point = usable.length >= 2 ? fit(usable) : null;
  if (!point) return { ratio: NaN, low: NaN, high: NaN, perPercent: NaN, pairs: usable.length };
  const random = seededRandom();
  const ratios = [];
  for (let r = 0; r < resamples; r++) {
    const draw = usable.map(() => usable[Math.floor(random() * usable.length)]);
    const f = fit(draw);
    if (f) ratios.push(f.ratio);
  }
  ratios.sort((x, y) => x - y);
  return { ...point, ...interval(ratios, level), pairs: usable.length };
}

/** Ordinary least squares: rows of [x1 … xk, y]; the k coefficients, or null when singular. */
function leastSquares(rows) {
  const k = rows[0].length - 1;
  // Normal equations (XᵀX | Xᵀy), solved by Gauss-Jordan elimination with partial pivoting.
  const m = Array.from({ length: k }, (_, i) => Array.from({ length: k + 1 }, (_, j) => rows.reduce((sum, row) => sum + row[i] * row[j], 0)));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let j = col; j <= k; j++) m[r][j] -= factor * m[col][j];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}
