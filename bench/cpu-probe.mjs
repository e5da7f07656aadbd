// Server CPU per delivery only (scenario 3's fixed-load measurement), alternating servers, for
// quick A/B checks of a change on a busy machine: node bench/cpu-probe.mjs [reps] [rate] [ms]
import { SECRET, cpuOf, profiled, settings, settle, startDrivers, startServer, stopAll } from './lib/harness.mjs';

// PROFILE=<dir>: V8 profiles of the measured windows (summarize with bench/profile-summary.mjs).
if (process.env.PROFILE) settings.profileDir = process.env.PROFILE;

const reps = Number(process.argv[2] ?? 3);
const rate = Number(process.argv[3] ?? 500);
const ms = Number(process.argv[4] ?? 3000);
const n = 10;
const results = { relay: [], convene: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const target of ['relay', 'convene']) {
    const server = await startServer(target, { limits: { messagesPerSecond: 1e6, messageBurst: 1e6 }, tag: 'probe' });
    const drivers = await startDrivers('drivers/messaging.mjs', 2, `${target}-clients`);
    const plan = drivers.map(() => []);
    for (let i = 0; i < n; i++) plan[i % 2].push({ index: i, sender: true });
    const room = `probe-${Math.random().toString(36).slice(2, 8)}`;
    await Promise.all(drivers.map((d, k) => d.call('setup', { target, url: server.url, room, secret: SECRET, clients: plan[k] }, 120_000)));
    if (target === 'convene') await Promise.all(drivers.map((d) => d.call('waitPresence', { expected: n - 1 }, 120_000)));
    const total = async () => (await Promise.all(drivers.map((d) => d.call('received')))).reduce((a, b) => a + b, 0);
    for (const measure of [false, true]) {
      await Promise.all(drivers.map((d) => d.call('mark')));
      const window = async () => {
        const cpu0 = await cpuOf(server);
        await Promise.all(drivers.map((d) => d.call('run', { rate: rate / n, durationMs: ms, warmupMs: 300, mode: 'broadcast' }, ms + 60_000)));
        await settle(total);
        return [cpu0, await cpuOf(server)];
      };
      const [cpu0, cpu1] = measure ? await profiled([server], window) : await window();
      const parts = await Promise.all(drivers.map((d) => d.call('collect', {}, 60_000)));
      const deliveries = parts.reduce((a, p) => a + p.received, 0);
      if (measure) results[target].push((cpu1 - cpu0) / deliveries);
    }
    await stopAll([...drivers, server]);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify(results));
console.log(`server CPU per delivery: convene ${median(results.convene).toFixed(1)} µs, relay ${median(results.relay).toFixed(1)} µs, ratio ${(median(results.convene) / median(results.relay)).toFixed(2)}×`);
