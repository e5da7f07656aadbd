import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { eventually } from './support/meshagent.js';
import { startServer } from './support/server.js';

/** Queued messages are rows in the database: they outlive the room and the server process. */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`durable queues on ${backend.name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];

    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    /** PGlite keeps its files in the data directory; PostgreSQL keeps them in the shared database. */
    async function server(dataDir: string): Promise<RunningRoomServer> {
      const running = await startServer({ dataDir, database: backend.options });
      cleanup.push(() => running.close());
      return running;
    }

    async function client(running: RunningRoomServer, room: string, name: string): Promise<RoomClient> {
      const joined = await joinRoom(running, room, name);
      cleanup.push(() => joined.dispose());
      return joined;
    }

    it('keeps messages across a room release and a server restart', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'convene-queues-'));
      cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
      const room = freshRoom('qp');

      const first = await server(dataDir);
      const alice = await client(first, room, 'alice');
      const started = Date.now();
      await alice.queues.send('durable', { n: 1 });
      console.info(`queues on ${backend.name}: first send (engine start + schema): ${Date.now() - started} ms`);
      for (const n of [2, 3, 4]) await alice.queues.send('durable', { n });
      await alice.queues.open('empty-but-kept');

      // Everyone leaves: the room is released (grace 200 ms), its messages stay.
      alice.dispose();
      expect(await eventually(() => first.core.roomCount, (count) => count === 0)).toBe(0);
      const bob = await client(first, room, 'bob');
      expect(await bob.queues.receive('durable', { wait: false })).toEqual({ n: 1 });
      bob.dispose();
      await first.close();

      const second = await server(dataDir);
      const carol = await client(second, room, 'carol');
      expect(await carol.queues.list()).toEqual([{ name: 'durable', size: 3 }, { name: 'empty-but-kept', size: 0 }]);
      expect(await carol.queues.receive('durable', { wait: false })).toEqual({ n: 2 });
      // FIFO continues across the restart, new messages go behind the old ones.
      await carol.queues.send('durable', { n: 5 });
      const rest: unknown[] = [];
      for (let i = 0; i < 3; i++) rest.push(await carol.queues.receive('durable', { timeout: 5_000 }));
      expect(rest).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    }, 120_000);

    it('answers a send only after the message is committed', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'convene-queues-'));
      cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
      const room = freshRoom('qp');
      const first = await server(dataDir);
      const alice = await client(first, room, 'alice');
      await alice.queues.send('acked', 'before shutdown');
      // Shut down right after the answer: what was acknowledged must be there after the restart.
      await first.close();
      const second = await server(dataDir);
      const bob = await client(second, room, 'bob');
      expect(await bob.queues.receive('acked', { wait: false })).toBe('before shutdown');
    }, 120_000);
  });
}
