import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { joinRoom } from './support/database.js';
import { startServer } from './support/server.js';

/** PGlite keeps its files under `<dataDir>/database` and only starts when a room uses the database. */
describe('embedded database on a data directory', () => {
  const cleanup: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function server(dataDir: string): Promise<RunningRoomServer> {
    const running = await startServer({ dataDir, database: { backend: 'pglite' } });
    cleanup.push(() => running.close());
    return running;
  }

  async function client(running: RunningRoomServer, room: string): Promise<RoomClient> {
    const joined = await joinRoom(running, room, 'alice');
    cleanup.push(() => joined.dispose());
    return joined;
  }

  it('keeps tables and rows across a server restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'convene-db-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));

    const first = await server(dataDir);
    const alice = await client(first, 'persist');
    let started = Date.now();
    await alice.database.createTable('log', [{ name: 'at', type: 'timestamp' }, { name: 'entry', type: 'json' }]);
    console.info(`PGlite first start on a new data directory + create_table: ${Date.now() - started} ms`);
    await alice.database.insert('log', [{ at: '2024-05-01T12:00:00Z', entry: { kind: 'boot', ok: true } }]);
    alice.dispose();
    await first.close();
    expect(existsSync(join(dataDir, 'database'))).toBe(true);

    const second = await server(dataDir);
    const again = await client(second, 'persist');
    started = Date.now();
    expect(await again.database.listTables()).toEqual(['log']);
    console.info(`PGlite reopening the data directory + list_tables: ${Date.now() - started} ms`);
    expect(await again.database.select('log')).toEqual([{ at: '2024-05-01T12:00:00.000Z', entry: { kind: 'boot', ok: true } }]);
    const elsewhere = await client(second, 'another-room');
    expect(await elsewhere.database.listTables()).toEqual([]);
  }, 120_000);

  it('never starts the engine for a server whose rooms do not use the database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'convene-db-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const running = await server(dataDir);
    const alice = await client(running, 'chat-only');
    await alice.messaging.enable();
    await alice.messaging.broadcastMessage({ type: 'chat', message: { text: 'hi' } });
    await running.close();
    expect(existsSync(join(dataDir, 'database'))).toBe(false);
  });
});
