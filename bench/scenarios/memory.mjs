// Scenario 5: server memory per idle connection — `connections` clients in `rooms` rooms, measured
// in the server process after full GCs (it runs with --expose-gc) when half and when all had joined.
import { SECRET, settings, settle, startDrivers, startServer, stopAll } from '../lib/harness.mjs';
import { sleep } from '../lib/child.mjs';

/** With `heapDir`, also writes heap snapshots before/after (for bench/heap-diff.mjs). */
export async function idleMemory(target, { connections, rooms, procs = 2, heapDir = null }) {
  const server = await startServer(target, { tag: 'idle' });
  const drivers = await startDrivers('drivers/idle.mjs', procs, `${target}-idle`);
  try {
    // A first small room warms up code paths (JIT, lazy module loads) that every room shares.
    const warm = Math.min(20, connections);
    await drivers[0].call('setup', { target, url: server.url, secret: SECRET, clients: Array.from({ length: warm }, (_, i) => ({ index: connections + 1 + i, room: 'warmup' })) });
    // Memory per connection is the slope between half and all of the connections: what one more
    // idle connection costs. Fixed costs (code compiled while the first ones joined, each room's
    // own state) land in the first half, for both servers alike, and drop out of the difference.
    const half = Math.floor(connections / 2);
    const join = async (from, to, expected) => {
      const plan = drivers.map(() => []);
      for (let i = from; i < to; i++) plan[i % procs].push({ index: i + 1, room: `idle-${i % rooms}` });
      await Promise.all(drivers.map((d, k) => d.call('setup', { target, url: server.url, secret: SECRET, clients: plan[k] }, 180_000)));
      await settle(async () => (await server.call('info')).connections, { target: expected, maxMs: 10_000 });
      await sleep(settings.pauseMs);
    };
    await join(0, half, warm + half);
    if (heapDir) await server.call('heapSnapshot', { path: `${heapDir}/${target}-before.heapsnapshot` }, 120_000);
    const before = await server.call('mem');
    await join(half, connections, warm + connections);
    const after = await server.call('mem');
    if (heapDir) await server.call('heapSnapshot', { path: `${heapDir}/${target}-after.heapsnapshot` }, 120_000);
    const info = await server.call('info');
    const per = (field) => (after[field] - before[field]) / (connections - half);
    return {
      heapPerConn: per('heapUsed'),
      externalPerConn: per('external'),
      heapExternalPerConn: per('heapUsed') + per('external'),
      rssPerConn: per('rss'),
      connections: info.connections,
      gc: after.gcAvailable,
    };
  } finally {
    await stopAll([...drivers, server]);
  }
}
