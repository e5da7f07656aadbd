// Server CPU per delivered document update only (scenario 4's fixed-load window), alternating
// y-websocket and Convene, for quick A/B checks of a change:
//   node bench/doc-cpu-probe.mjs [reps] [updates/s] [ms]
// PROFILE=<dir>: V8 profiles of the measured windows (summarize with bench/profile-summary.mjs).
import { settings } from './lib/harness.mjs';
import { docCpu } from './scenarios/docs.mjs';

if (process.env.PROFILE) settings.profileDir = process.env.PROFILE;

const reps = Number(process.argv[2] ?? 3);
const cpuRate = Number(process.argv[3] ?? 100);
const cpuMs = Number(process.argv[4] ?? 4000);
const targets = (process.env.TARGETS ?? 'yws,convene').split(',');
const results = Object.fromEntries(targets.map((t) => [t, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const target of rep % 2 ? [...targets].reverse() : targets) {
    // WARM=<updates/s>,<ms>[,<max rounds>]: each round's warm-up before the window; rounds repeat until
    // the JIT is idle in the window (default: as `npm run bench`, 5x the rate for 3 s, at most 6 rounds).
    const [warmRate, warmMs, cpuMaxRounds] = (process.env.WARM ?? `${cpuRate * 5},3000,6`).split(',').map(Number);
    const warm = { warmRate, warmMs, cpuMaxRounds: cpuMaxRounds || 6 };
    const run = await docCpu(target, { n: 10, cpuRate, cpuMs, ...warm });
    const jit = `rounds ${run.rounds}, background threads ${run.backgroundShare === null ? '–' : `${(run.backgroundShare * 100).toFixed(1)} %`} of the window`;
    results[target].push(run.cpuPerDelivery);
    console.log(`${target}: ${run.cpuPerDelivery.toFixed(1)} µs per delivery (${(run.cpuMicros / 1000).toFixed(0)} ms server CPU), p99 ${run.p99.toFixed(2)} ms, delivered ${(run.delivered * 100).toFixed(1)} %; ${jit}`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = targets.map((t) => `${t} ${median(results[t]).toFixed(1)} µs`).join(', ');
const ratio = results.convene && results.yws ? `, convene/yws ${(median(results.convene) / median(results.yws)).toFixed(2)}×` : '';
console.log(`server CPU per delivered update (median of ${reps}): ${line}${ratio}`);
