/**
 * Finds the highest passing rate: climbs from `startRate` by `factor` until a step fails (each
 * failing step is retried once: one scheduling hiccup on a shared machine should not end the
 * ramp), then bisects geometrically between the last pass and the first failure `refine` times.
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
  let low = best?.rate ?? startRate / factor;
  for (let i = 0; i < refine && fail !== null; i++) {
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
