// The Convene room server as the bench runs it: built dist, ephemeral (in-memory storage, no data
// dir), loopback, port 0. Limits come from the orchestrator (the throughput ramp lifts the
// per-connection message rate, which would otherwise cap a single sender at 200 msg/s).
import { createRoomServer } from '@convene/server';
import { serve } from '../lib/child.mjs';

const limits = process.env.BENCH_LIMITS ? JSON.parse(process.env.BENCH_LIMITS) : undefined;
const server = await createRoomServer({
  port: 0,
  host: '127.0.0.1',
  secret: process.env.BENCH_SECRET ?? 'bench-secret',
  roomReleaseGraceMs: 200,
  ...(limits ? { limits } : {}),
});
serve({
  info: () => ({ port: server.port, connections: server.core.connectionCount, rooms: server.core.roomCount }),
  exit: () => Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 2000))]),
});
process.send({ event: 'ready', url: server.url });
