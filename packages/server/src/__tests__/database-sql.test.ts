import { describe, expect, it } from 'vitest';
import { RoomError } from '@convene/protocol';
import { defaultSql, fromDatabase, toParam, type ColumnInfo } from '../database/column-types.js';
import { createDatabase } from '../database/create-database.js';
import { PgliteDatabase } from '../database/pglite-database.js';
import { PostgresDatabase } from '../database/postgres-database.js';
import { roomSchemaName } from '../database/room-schema.js';
import { mapSqlError } from '../database/sql-errors.js';
import { columnName, identifier, quoted } from '../database/sql-identifier.js';

const info = (type: ColumnInfo['type']): ColumnInfo => ({ name: 'c', type, nullable: true, primaryKey: false });

describe('roomSchemaName', () => {
  it('derives a safe, distinct identifier from any room name', () => {
    const names = ['team', 'Team', 'te.am', 'te_am', 'a'.repeat(128), '..', 'x"; DROP SCHEMA public; --', 'ünï', '@:-'];
    const schemas = names.map(roomSchemaName);
    expect(new Set(schemas).size).toBe(names.length);
    for (const schema of schemas) expect(schema).toMatch(/^room_[a-z0-9_]{0,20}_[0-9a-f]{16}$/);
    expect(roomSchemaName('Team.Room')).toMatch(/^room_team_room_[0-9a-f]{16}$/);
    expect(roomSchemaName('team')).toBe(roomSchemaName('team'));
  });
});

describe('identifiers', () => {
  it('accepts lower-case SQL names and quotes them', () => {
    expect(identifier('order', 'x')).toBe('order');
    expect(quoted('order')).toBe('"order"');
    expect(identifier('_a1', 'x')).toBe('_a1');
  });

  it('refuses everything else, naming the field', () => {
    for (const bad of ['', 'A', '1a', 'a-b', 'a b', 'a"', 'a;', 'a'.repeat(64), null, 3, {}]) {
      expect(() => identifier(bad, 'rows[0].x')).toThrow(/rows\[0\]\.x must be a name/);
    }
    expect(() => columnName('ctid', 'columns[0].name')).toThrow(/reserved/);
    expect(() => columnName('and', 'columns[0].name')).toThrow(/reserved/);
    expect(() => quoted('a"b')).toThrow();
  });
});

describe('column values', () => {
  it('checks values against the column type', () => {
    expect(toParam(info('integer'), 5, 'v')).toBe(5);
    expect(toParam(info('uuid'), 'ABCDEF00-0000-4000-8000-000000000000', 'v')).toBe('abcdef00-0000-4000-8000-000000000000');
    expect(toParam(info('json'), [1, { a: 'b' }], 'v')).toBe('[1,{"a":"b"}]');
    expect(toParam(info('timestamp'), '2024-01-02T03:04:05.123456+05:30', 'v')).toBe('2024-01-02T03:04:05.123456+05:30');
    expect(toParam(info('text'), null, 'v')).toBeNull();
    const bad: [ColumnInfo['type'], unknown][] = [
      ['integer', 1.5], ['integer', '1'], ['integer', 2 ** 53], ['float', Number.NaN], ['boolean', 'true'],
      ['text', 1], ['text', 'a\u0000b'], ['uuid', 'xyz'], ['timestamp', '2024-01-02T03:04'], ['timestamp', 'yesterday'], ['timestamp', '2024-13-01'],
    ];
    for (const [type, value] of bad) expect(() => toParam(info(type), value, 'rows[2].c'), `${type} ${String(value)}`).toThrow(/rows\[2\]\.c must be/);
  });

  it('normalizes what either driver returns', () => {
    expect(fromDatabase('integer', '9007199254740991')).toBe(9007199254740991);
    expect(fromDatabase('timestamp', new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(fromDatabase('timestamp', '2024-01-01 02:00:00+02')).toBe('2024-01-01T00:00:00.000Z');
    expect(fromDatabase('json', { a: 1 })).toEqual({ a: 1 });
    expect(fromDatabase('text', null)).toBeNull();
  });

  it('writes defaults as escaped literals or our own function calls', () => {
    expect(defaultSql(info('text'), "it's \\ '); DROP TABLE x; --", 'd')).toBe("E'it''s \\\\ ''); DROP TABLE x; --'::text");
    expect(defaultSql(info('integer'), -5, 'd')).toBe('(-5)::bigint');
    expect(defaultSql(info('boolean'), false, 'd')).toBe('FALSE');
    expect(defaultSql(info('json'), { q: "'" }, 'd')).toBe(`E'{"q":"''"}'::jsonb`);
    expect(defaultSql(info('timestamp'), 'now', 'd')).toBe('now()');
    expect(defaultSql(info('uuid'), 'random', 'd')).toBe('gen_random_uuid()');
    expect(defaultSql(info('text'), null, 'd')).toBe('NULL');
    expect(() => defaultSql(info('integer'), '1); DROP TABLE x', 'columns[0].default')).toThrow(/columns\[0\]\.default/);
  });
});

describe('mapSqlError', () => {
  const sqlError = (code: string, extra: object = {}) => Object.assign(new Error(`internal detail for ${code}`), { code, ...extra });

  it('maps SQLSTATEs to typed errors without engine text', () => {
    expect(mapSqlError(sqlError('42P01'), 't')).toMatchObject({ code: 'not_found', message: 'table "t" does not exist' });
    expect(mapSqlError(sqlError('23505', { detail: 'Key (id)=(1) already exists.' }), 't')).toMatchObject({ code: 'bad_request', message: expect.stringContaining('(id)') });
    expect(mapSqlError(sqlError('23502', { column: 'name' }), 't')).toMatchObject({ code: 'bad_request', message: 'column "name" of "t" cannot be null' });
    const data = mapSqlError(sqlError('22008'), 't') as RoomError;
    expect(data.code).toBe('bad_request');
    expect(data.message).not.toContain('internal detail');
  });

  it('passes through what it does not know (the router logs it and answers internal)', () => {
    const odd = sqlError('XX000');
    expect(mapSqlError(odd, 't')).toBe(odd);
    const plain = new Error('boom');
    expect(mapSqlError(plain, 't')).toBe(plain);
  });
});

describe('createDatabase', () => {
  it('picks PostgreSQL for a URL or DATABASE_URL, PGlite otherwise', () => {
    expect(createDatabase({ env: {} })).toBeInstanceOf(PgliteDatabase);
    expect(createDatabase({ env: { DATABASE_URL: 'postgres://x@h/db' } })).toBeInstanceOf(PostgresDatabase);
    expect(createDatabase({ database: { url: 'postgres://x@h/db' }, env: {} })).toBeInstanceOf(PostgresDatabase);
    expect(createDatabase({ database: { backend: 'pglite' }, env: { DATABASE_URL: 'postgres://x@h/db' } })).toBeInstanceOf(PgliteDatabase);
    expect(() => createDatabase({ database: { backend: 'postgres' }, env: {} })).toThrow(/needs a url/);
  });

  it('starts nothing until the first query, and closes cleanly when never started', async () => {
    const db = createDatabase({ dataDir: '/nonexistent/never-created', env: {} }) as PgliteDatabase;
    expect(db.started).toBe(false);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/closed/);
    expect(db.started).toBe(false);
  });
});
