// Document update latency only (scenario 4's latency rows at one N), alternating y-websocket and
// Convene, with the client CPU per delivery, for quick A/B checks of a client or server change:
//   node bench/doc-latency-probe.mjs [reps] [N] [ms]
// TARGETS=yws,convene (default); PROFILE=<dir>: V8 profiles (summarize with bench/profile-summary.mjs).
// With both targets it also prints every repetition's convene/yws p99 ratio and their median with a
// 95 % bootstrap interval: the way to read the p99 target, which one full run's three pairs cannot
// settle on this machine (RESULTS.md, "Document p99 at N = 10"), and the same ratio at equal host
// steal (RESULTS.md, "Document p99 and the host's steal").
import { settings } from './lib/harness.mjs';
import { medianWithCi, readInterval, stealAdjustedRatio } from './lib/stats.mjs';
import { docLatency } from './scenarios/docs.mjs';

if (process.env.PROFILE) settings.profileDir = process.env.PROFILE;

const reps = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 10);
const durationMs = Number(process.argv[4] ?? 6000);
const targets = (process.env.TARGETS ?? 'yws,convene').split(',');
const results = Object.fromEntries(targets.map((t) => [t, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const target of rep % 2 ? [...targets].reverse() : targets) {
    const run = await docLatency(target, { n, rate: 50, durationMs, warmupMs: 2000 });
    results[target].push(run);
    console.log(`${target}: p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms, all-received p99 ${run.allP99.toFixed(2)} ms, client CPU ${run.clientCpuPerDelivery.toFixed(1)} µs and server CPU ${run.cpuPerDelivery.toFixed(1)} µs per delivery, host steal ${(run.steal * 100).toFixed(2)} %`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const metric of ['p50', 'p99', 'clientCpuPerDelivery', 'cpuPerDelivery']) {
  const values = Object.fromEntries(targets.map((t) => [t, median(results[t].map((r) => r[metric]))]));
  const ratio = values.convene && values.yws ? `, convene/yws ${(values.convene / values.yws).toFixed(2)}×` : '';
  console.log(`${metric} (median of ${reps}): ${targets.map((t) => `${t} ${values[t].toFixed(2)}`).join(', ')}${ratio}`);
}
console.log(`host steal (median of ${reps}): ${targets.map((t) => `${t} ${(median(results[t].map((r) => r.steal)) * 100).toFixed(2)} %`).join(', ')}`);
if (results.convene && results.yws) {
  const ratios = results.convene.map((run, i) => run.p99 / results.yws[i].p99);
  const { median: mid, low, high } = medianWithCi(ratios);
  const reading = readInterval({ low, high }, ratios.length, 'y-websocket');
  console.log(`p99 convene/yws per repetition: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`p99 convene/yws over ${ratios.length} pairs: median ${mid.toFixed(2)}×, 95 % interval ${low.toFixed(2)}–${high.toFixed(2)}× (${reading})`);
  // The same pairs compared at equal host steal (lib/host-steal.mjs): what the servers did, less
  // what the hypervisor took from the windows they happened to run in.
  const adjusted = stealAdjustedRatio(results.convene.map((run, i) => ({ a: { value: run.p99, steal: run.steal }, b: { value: results.yws[i].p99, steal: results.yws[i].steal } })));
  if (Number.isFinite(adjusted.ratio)) {
    const verdict = readInterval(adjusted, ratios.length, 'y-websocket');
    console.log(`p99 convene/yws at equal host steal: ${adjusted.ratio.toFixed(2)}×, 95 % interval ${adjusted.low.toFixed(2)}–${adjusted.high.toFixed(2)}× (${verdict}); each 1 % of the machine stolen multiplied p99 by ${adjusted.perPercent.toFixed(3)}`);
  }
}
