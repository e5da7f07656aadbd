import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionError, type RoomClient } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { startServer } from './support/server.js';

/** The `dataset` grant on a live server: every refusal is a 403 and changes nothing. */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`database grants on ${backend.name}`, () => {
    let server: RunningRoomServer;
    let room: string;
    let owner: RoomClient;
    const clients: RoomClient[] = [];

    beforeAll(async () => {
      server = await startServer({ database: backend.options });
      room = freshRoom();
      owner = await joinRoom(server, room, 'owner', { dataset: {} });
      clients.push(owner);
      await owner.database.createTable('notes', [{ name: 'id', type: 'integer', primary_key: true }, { name: 'text', type: 'text' }]);
      await owner.database.createTable('secrets', [{ name: 'v', type: 'text' }]);
      await owner.database.insert('notes', [{ id: 1, text: 'one' }]);
      await owner.database.insert('secrets', [{ v: 'hidden' }]);
    }, 120_000);

    afterAll(async () => {
      for (const client of clients) client.dispose();
      await server?.close();
    });

    async function as(api: ApiScope): Promise<RoomClient> {
      const client = await joinRoom(server, room, `p${clients.length}`, api);
      clients.push(client);
      return client;
    }

    async function unchanged(): Promise<void> {
      expect(await owner.database.listTables()).toEqual(['notes', 'secrets']);
      expect(await owner.database.select('notes')).toEqual([{ id: 1, text: 'one' }]);
      expect(await owner.database.select('secrets')).toEqual([{ v: 'hidden' }]);
      expect((await owner.database.inspect('notes')).map((c) => c.name)).toEqual(['id', 'text']);
    }

    /** Every write and alter operation on `table`, each expected to be refused. */
    async function refusedChanges(client: RoomClient, table: string): Promise<void> {
      const attempts = [
        client.database.insert(table, [{ id: 2, text: 'two', v: 'x' }]),
        client.database.update(table, {}, { text: 'changed' }),
        client.database.delete(table, {}),
        client.database.createTable(table, [{ name: 'x', type: 'text' }], { mode: 'overwrite' }),
        client.database.dropTable(table),
      ];
      for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(PermissionError);
    }

    it('refuses every tool without the dataset API, and aliases database/datasets grant it', async () => {
      const none = await as({ messaging: {} });
      await expect(none.database.listTables()).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(none.database.select('notes')).rejects.toBeInstanceOf(PermissionError);
      await refusedChanges(none, 'notes');
      const alias = await as({ database: { tables: [{ name: 'notes' }] } });
      expect(await alias.database.select('notes')).toHaveLength(1);
      await expect(alias.database.select('secrets')).rejects.toBeInstanceOf(PermissionError);
      const plural = await as({ datasets: {} });
      expect(await plural.database.count('secrets')).toBe(1);
      await unchanged();
    });

    it('lets a table entry read by default, and nothing more', async () => {
      const reader = await as({ dataset: { tables: [{ name: 'notes' }] } });
      expect(await reader.database.listTables()).toEqual(['notes', 'secrets']);
      expect(await reader.database.select('notes')).toEqual([{ id: 1, text: 'one' }]);
      expect(await reader.database.count('notes')).toBe(1);
      expect(await reader.database.inspect('notes')).toHaveLength(2);
      await refusedChanges(reader, 'notes');
      // Tables not listed are refused before the database is asked, so a missing table is 403 too.
      await expect(reader.database.select('secrets')).rejects.toBeInstanceOf(PermissionError);
      await expect(reader.database.select('nope')).rejects.toBeInstanceOf(PermissionError);
      await expect(reader.database.createTable('fresh', [{ name: 'a', type: 'text' }])).rejects.toBeInstanceOf(PermissionError);
      await unchanged();
    });

    it('separates read, write and alter', async () => {
      const writer = await as({ dataset: { tables: [{ name: 'notes', read: false, write: true }] } });
      await expect(writer.database.select('notes')).rejects.toBeInstanceOf(PermissionError);
      await expect(writer.database.count('notes')).rejects.toBeInstanceOf(PermissionError);
      await expect(writer.database.dropTable('notes')).rejects.toBeInstanceOf(PermissionError);
      expect(await writer.database.insert('notes', [{ id: 2, text: 'two' }])).toBe(1);
      expect(await writer.database.update('notes', { id: 2 }, { text: 'deux' })).toBe(1);
      expect(await writer.database.delete('notes', { id: 2 })).toBe(1);

      const alterer = await as({ dataset: { tables: [{ name: 'scratch', alter: true, read: false }] } });
      expect(await alterer.database.createTable('scratch', [{ name: 'a', type: 'text' }])).toBe(true);
      await expect(alterer.database.insert('scratch', [{ a: 'x' }])).rejects.toBeInstanceOf(PermissionError);
      await expect(alterer.database.select('scratch')).rejects.toBeInstanceOf(PermissionError);
      expect(await alterer.database.dropTable('scratch')).toBe(true);
      await refusedChanges(alterer, 'notes');
      await unchanged();
    });

    it('honours list_tables: false, namespaced entries and malformed grants', async () => {
      const unlisted = await as({ dataset: { list_tables: false } });
      await expect(unlisted.database.listTables()).rejects.toBeInstanceOf(PermissionError);
      expect(await unlisted.database.count('notes')).toBe(1);
      // Convene tables have no namespace: an entry for one never matches.
      const namespaced = await as({ dataset: { tables: [{ name: 'notes', namespace: ['team'], write: true }] } });
      await expect(namespaced.database.select('notes')).rejects.toBeInstanceOf(PermissionError);
      // A grant we cannot read never widens access.
      const malformed = await as({ dataset: { tables: 'notes' } });
      await expect(malformed.database.select('notes')).rejects.toBeInstanceOf(PermissionError);
      const stringFlag = await as({ dataset: { tables: [{ name: 'notes', write: 'yes' }] } });
      await expect(stringFlag.database.insert('notes', [{ id: 9 }])).rejects.toBeInstanceOf(PermissionError);
      await refusedChanges(stringFlag, 'notes');
      await unchanged();
    });
  });
}
