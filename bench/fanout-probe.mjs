// Broadcast fan-out latency only (scenario 1 at one N), alternating the raw relay and Convene, for
// quick A/B checks of a receive-path change:   node bench/fanout-probe.mjs [reps] [N] [ms]
// TARGETS=relay,convene (default); PROFILE=<dir>: V8 profiles (summarize with bench/profile-summary.mjs).
import { settings } from './lib/harness.mjs';
import { fanout } from './scenarios/messaging.mjs';

if (process.env.PROFILE) settings.profileDir = process.env.PROFILE;

const reps = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 10);
const durationMs = Number(process.argv[4] ?? 10_000);
const targets = (process.env.TARGETS ?? 'relay,convene').split(',');
const results = Object.fromEntries(targets.map((t) => [t, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const target of rep % 2 ? [...targets].reverse() : targets) {
    const run = await fanout(target, { n, rate: 50, durationMs, warmupMs: 2000 });
    results[target].push(run);
    console.log(`${target}: p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms, all-received p99 ${run.allP99.toFixed(2)} ms, delivered ${(run.delivered * 100).toFixed(1)} %, client CPU ${run.clientCpuPerDelivery.toFixed(1)} µs and server CPU ${run.cpuPerDelivery.toFixed(1)} µs per delivery`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const metric of ['p50', 'p99', 'allP99', 'clientCpuPerDelivery', 'cpuPerDelivery']) {
  const values = Object.fromEntries(targets.map((t) => [t, median(results[t].map((r) => r[metric]))]));
  const ratio = values.convene && values.relay ? `, convene/relay ${(values.convene / values.relay).toFixed(2)}×` : '';
  console.log(`${metric} (median of ${reps}): ${targets.map((t) => `${t} ${values[t].toFixed(2)}`).join(', ')}${ratio}`);
}
