/**
 * Finds the highest passing rate: climbs from `startRate` by `factor` until a step fails (each
 * failing step is retried once: one scheduling hiccup on a shared machine should not end the
 * ramp), or steps down if the first one fails, then bisects geometrically between the last pass
 * and the first failure `refine` times.
 * `step(rate)` resolves to a result with `pass`. Returns { best, steps }.
 */
export async function searchRate(step, { startRate, factor, maxRate, refine = 1 }) {
  const steps = [];
  const attempt = async (rate) => {
    let result = await step(rate);
    if (!result.pass) {
      const again = await step(rate);
      if (again.pass) result = again;
    }
    steps.push({ rate, ...result });
    return result;
  };
  let best = null;
  let fail = null;
  for (let rate = startRate; rate <= maxRate; rate = Math.round(rate * factor)) {
    const result = await attempt(rate);
    if (!result.pass) {
      fail = rate;
      break;
    }
    best = { rate, ...result };
  }
  // The very first step failed: step down until one passes (at most a few times).
  for (let rate = Math.round(startRate / factor), k = 0; best === null && k < 4 && rate >= 1; rate = Math.round(rate / factor), k++) {
    const result = await attempt(rate);
    if (result.pass) best = { rate, ...result };
    else fail = rate;
  }
  let low = best?.rate ?? 0;
  for (let i = 0; i < refine && fail !== null; i++) {
    if (low === 0) break;
    const rate = Math.round(Math.sqrt(low * fail));
    if (rate <= low || rate >= fail) break;
    const result = await attempt(rate);
    if (result.pass) {
      best = { rate, ...result };
      low = rate;
    } else fail = rate;
  }
  return { best, steps };
}
