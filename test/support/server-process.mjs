// A room server in its own process, for tests that kill it (kill -9), restart it, or watch its
// memory. It runs the BUILT server (packages/server/dist, from `tsc -b packages/protocol
// packages/server`): plain Node cannot load the TypeScript sources, and vitest's loader does not
// exist in a child process. Start it with `startServerProcess` from ./server-process.ts.
//
// Env: SECRET; DATA_DIR (optional); PORT (default 0: any free port); PERSIST_WINDOW_MS (optional);
// SERVER_OPTIONS (optional JSON merged into createRoomServer's options, e.g. {"limits":{...}}).
// Prints "listening <port>" once ready. SIGTERM closes gracefully and exits 0.
// IPC: {type:'stats'} answers {type:'stats', heapUsed, rss, external, arrayBuffers, handles,
// connections} after a full GC (when started with --expose-gc).
import { createRoomServer } from '../../packages/server/dist/index.js';

const extra = process.env.SERVER_OPTIONS ? JSON.parse(process.env.SERVER_OPTIONS) : {};
const server = await createRoomServer({
  port: Number(process.env.PORT ?? 0),
  host: '127.0.0.1',
  secret: process.env.SECRET,
  ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
  // Rooms are never released during a test unless asked: only the write window may persist.
  roomReleaseGraceMs: 600_000,
  ...(process.env.PERSIST_WINDOW_MS ? { sync: { persistWindowMs: Number(process.env.PERSIST_WINDOW_MS) } } : {}),
  // pg must not be picked up from the environment unless a test asks for it.
  database: { backend: 'pglite' },
  ...extra,
});
process.stdout.write(`listening ${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
process.on('message', (message) => {
  if (message?.type !== 'stats') return;
  globalThis.gc?.();
  const memory = process.memoryUsage();
  process.send?.({
    type: 'stats',
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    handles: process.getActiveResourcesInfo().length,
    connections: server.core.connectionCount,
    rooms: server.core.roomCount,
  });
});
