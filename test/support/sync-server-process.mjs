// A room server in its own process, for the crash (kill -9) test. It runs the BUILT server
// (packages/server/dist, from `tsc -b packages/protocol packages/server`): plain Node cannot load
// the TypeScript sources, and vitest's loader does not exist in a child process.
// Env: DATA_DIR, SECRET, PERSIST_WINDOW_MS. Prints "listening <port>" once ready.
import { createRoomServer } from '../../packages/server/dist/index.js';

const server = await createRoomServer({
  port: 0,
  host: '127.0.0.1',
  secret: process.env.SECRET,
  dataDir: process.env.DATA_DIR,
  // Rooms are never released during the test: only the write window may persist documents.
  roomReleaseGraceMs: 600_000,
  sync: { persistWindowMs: Number(process.env.PERSIST_WINDOW_MS) },
});
process.stdout.write(`listening ${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
