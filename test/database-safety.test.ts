import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content, RoomClient } from '@convene/client';
import type { RunningRoomServer } from '@convene/server';
import { DATABASE_BACKENDS, freshRoom, joinRoom } from './support/database.js';
import { startServer } from './support/server.js';

const EVIL = [
  "'; DROP TABLE victims; --",
  "x'); DELETE FROM victims; --",
  '"; DROP TABLE victims; --',
  "\\'; DROP TABLE victims; --",
  '$1; DROP TABLE victims',
  "$$; DROP TABLE victims; $$",
  "' OR '1'='1",
  'E\'\\x27\'',
];

/** Injection attempts, garbage arguments, limits and error mapping, once per engine. */
for (const backend of DATABASE_BACKENDS) {
  describe.skipIf(!backend.enabled)(`database safety on ${backend.name}`, () => {
    let server: RunningRoomServer;
    let alice: RoomClient;

    beforeAll(async () => {
      server = await startServer({ database: backend.options });
      alice = await joinRoom(server, freshRoom(), 'alice');
      await alice.database.createTable('victims', [
        { name: 'id', type: 'integer', primary_key: true },
        { name: 'name', type: 'text', nullable: false },
        { name: 'doc', type: 'json' },
      ]);
      await alice.database.insert('victims', [{ id: 1, name: 'first' }, { id: 2, name: 'second' }]);
    }, 120_000);

    afterAll(async () => {
      alice?.dispose();
      await server?.close();
    });

    const call = (tool: string, args: Content | Record<string, unknown>) => alice.invoke({ toolkit: 'database', tool, arguments: args });

    async function intact(): Promise<void> {
      expect(await alice.database.listTables()).toContain('victims');
      expect(await alice.database.count('victims', { id: { in: [1, 2] } })).toBe(2);
    }

    it('stores hostile values as plain data', async () => {
      await alice.database.insert('victims', EVIL.map((name, index) => ({ id: 100 + index, name, doc: { name, [name]: [name] } })));
      const rows = await alice.database.select('victims', { where: { id: { gte: 100 } }, orderBy: [{ column: 'id' }] });
      expect(rows.map((row) => row['name'])).toEqual(EVIL);
      expect(rows.map((row) => row['doc'])).toEqual(EVIL.map((name) => ({ name, [name]: [name] })));
      for (const name of EVIL) {
        expect(await alice.database.count('victims', { name })).toBe(1);
        expect(await alice.database.count('victims', { name: { like: name } })).toBeLessThanOrEqual(1);
        expect(await alice.database.count('victims', { doc: { eq: { name, [name]: [name] } } })).toBe(1);
      }
      expect(await alice.database.update('victims', { name: EVIL[0]! }, { name: EVIL[1]! })).toBe(1);
      await alice.database.createTable('defaults', [{ name: 'd', type: 'text', default: EVIL.join('|') }, { name: 'j', type: 'json', default: { q: EVIL[0]! } }, { name: 'n', type: 'integer' }]);
      await alice.database.insert('defaults', [{ n: 1 }]);
      expect(await alice.database.select('defaults')).toEqual([{ d: EVIL.join('|'), j: { q: EVIL[0] }, n: 1 }]);
      expect(await alice.database.delete('victims', { id: { gte: 100 } })).toBe(EVIL.length);
      await intact();
    });

    it('refuses hostile identifiers in every position with 400', async () => {
      const badNames = ['victims; DROP TABLE victims', 'Victims', 'victims"', '"victims"', 'pg_catalog.pg_class', 'public.victims', '', 'a'.repeat(64), '1abc', 'vict ims', 'victims--', '*', 42, null, ['victims'], { name: 'victims' }];
      for (const table of badNames) {
        for (const tool of ['select', 'count', 'insert', 'update', 'delete', 'inspect']) {
          await expect(call(tool, { table, rows: [{ id: 9 }], where: {}, values: { id: 9 } }), `${tool} ${JSON.stringify(table)}`).rejects.toMatchObject({ code: 'bad_request' });
        }
        await expect(call('create_table', { name: table, columns: [{ name: 'a', type: 'text' }] })).rejects.toMatchObject({ code: 'bad_request' });
        await expect(call('drop_table', { name: table })).rejects.toMatchObject({ code: 'bad_request' });
      }
      const columnAttacks = ['name = name OR 1=1 --', 'name"', 'name; DROP TABLE victims', 'NAME', '(select 1)', '*', 'count(*)', 'name, id'];
      for (const column of columnAttacks) {
        await expect(alice.database.select('victims', { where: { [column]: 1 } })).rejects.toMatchObject({ code: 'bad_request' });
        await expect(alice.database.select('victims', { columns: [column] })).rejects.toMatchObject({ code: 'bad_request' });
        await expect(alice.database.select('victims', { orderBy: [{ column }] })).rejects.toMatchObject({ code: 'bad_request' });
        await expect(alice.database.insert('victims', [{ id: 50, name: 'x', [column]: 1 }])).rejects.toMatchObject({ code: 'bad_request' });
        await expect(alice.database.update('victims', { id: 1 }, { [column]: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
        await expect(alice.database.createTable('t_attack', [{ name: column, type: 'text' }])).rejects.toMatchObject({ code: 'bad_request' });
      }
      await expect(call('select', { table: 'victims', order_by: [{ column: 'id', direction: 'desc; DROP TABLE victims' }] })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('select', { table: 'victims', where: { id: { '> 0 OR 1=1 --': 1 } } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('unknown operator') });
      await expect(call('select', { table: 'victims', where: { id: { eq: { $gt: 0 } } } })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('select', { table: 'victims', where: "1=1; DROP TABLE victims" })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('create_table', { name: 't_attack', columns: [{ name: 'a', type: 'text; DROP TABLE victims' }] })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('create_table', { name: 't_attack', columns: [{ name: 'a', type: 'integer', default: '1); DROP TABLE victims; --' }] })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('create_table', { name: 't_attack', columns: [{ name: 'a', type: 'text', check: 'true); DROP TABLE victims; --' }] })).rejects.toMatchObject({ code: 'bad_request' });
      expect(await alice.database.listTables()).not.toContain('t_attack');
      await intact();
    });

    it('answers garbage arguments to every tool with 400 and keeps working', async () => {
      const garbage: (Content | Record<string, unknown>)[] = [
        { type: 'text', text: 'select * from victims' },
        { type: 'json', json: null },
        { type: 'json', json: [1, 2] },
        { type: 'json', json: 'victims' },
        { type: 'binary', headers: {}, data: new Uint8Array([1, 2, 3]) },
        {},
        { table: 'victims', name: 'victims', rows: 'all', where: [], values: [], columns: 'id', order_by: 'id', limit: -1, offset: 'x', mode: 'replace', if_exists: 'yes' },
        { table: 'victims', name: 42, rows: [1], where: 5, values: { id: 'one' }, columns: [], order_by: [{}], limit: 1.5, mode: 7 },
        { table: 'victims', name: 'Bad Name', rows: [null], where: { id: { in: 'x' } }, values: {}, columns: [{ name: 'id', type: 'blob' }], order_by: [{ column: 'id', direction: 'up' }] },
        { table: 'victims', name: null, rows: [{ id: 'x' }], where: { and: {} }, values: { nope: 1 }, columns: [{ name: 'id', type: 'integer', extra: 1 }], limit: 1e9 },
      ];
      const tools = ['create_table', 'drop_table', 'insert', 'update', 'delete', 'select', 'count', 'inspect'];
      for (const tool of tools) {
        for (const args of garbage) {
          const result = await call(tool, args).then(() => 'ok', (error: { code?: string }) => error.code);
          // Only inspect needs nothing but a valid table name, which most of these carry.
          const expected = tool === 'inspect' && 'table' in args && args['table'] === 'victims' ? 'ok' : 'bad_request';
          expect(result, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toBe(expected);
        }
      }
      await expect(call('list_tables', { type: 'text', text: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(call('no_such_tool', {})).rejects.toMatchObject({ code: 'not_found' });
      await intact();
    });

    it('enforces the documented limits', async () => {
      const rows = Array.from({ length: 1001 }, (_, i) => ({ id: 1000 + i, name: 'n' }));
      await expect(alice.database.insert('victims', rows)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('"rows"') });
      await expect(alice.database.select('victims', { limit: 1001 })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('"limit"') });
      await expect(alice.database.select('victims', { offset: -1 })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('"offset"') });
      let deep: Record<string, unknown> = { id: 1 };
      for (let i = 0; i < 17; i++) deep = { not: deep };
      await expect(call('count', { table: 'victims', where: deep })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('nest') });
      let veryDeep: Record<string, unknown> = { id: 1 };
      for (let i = 0; i < 2000; i++) veryDeep = { and: [veryDeep] };
      await expect(call('count', { table: 'victims', where: veryDeep })).rejects.toMatchObject({ code: 'bad_request' });
      const wide = { or: Array.from({ length: 300 }, (_, i) => ({ id: i })) };
      await expect(call('count', { table: 'victims', where: wide })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('at most 256') });
      await expect(alice.database.count('victims', { id: { in: Array.from({ length: 1001 }, (_, i) => i) } })).rejects.toMatchObject({ code: 'bad_request' });
      const columns = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, type: 'text' as const }));
      await expect(alice.database.createTable('too_wide', columns)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('"columns"') });
      await expect(alice.database.insert('victims', [{ id: 77, name: 'x'.repeat(1_048_577) }])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('rows[0].name') });
      await expect(alice.database.insert('victims', [{ id: 77, name: 'nul\u0000byte' }])).rejects.toMatchObject({ code: 'bad_request' });
      await expect(alice.database.insert('victims', [{ id: 2 ** 53, name: 'x' }])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('rows[0].id') });
      await intact();
    });

    it('maps engine errors to typed errors without SQL details', async () => {
      for (const tool of ['select', 'count', 'insert', 'update', 'delete', 'inspect']) {
        await expect(call(tool, { table: 'missing', rows: [{}], where: {}, values: { a: 1 } }), tool).rejects.toMatchObject({ code: 'not_found', message: 'table "missing" does not exist' });
      }
      await expect(alice.database.dropTable('missing')).rejects.toMatchObject({ code: 'not_found' });
      const duplicate = await alice.database.insert('victims', [{ id: 1, name: 'again' }]).catch((error: Error & { code: string }) => error);
      expect(duplicate).toMatchObject({ code: 'bad_request', message: 'a row with the same (id) key already exists in "victims" (unique violation)' });
      await expect(alice.database.insert('victims', [{ id: 3, name: null }])).rejects.toMatchObject({ code: 'bad_request', message: 'column "name" of "victims" cannot be null' });
      await expect(alice.database.insert('victims', [{ id: 3 }])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('"name"') });
      // A failed multi-row insert inserts nothing.
      await expect(alice.database.insert('victims', [{ id: 10, name: 'ok' }, { id: 1, name: 'dup' }])).rejects.toMatchObject({ code: 'bad_request' });
      expect(await alice.database.count('victims', { id: 10 })).toBe(0);
      await expect(alice.database.createTable('pk_null', [{ name: 'a', type: 'text', primary_key: true, nullable: true }])).rejects.toMatchObject({ code: 'bad_request' });
      await expect(alice.database.createTable('dup_cols', [{ name: 'a', type: 'text' }, { name: 'a', type: 'integer' }])).rejects.toMatchObject({ code: 'bad_request' });
      await expect(alice.database.select('victims', { where: { doc: { like: '%' } } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('text columns') });
      await expect(alice.database.select('victims', { where: { id: { lt: null } } })).rejects.toMatchObject({ code: 'bad_request' });
      await intact();
    });
  });
}
