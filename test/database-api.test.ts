import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseChange, DatabaseFilter, RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { eventually } from './support/meshagent.js';
import { startServer } from './support/server.js';

/** The room database API end to end, once per engine: real server, real clients, one SQL dialect. */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`database API on ${backend.name}`, () => {
    let server: RunningRoomServer;
    let room: string;
    let alice: RoomClient;
    const clients: RoomClient[] = [];

    beforeAll(async () => {
      server = await startServer({ database: backend.options });
      room = freshRoom();
      alice = await joinRoom(server, room, 'alice');
      clients.push(alice);
      // The engine starts on first use (PGlite: seconds); pay for it here, not in the first test.
      await alice.database.listTables();
    }, 120_000);

    afterAll(async () => {
      for (const client of clients) client.dispose();
      await server?.close();
    });

    async function people(table: string): Promise<void> {
      await alice.database.createTable(table, [
        { name: 'id', type: 'integer', primary_key: true },
        { name: 'name', type: 'text', nullable: false },
        { name: 'age', type: 'integer' },
        { name: 'score', type: 'float' },
        { name: 'active', type: 'boolean', default: true },
      ]);
      await alice.database.insert(table, [
        { id: 1, name: 'Ada', age: 36, score: 9.5 },
        { id: 2, name: 'Brian', age: 25, score: 7.25, active: false },
        { id: 3, name: 'Chloe', age: null, score: 8 },
        { id: 4, name: 'Dmitri', age: 41, score: null, active: false },
        { id: 5, name: 'Eve', age: 25, score: 6.5 },
      ]);
    }

    const ids = (rows: Record<string, unknown>[]) => rows.map((row) => row['id']);

    it('creates, inserts, selects, updates, counts and deletes', async () => {
      expect(await alice.database.createTable('tasks', [
        { name: 'id', type: 'integer', primary_key: true },
        { name: 'title', type: 'text', nullable: false },
        { name: 'done', type: 'boolean', default: false },
      ])).toBe(true);
      expect(await alice.database.listTables()).toContain('tasks');
      expect(await alice.database.inspect('tasks')).toEqual([
        { name: 'id', type: 'integer', nullable: false, primaryKey: true },
        { name: 'title', type: 'text', nullable: false, primaryKey: false },
        { name: 'done', type: 'boolean', nullable: true, primaryKey: false },
      ]);
      expect(await alice.database.insert('tasks', [{ id: 1, title: 'write' }, { id: 2, title: 'test', done: true }, { id: 3, title: 'ship' }])).toBe(3);
      expect(await alice.database.select('tasks', { orderBy: [{ column: 'id' }] })).toEqual([
        { id: 1, title: 'write', done: false },
        { id: 2, title: 'test', done: true },
        { id: 3, title: 'ship', done: false },
      ]);
      expect(await alice.database.update('tasks', { done: false }, { done: true })).toBe(2);
      expect(await alice.database.count('tasks', { done: true })).toBe(3);
      expect(await alice.database.delete('tasks', { id: { in: [1, 3] } })).toBe(2);
      expect(await alice.database.select('tasks', { columns: ['title'] })).toEqual([{ title: 'test' }]);
      expect(await alice.database.count('tasks')).toBe(1);
      expect(await alice.database.dropTable('tasks')).toBe(true);
      expect(await alice.database.listTables()).not.toContain('tasks');
    });

    it('supports every filter operator', async () => {
      await people('ops');
      const find = async (where: DatabaseFilter) => ids(await alice.database.select('ops', { where, orderBy: [{ column: 'id' }] }));
      expect(await find({ age: 25 })).toEqual([2, 5]);
      expect(await find({ age: { eq: 25 } })).toEqual([2, 5]);
      expect(await find({ age: null })).toEqual([3]);
      expect(await find({ age: { ne: 25 } })).toEqual([1, 3, 4]); // ne keeps NULLs: it is "not eq"
      expect(await find({ age: { ne: null } })).toEqual([1, 2, 4, 5]);
      expect(await find({ age: { lt: 36 } })).toEqual([2, 5]);
      expect(await find({ age: { lte: 36 } })).toEqual([1, 2, 5]);
      expect(await find({ age: { gt: 36 } })).toEqual([4]);
      expect(await find({ age: { gte: 36 } })).toEqual([1, 4]);
      expect(await find({ age: { gte: 25, lt: 40 } })).toEqual([1, 2, 5]);
      expect(await find({ score: { gt: 7.3 } })).toEqual([1, 3]);
      expect(await find({ id: { in: [5, 1, 99] } })).toEqual([1, 5]);
      expect(await find({ age: { in: [41, null] } })).toEqual([3, 4]);
      expect(await find({ id: { in: [] } })).toEqual([]);
      expect(await find({ name: { like: '%i%' } })).toEqual([2, 4]);
      expect(await find({ name: { like: 'A_a' } })).toEqual([1]);
      expect(await find({ score: { is_null: true } })).toEqual([4]);
      expect(await find({ score: { is_null: false } })).toEqual([1, 2, 3, 5]);
      expect(await find({ active: false, age: 25 })).toEqual([2]);
      expect(await find({})).toEqual([1, 2, 3, 4, 5]);
    });

    it('nests and, or and not', async () => {
      await people('logic');
      const find = async (where: DatabaseFilter) => ids(await alice.database.select('logic', { where, orderBy: [{ column: 'id' }] }));
      expect(await find({ or: [{ age: 25 }, { name: 'Ada' }] })).toEqual([1, 2, 5]);
      expect(await find({ and: [{ age: { gte: 25 } }, { active: true }] })).toEqual([1, 5]);
      expect(await find({ not: { age: 25 } })).toEqual([1, 3, 4]);
      expect(await find({ not: { or: [{ age: 25 }, { age: null }] } })).toEqual([1, 4]);
      expect(await find({ or: [{ and: [{ age: 25 }, { active: true }] }, { not: { score: { lt: 9 } } }] })).toEqual([1, 4, 5]);
      expect(await find({ and: [] })).toEqual([1, 2, 3, 4, 5]);
      expect(await find({ or: [] })).toEqual([]);
      expect(await alice.database.count('logic', { not: { not: { active: true } } })).toBe(3);
    });

    it('orders, pages and counts', async () => {
      await people('paging');
      const page = (offset: number) =>
        alice.database.select('paging', { columns: ['id'], orderBy: [{ column: 'age', direction: 'desc' }, { column: 'id', direction: 'asc' }], limit: 2, offset });
      // PostgreSQL sorts NULLs first in descending order.
      expect(ids(await page(0))).toEqual([3, 4]);
      expect(ids(await page(2))).toEqual([1, 2]);
      expect(ids(await page(4))).toEqual([5]);
      expect(ids(await page(6))).toEqual([]);
      expect(ids(await alice.database.select('paging', { orderBy: [{ column: 'name', direction: 'desc' }], limit: 1 }))).toEqual([5]);
      expect(await alice.database.count('paging', { age: 25 })).toBe(2);
      expect(await alice.database.count('paging', { or: [{ age: 25 }, { active: false }] })).toBe(3);
    });

    it('honours create modes', async () => {
      const columns = [{ name: 'k', type: 'text' as const, primary_key: true }];
      expect(await alice.database.createTable('modes', columns)).toBe(true);
      await alice.database.insert('modes', [{ k: 'kept' }]);
      await expect(alice.database.createTable('modes', columns)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('already exists') });
      expect(await alice.database.createTable('modes', columns, { mode: 'create_if_not_exists' })).toBe(false);
      expect(await alice.database.count('modes')).toBe(1);
      expect(await alice.database.createTable('modes', [{ name: 'other', type: 'integer' }], { mode: 'overwrite' })).toBe(true);
      expect(await alice.database.count('modes')).toBe(0);
      expect((await alice.database.inspect('modes')).map((c) => c.name)).toEqual(['other']);
      expect(await alice.database.dropTable('modes')).toBe(true);
      expect(await alice.database.dropTable('modes', { ifExists: true })).toBe(false);
      await expect(alice.database.dropTable('modes')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('round-trips json, timestamp and uuid values, and applies defaults', async () => {
      await alice.database.createTable('typed', [
        { name: 'id', type: 'uuid', primary_key: true, default: 'random' },
        { name: 'doc', type: 'json' },
        { name: 'at', type: 'timestamp' },
        { name: 'created', type: 'timestamp', default: 'now' },
        { name: 'note', type: 'text', default: "it's \\ fine" },
        { name: 'meta', type: 'json', default: { tags: ['a'] } },
      ]);
      const doc = { nested: { list: [1, 'two', null, true], text: 'ünïcødé 🎉' }, n: 1.5 };
      await alice.database.insert('typed', [
        { id: '123E4567-E89B-12D3-A456-426614174000', doc, at: '2024-02-29T23:30:00.123+02:00' },
        { doc: [1, 2, 3], at: '2024-03-01' },
        { doc: 'just a string' },
      ]);
      const rows = await alice.database.select('typed', { orderBy: [{ column: 'at' }] });
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({ id: '123e4567-e89b-12d3-a456-426614174000', doc, at: '2024-02-29T21:30:00.123Z', note: "it's \\ fine", meta: { tags: ['a'] } });
      expect(rows[1]).toMatchObject({ doc: [1, 2, 3], at: '2024-03-01T00:00:00.000Z' });
      expect(rows[1]!['id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(rows[2]).toMatchObject({ doc: 'just a string', at: null });
      expect(Math.abs(Date.parse(String(rows[2]!['created'])) - Date.now())).toBeLessThan(60_000);
      expect(ids(await alice.database.select('typed', { where: { id: '123e4567-e89b-12d3-a456-426614174000' } }))).toHaveLength(1);
      expect(await alice.database.count('typed', { at: { gt: '2024-02-29T22:00:00Z' } })).toBe(1);
      expect(await alice.database.count('typed', { doc: { eq: [1, 2, 3] } })).toBe(1);
      expect(await alice.database.count('typed', { doc })).toBe(1);
      expect(await alice.database.insert('typed', [{}])).toBe(1); // every column from its default
      expect(await alice.database.count('typed', { note: "it's \\ fine", doc: null })).toBe(1);
      await expect(alice.database.insert('typed', [{ id: 'not-a-uuid' }])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('rows[0].id') });
      await expect(alice.database.insert('typed', [{ at: '2024-03-01T10:00:00' }])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('rows[0].at') });
    });

    it('keeps rooms apart, even with the same table names', async () => {
      const other = freshRoom();
      const bob = await joinRoom(server, other, 'bob');
      clients.push(bob);
      await alice.database.createTable('shared_name', [{ name: 'v', type: 'text' }]);
      await alice.database.insert('shared_name', [{ v: 'alice room' }]);
      expect(await bob.database.listTables()).toEqual([]);
      await expect(bob.database.select('shared_name')).rejects.toMatchObject({ code: 'not_found' });
      await bob.database.createTable('shared_name', [{ name: 'v', type: 'text' }]);
      await bob.database.insert('shared_name', [{ v: 'bob room' }, { v: 'bob again' }]);
      expect(await alice.database.select('shared_name')).toEqual([{ v: 'alice room' }]);
      expect(await bob.database.count('shared_name')).toBe(2);
    });

    it('serves concurrent requests from several participants', async () => {
      const dave = await joinRoom(server, room, 'dave');
      clients.push(dave);
      await alice.database.createTable('busy', [{ name: 'who', type: 'text' }, { name: 'n', type: 'integer' }]);
      const writes = Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? alice : dave).database.insert('busy', [{ who: n % 2 === 0 ? 'alice' : 'dave', n }]));
      const reads = Array.from({ length: 10 }, () => dave.database.count('busy'));
      expect(await Promise.all(writes)).toEqual(Array(40).fill(1));
      for (const seen of await Promise.all(reads)) expect(seen).toBeLessThanOrEqual(40);
      expect(await alice.database.count('busy', { who: 'dave' })).toBe(20);
      expect((await dave.database.select('busy', { columns: ['n'], orderBy: [{ column: 'n', direction: 'desc' }], limit: 1 }))[0]).toEqual({ n: 39 });
    });

    it('tells every participant about changes with database.changed', async () => {
      const carol = await joinRoom(server, room, 'carol');
      clients.push(carol);
      const seen: DatabaseChange[] = [];
      carol.database.on('changed', (change) => seen.push(change));
      const outsider = await joinRoom(server, freshRoom(), 'outsider');
      clients.push(outsider);
      const elsewhere: DatabaseChange[] = [];
      outsider.database.on('changed', (change) => elsewhere.push(change));
      await alice.database.createTable('events', [{ name: 'n', type: 'integer' }]);
      await alice.database.insert('events', [{ n: 1 }, { n: 2 }]);
      await alice.database.update('events', { n: 99 }, { n: 3 }); // matches nothing: no event
      await alice.database.update('events', { n: 1 }, { n: 10 });
      await alice.database.delete('events', {});
      await alice.database.dropTable('events');
      await eventually(() => seen.length, (n) => n === 5);
      const from = alice.localParticipant.id!;
      expect(seen).toEqual([
        { table: 'events', operation: 'create', count: 0, participantId: from },
        { table: 'events', operation: 'insert', count: 2, participantId: from },
        { table: 'events', operation: 'update', count: 1, participantId: from },
        { table: 'events', operation: 'delete', count: 2, participantId: from },
        { table: 'events', operation: 'drop', count: 0, participantId: from },
      ]);
      expect(elsewhere).toEqual([]);
    });
  });
}
