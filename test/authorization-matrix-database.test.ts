import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '@convene/client';
import type { ApiScope } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { catalogTools, coveredTools, describeRows, joinWith, type MatrixRow } from './support/authorization-matrix.js';
import { startServer } from './support/server.js';

/**
 * Authorization matrix: database (`dataset` API; `list_tables`; per-table read, write, alter).
 * Aliases and namespaced entries are test/database-grants.test.ts.
 */
const ROOM = 'matrix-database';

let server: RunningRoomServer;
let admin: RoomClient;

beforeAll(async () => {
  server = await startServer({ database: { backend: 'pglite' } });
  admin = await joinWith(server, ROOM, 'admin', { dataset: {} });
  await admin.database.createTable('notes', [{ name: 'id', type: 'integer', primary_key: true }, { name: 'body', type: 'text' }]);
  await admin.database.createTable('secrets', [{ name: 'v', type: 'text' }]);
  await admin.database.insert('secrets', [{ v: 'hidden value' }]);
}, 120_000);
afterAll(async () => {
  console.info(`authorization matrix (database): ${ROWS.length} rows, ${ROWS.reduce((n, row) => n + Object.keys(row.refused).length, 0)} refusals`);
  admin.dispose();
  await server.close();
});

/** Tables, their columns and rows, as the admin sees them. */
async function state(): Promise<unknown> {
  const tables = await admin.database.listTables();
  const out: Record<string, unknown> = {};
  for (const table of tables) {
    const columns = (await admin.database.inspect(table)).map((c) => c.name);
    out[table] = { columns, rows: await admin.database.select(table, { orderBy: [{ column: columns[0]! }] }) };
  }
  return out;
}

/** `notes` holds exactly one row, `{id: 1, body: 'one'}`. */
async function oneNote(): Promise<void> {
  await admin.database.delete('notes', {});
  await admin.database.insert('notes', [{ id: 1, body: 'one' }]);
}

const tables = (...entries: Record<string, unknown>[]): ApiScope => ({ dataset: { tables: entries } });
const NO_API = { 'no dataset api': { messaging: {} }, 'dataset: false': { dataset: false } } as const;
/** Tokens that lack read on `notes`. */
const NO_READ = {
  ...NO_API,
  'read: false (write and alter true)': tables({ name: 'notes', read: false, write: true, alter: true }),
  'another table': tables({ name: 'secrets' }),
  'tables is not a list': { dataset: { tables: 'notes' } },
};
/** Tokens that lack write on `notes`. */
const NO_WRITE = {
  ...NO_API,
  'an entry (read only by default)': tables({ name: 'notes' }),
  'alter but not write': tables({ name: 'notes', alter: true }),
  'write: "yes" (not a boolean)': tables({ name: 'notes', write: 'yes' }),
  'another table': tables({ name: 'secrets', write: true }),
};
/** Tokens that lack alter on `scratch`. */
const NO_ALTER = {
  ...NO_API,
  'write but not alter': tables({ name: 'scratch', write: true }),
  'an entry (read only by default)': tables({ name: 'scratch' }),
  'another table': tables({ name: 'notes', alter: true }),
};
const READER = tables({ name: 'notes' });
const WRITER = tables({ name: 'notes', read: false, write: true });
const ALTERER = tables({ name: 'scratch', read: false, alter: true });

const ROWS: MatrixRow[] = [
  {
    tool: 'database.list_tables',
    granted: { dataset: { tables: [] } },
    refused: { ...NO_API, 'list_tables: false': { dataset: { list_tables: false } }, 'listTables: false': { dataset: { listTables: false } } },
    attempt: (c) => c.database.listTables(),
    state,
    succeeded: (result) => expect(result).toEqual(expect.arrayContaining(['notes', 'secrets'])),
    hidden: ['secrets'],
  },
  {
    tool: 'database.inspect',
    granted: READER,
    refused: NO_READ,
    prepare: oneNote,
    attempt: (c) => c.database.inspect('notes'),
    state,
    succeeded: (result) => expect((result as { name: string }[]).map((c) => c.name)).toEqual(['id', 'body']),
    hidden: ['body'],
  },
  {
    tool: 'database.select',
    granted: READER,
    refused: NO_READ,
    prepare: oneNote,
    attempt: (c) => c.database.select('notes'),
    state,
    succeeded: (result) => expect(result).toEqual([{ id: 1, body: 'one' }]),
    hidden: ['one'],
  },
  {
    tool: 'database.count',
    granted: READER,
    refused: NO_READ,
    prepare: oneNote,
    attempt: (c) => c.database.count('notes'),
    state,
    succeeded: (result) => expect(result).toBe(1),
  },
  {
    tool: 'database.insert',
    granted: WRITER,
    refused: NO_WRITE,
    prepare: oneNote,
    attempt: (c) => c.database.insert('notes', [{ id: 2, body: 'two' }]),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe(1);
      expect((after as { notes: { rows: unknown[] } }).notes.rows).toEqual([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]);
    },
  },
  {
    tool: 'database.update',
    granted: WRITER,
    refused: NO_WRITE,
    prepare: oneNote,
    attempt: (c) => c.database.update('notes', { id: 1 }, { body: 'changed' }),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe(1);
      expect((after as { notes: { rows: unknown[] } }).notes.rows).toEqual([{ id: 1, body: 'changed' }]);
    },
  },
  {
    tool: 'database.delete',
    granted: WRITER,
    refused: NO_WRITE,
    prepare: oneNote,
    attempt: (c) => c.database.delete('notes', {}),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe(1);
      expect((after as { notes: { rows: unknown[] } }).notes.rows).toEqual([]);
    },
  },
  {
    tool: 'database.create_table',
    granted: ALTERER,
    refused: NO_ALTER,
    prepare: async () => void (await admin.database.dropTable('scratch', { ifExists: true })),
    attempt: (c) => c.database.createTable('scratch', [{ name: 'a', type: 'text' }]),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe(true);
      expect(after).toHaveProperty('scratch');
    },
  },
  {
    tool: 'database.create_table',
    label: 'overwrite mode',
    granted: ALTERER,
    refused: NO_ALTER,
    prepare: async () => {
      await admin.database.createTable('scratch', [{ name: 'a', type: 'text' }], { mode: 'overwrite' });
      await admin.database.insert('scratch', [{ a: 'kept' }]);
    },
    attempt: (c) => c.database.createTable('scratch', [{ name: 'b', type: 'text' }], { mode: 'overwrite' }),
    state,
    succeeded: (_result, _before, after) => expect(after).toHaveProperty('scratch', { columns: ['b'], rows: [] }),
  },
  {
    tool: 'database.drop_table',
    granted: ALTERER,
    refused: NO_ALTER,
    prepare: () => admin.database.createTable('scratch', [{ name: 'a', type: 'text' }], { mode: 'create_if_not_exists' }).then(() => {}),
    attempt: (c) => c.database.dropTable('scratch'),
    state,
    succeeded: (result, _before, after) => {
      expect(result).toBe(true);
      expect(after).not.toHaveProperty('scratch');
    },
  },
];

describe('authorization matrix: database', () => {
  it('has a row for every database tool the running server offers', () => {
    expect(coveredTools(ROWS)).toEqual(catalogTools(server, 'database'));
  });

  describeRows(ROWS, () => server, ROOM);

  it('tells only participants that may read a table about its changes (database.changed)', async () => {
    const watchers = {
      'no dataset api': await joinWith(server, ROOM, 'w1', { messaging: {} }),
      'another table': await joinWith(server, ROOM, 'w2', tables({ name: 'secrets' })),
      'write but not read': await joinWith(server, ROOM, 'w3', WRITER),
      reader: await joinWith(server, ROOM, 'w4', READER),
    };
    const seen: string[] = [];
    for (const [who, client] of Object.entries(watchers)) {
      client.database.on('changed', (change) => seen.push(`${who}: ${change.table} ${change.operation} ${change.count}`));
    }
    try {
      await oneNote();
      await admin.database.insert('notes', [{ id: 7, body: 'seven' }]);
      await expect.poll(() => seen).toContain('reader: notes insert 1');
      // The admin's own round trip after the insert: anything sent to the others has been sent.
      await admin.database.count('notes');
      expect(seen.filter((line) => !line.startsWith('reader: '))).toEqual([]);
    } finally {
      for (const client of Object.values(watchers)) client.dispose();
    }
  });

  it('refuses an ungranted table with 403 whether it exists or not', async () => {
    const reader = await joinWith(server, ROOM, 'reader', READER);
    try {
      const outcome = (table: string) => reader.database.select(table).then(() => 'allowed', (e: { code: string }) => e.code);
      expect(await outcome('secrets')).toBe('permission_denied');
      expect(await outcome('no_such_table')).toBe('permission_denied');
    } finally {
      reader.dispose();
    }
  });
});
