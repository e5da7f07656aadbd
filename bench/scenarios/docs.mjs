// Scenario 4: document update propagation (8-character Yjs inserts) against Convene (`room.sync`)
// and y-websocket's reference server, one server per call.
import { searchRate } from '../lib/ramp.mjs';
import { hostCpuTimes, stealShare } from '../lib/host-steal.mjs';
import { percentile } from '../lib/stats.mjs';
import { SECRET, cpuFigures, cpuOf, cpuWindow, profiled, settings, settle, startDrivers, startServer, stopAll } from '../lib/harness.mjs';

async function room(target, { n, senders, receiverProcs, tag }) {
  const server = await startServer(target, { tag });
  const senderOnly = senders === 1;
  const drivers = await startDrivers('drivers/docs.mjs', receiverProcs + (senderOnly ? 1 : 0), `${target}-docs`);
  const plan = drivers.map(() => []);
  for (let i = 0; i < n; i++) {
    const sender = i < senders;
    const slot = senderOnly ? (sender ? drivers.length - 1 : i % receiverProcs) : i % drivers.length;
    plan[slot].push({ index: i, sender });
  }
  const base = { target, url: server.url, room: `docs-${tag}`, path: `bench/${Math.random().toString(36).slice(2, 8)}.doc`, secret: SECRET };
  // Client 0 creates the document first; the rest join it.
  const first = plan.findIndex((p) => p.some((c) => c.index === 0));
  await drivers[first].call('setup', { ...base, clients: plan[first].filter((c) => c.index === 0) }, 60_000);
  await Promise.all(drivers.map((d, k) => d.call('setup', { ...base, clients: plan[k].filter((c) => c.index !== 0) }, 120_000)));
  const senderDrivers = drivers.filter((_, k) => plan[k].some((c) => c.sender));
  return { server, drivers, senderDrivers, close: () => stopAll([...drivers, server]) };
}

async function runOnce(r, { rate, durationMs, warmupMs, n }) {
  await Promise.all(r.drivers.map((d) => d.call('mark')));
  const host0 = hostCpuTimes();
  const { cpu0, cpu1, sendMs } = await profiled([r.server, ...r.drivers], async () => {
    const cpu0 = await cpuOf(r.server);
    const t0 = performance.now();
    await Promise.all(r.senderDrivers.map((d) => d.call('run', { rate, durationMs, warmupMs }, durationMs + 60_000)));
    const sendMs = performance.now() - t0;
    const total = async () => (await Promise.all(r.drivers.map((d) => d.call('received')))).reduce((a, b) => a + b, 0);
    await settle(total);
    const cpu1 = await cpuOf(r.server);
    return { cpu0, cpu1, sendMs };
  });
  const host1 = hostCpuTimes();
  const parts = await Promise.all(r.drivers.map((d) => d.call('collect', {}, 60_000)));
  const sends = new Map();
  const warmKeys = new Set();
  for (const p of parts) {
    for (const { f, warm, times } of p.sends) {
      times.forEach((t, s) => {
        const key = f * 1e8 + s;
        sends.set(key, t);
        if (s < warm) warmKeys.add(key);
      });
    }
  }
  const recv = new Map();
  for (const p of parts) {
    for (const [key, times] of p.received) {
      const list = recv.get(key);
      if (list) list.push(...times);
      else recv.set(key, [...times]);
    }
  }
  const expected = n - 1;
  const latencies = [];
  const allReceived = [];
  let received = 0;
  let deliveries = 0;
  let measured = 0;
  for (const [key, sentAt] of sends) {
    const times = recv.get(key) ?? [];
    deliveries += times.length;
    if (warmKeys.has(key)) continue;
    measured++;
    received += times.length;
    let max = -Infinity;
    for (const t of times) {
      latencies.push(t - sentAt);
      max = Math.max(max, t - sentAt);
    }
    allReceived.push(times.length >= expected ? max : Infinity);
  }
  const cpuMicros = cpu1 - cpu0;
  const measuredSeconds = (sendMs - warmupMs) / 1000;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** Every delivery's latency, for the p99 pooled over repetitions (run.mjs drops them before writing JSON). */
    latencies,
    allP99: percentile(allReceived, 99),
    delivered: measured ? received / (measured * expected) : NaN,
    updatesPerSec: measuredSeconds > 0 ? measured / measuredSeconds : NaN,
    cpuPerDelivery: deliveries ? cpuMicros / deliveries : NaN,
    clientCpuPerDelivery: deliveries ? parts.reduce((n, p) => n + p.cpuMicros, 0) / deliveries : NaN,
    cpuMicros,
    /** The share of the machine's CPU its hypervisor stole during the window (host-steal.mjs). */
    steal: stealShare(host0, host1),
    measured,
    received,
  };
}

/** Latency: one writer inserting `rate` chunks/s, n-1 readers. */
export async function docLatency(target, { n, rate, durationMs, warmupMs }) {
  const r = await room(target, { n, senders: 1, receiverProcs: n >= 50 ? 2 : 1, tag: `doc${n}` });
  try {
    return await runOnce(r, { rate, durationMs, warmupMs, n });
  } finally {
    await r.close();
  }
}

/**
 * Sustained updates/s: all n clients write; the total insert rate climbs by `factor` until
 * p99 > maxP99 or < minDelivered arrive. Server CPU per delivered update at a fixed `cpuRate`.
 */
export async function docRamp(target, { n, startRate, factor, maxRate, refine, stepMs, warmupMs, cpuRate, cpuMs, warmFactor, warmMs, cpuMaxRounds, maxP99 = 50, minDelivered = 0.999 }) {
  const r = await room(target, { n, senders: n, receiverProcs: 2, tag: `docramp${n}` });
  try {
    const fixed = await measureCpu(r, { n, cpuRate, cpuMs, warmRate: cpuRate * (warmFactor ?? 1), warmMs, cpuMaxRounds });
    const { best, steps } = await searchRate(async (rate) => {
      const step = await runOnce(r, { rate: rate / n, durationMs: stepMs, warmupMs, n });
      return { p99: step.p99, delivered: step.delivered, updatesPerSec: step.updatesPerSec, pass: step.p99 <= maxP99 && step.delivered >= minDelivered };
    }, { startRate, factor, maxRate, refine });
    return {
      sustainedUpdates: best?.updatesPerSec ?? 0,
      sustainedRate: best?.rate ?? 0,
      ...cpuFigures(fixed),
      steps,
    };
  } finally {
    await r.close();
  }
}

/**
 * The fixed-load CPU window: a warm-up of `warmMs` at `warmRate` (never profiled), then `cpuRate`
 * updates/s in total for `cpuMs`, repeated until the server's JIT was idle in the window
 * (harness.mjs cpuWindow). Convene applies relayed updates in batches a few times a second, so its
 * Yjs code gets hot by time, not by rate; y-websocket's server took about 20 s at 5x the rate.
 */
async function measureCpu(r, { n, cpuRate, cpuMs, warmRate = cpuRate, warmMs = settings.pauseMs, cpuMaxRounds }) {
  return cpuWindow(r.server, {
    warm: () => runOnce(r, { rate: warmRate / n, durationMs: warmMs, warmupMs: warmMs, n }),
    measure: () => runOnce(r, { rate: cpuRate / n, durationMs: cpuMs, warmupMs: 300, n }),
    maxRounds: cpuMaxRounds,
  });
}

/** Server CPU per delivered update alone (docRamp's fixed-load window without the ramp), for quick A/B checks. */
export async function docCpu(target, { n, cpuRate, cpuMs, warmRate, warmMs, cpuMaxRounds }) {
  const r = await room(target, { n, senders: n, receiverProcs: 2, tag: `doccpu${n}` });
  try {
    return await measureCpu(r, { n, cpuRate, cpuMs, warmRate, warmMs, cpuMaxRounds });
  } finally {
    await r.close();
  }
}
