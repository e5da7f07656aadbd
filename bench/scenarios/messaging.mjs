// Scenarios 1–3: broadcast fan-out latency, direct-message latency, and the sustained-rate ramp,
// each run against one server (`relay` or `convene`) per call.
import { searchRate } from '../lib/ramp.mjs';
import { percentile } from '../lib/stats.mjs';
import { SECRET, cpuFigures, cpuOf, cpuWindow, profiled, settings, settle, startDrivers, startServer, stopAll } from '../lib/harness.mjs';

const THROUGHPUT_LIMITS = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 };

/**
 * Starts a server and `n` clients: senders in their own process, receivers spread over
 * `receiverProcs` processes. Returns handles for running and collecting.
 */
async function room(target, { n, senders, receiverProcs, limits, tag }) {
  const server = await startServer(target, { limits, tag });
  const senderOnly = senders === 1;
  const drivers = await startDrivers('drivers/messaging.mjs', receiverProcs + (senderOnly ? 1 : 0), `${target}-clients`);
  const plan = drivers.map(() => []);
  for (let i = 0; i < n; i++) {
    const sender = i < senders;
    const slot = senderOnly ? (sender ? drivers.length - 1 : i % receiverProcs) : i % drivers.length;
    plan[slot].push({ index: i, sender });
  }
  const roomName = `bench-${tag}-${Math.random().toString(36).slice(2, 8)}`;
  const ids = (await Promise.all(drivers.map((d, k) => d.call('setup', { target, url: server.url, room: roomName, secret: SECRET, clients: plan[k] }, 120_000)))).flat();
  if (target === 'convene') await Promise.all(drivers.map((d) => d.call('waitPresence', { expected: n - 1 }, 120_000)));
  const senderDrivers = drivers.filter((_, k) => plan[k].some((c) => c.sender));
  return { server, drivers, senderDrivers, ids, close: () => stopAll([...drivers, server]) };
}

/** One timed run in an open room: send, wait for deliveries to settle, collect and summarize. */
async function runOnce(r, { rate, durationMs, warmupMs, mode, expectedPerMessage, targets }) {
  await Promise.all(r.drivers.map((d) => d.call('mark')));
  const { cpu0, cpu1, sendMs } = await profiled([r.server, ...r.drivers], async () => {
    const cpu0 = await cpuOf(r.server);
    const t0 = performance.now();
    await Promise.all(r.senderDrivers.map((d) => d.call('run', { rate, durationMs, warmupMs, mode, targets }, durationMs + 60_000)));
    const sendMs = performance.now() - t0;
    const totalReceived = async () => (await Promise.all(r.drivers.map((d) => d.call('received')))).reduce((a, b) => a + b, 0);
    await settle(totalReceived);
    const cpu1 = await cpuOf(r.server);
    return { cpu0, cpu1, sendMs };
  });
  const parts = await Promise.all(r.drivers.map((d) => d.call('collect', {}, 60_000)));
  return summarize(parts, { expectedPerMessage, cpuMicros: cpu1 - cpu0, sendMs, warmupMs });
}

function summarize(parts, { expectedPerMessage, cpuMicros, sendMs, warmupMs }) {
  const latencies = parts.flatMap((p) => p.latencies);
  const sent = parts.reduce((n, p) => n + p.sent, 0);
  const warm = parts.reduce((n, p) => n + p.warm, 0);
  const errors = parts.reduce((n, p) => n + p.errors, 0);
  const received = parts.reduce((n, p) => n + p.received, 0);
  const warmReceived = parts.reduce((n, p) => n + p.warmReceived, 0);
  const measured = sent - warm;
  const perMessage = new Map();
  for (const p of parts) {
    for (const [key, count, max] of p.perMessage) {
      const e = perMessage.get(key);
      if (e) {
        e[0] += count;
        e[1] = Math.max(e[1], max);
      } else perMessage.set(key, [count, max]);
    }
  }
  const allReceived = [];
  for (const [count, max] of perMessage.values()) allReceived.push(count >= expectedPerMessage ? max : Infinity);
  // Messages no recipient saw at all count as never fully received.
  for (let i = perMessage.size; i < measured; i++) allReceived.push(Infinity);
  const deliveries = received + warmReceived;
  const measuredSeconds = (sendMs - warmupMs) / 1000;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** Every delivery's latency, for the p99 pooled over repetitions (run.mjs drops them before writing JSON). */
    latencies,
    allP99: percentile(allReceived, 99),
    delivered: measured > 0 ? received / (measured * expectedPerMessage) : NaN,
    deliveredPerSec: measuredSeconds > 0 ? received / measuredSeconds : NaN,
    cpuPerDelivery: deliveries > 0 ? cpuMicros / deliveries : NaN,
    clientCpuPerDelivery: deliveries > 0 ? parts.reduce((n, p) => n + p.cpuMicros, 0) / deliveries : NaN,
    cpuMicros,
    sent,
    measured,
    received,
    errors,
  };
}

/** Scenario 1: one sender broadcasting `rate` msg/s to n-1 receivers. */
export async function fanout(target, { n, rate, durationMs, warmupMs }) {
  const receiverProcs = n >= 50 ? 2 : 1;
  const r = await room(target, { n, senders: 1, receiverProcs, tag: `fanout${n}` });
  try {
    return await runOnce(r, { rate, durationMs, warmupMs, mode: 'broadcast', expectedPerMessage: n - 1 });
  } finally {
    await r.close();
  }
}

/** Scenario 2: one sender sending direct messages to the other n-1 in turn. */
export async function direct(target, { n, rate, durationMs, warmupMs }) {
  const r = await room(target, { n, senders: 1, receiverProcs: 1, tag: `direct${n}` });
  try {
    const targets = r.ids.filter((c) => c.index !== 0).map((c) => c.id);
    return await runOnce(r, { rate, durationMs, warmupMs, mode: 'direct', expectedPerMessage: 1, targets });
  } finally {
    await r.close();
  }
}

/**
 * Scenario 3: every one of the n clients broadcasts; the total rate climbs by `factor` per step
 * until p99 > `maxP99` ms or fewer than `minDelivered` of deliveries arrive, then bisects (see
 * searchRate). The highest passing step is the sustained rate. Server CPU per delivery is
 * measured at a fixed total `cpuRate` (the same for both servers) before the ramp.
 */
export async function ramp(target, { n, startRate, factor, maxRate, refine, stepMs, warmupMs, cpuRate, cpuMs, warmFactor = 1, warmMs = settings.pauseMs, cpuMaxRounds, maxP99 = 50, minDelivered = 0.999 }) {
  const r = await room(target, { n, senders: n, receiverProcs: 2, limits: THROUGHPUT_LIMITS, tag: `ramp${n}` });
  try {
    // Warm the JIT and the sockets until the compiler is idle (harness.mjs cpuWindow), then the fixed-load CPU measurement.
    const fixed = await cpuWindow(r.server, {
      warm: () => runOnce(r, { rate: (cpuRate * warmFactor) / n, durationMs: warmMs, warmupMs: warmMs, mode: 'broadcast', expectedPerMessage: n - 1 }),
      measure: () => runOnce(r, { rate: cpuRate / n, durationMs: cpuMs, warmupMs: 300, mode: 'broadcast', expectedPerMessage: n - 1 }),
      maxRounds: cpuMaxRounds,
    });
    const { best, steps } = await searchRate(async (rate) => {
      const step = await runOnce(r, { rate: rate / n, durationMs: stepMs, warmupMs, mode: 'broadcast', expectedPerMessage: n - 1 });
      return { p99: step.p99, delivered: step.delivered, deliveredPerSec: step.deliveredPerSec, pass: step.p99 <= maxP99 && step.delivered >= minDelivered };
    }, { startRate, factor, maxRate, refine });
    return {
      sustainedDeliveries: best?.deliveredPerSec ?? 0,
      sustainedRate: best?.rate ?? 0,
      ...cpuFigures(fixed),
      steps,
    };
  } finally {
    await r.close();
  }
}
