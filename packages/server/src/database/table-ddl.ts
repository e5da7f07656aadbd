import { RoomError } from '@convene/protocol';
import { SQL_TYPE, defaultSql, type ColumnInfo } from './column-types.js';
import type { Queryable } from './database.js';
import { quoted } from './sql-identifier.js';
import { tableExists } from './table-columns.js';
import type { CreateTableRequest } from './table-requests.js';

/**
 * Creates a table in `schema` as `mode` asks; resolves true when a table was created (false
 * when `create_if_not_exists` found one). Runs inside the caller's transaction, so `overwrite`
 * drops and recreates atomically.
 */
export async function createTable(tx: Queryable, schema: string, request: CreateTableRequest): Promise<boolean> {
  const { table, columns, mode } = request;
  const exists = await tableExists(tx, schema, table);
  if (exists && mode === 'create') throw new RoomError('bad_request', `table "${table}" already exists`);
  if (exists && mode === 'create_if_not_exists') return false;
  if (exists) await tx.query(`DROP TABLE ${quoted(schema)}.${quoted(table)}`);
  const definitions = columns.map((column, index) => {
    const field = `columns[${index}]`;
    const info: ColumnInfo = { name: column.name, type: column.type, nullable: column.nullable ?? !column.primary_key, primaryKey: column.primary_key === true };
    if (info.primaryKey && column.nullable === true) throw new RoomError('bad_request', `${field}: a primary key column cannot be nullable`);
    let sql = `${quoted(info.name)} ${SQL_TYPE[info.type]}`;
    if (!info.nullable) sql += ' NOT NULL';
    if (column.default !== undefined) sql += ` DEFAULT ${defaultSql(info, column.default, `${field}.default`)}`;
    return sql;
  });
  const keys = columns.filter((column) => column.primary_key === true).map((column) => quoted(column.name));
  if (keys.length > 0) definitions.push(`PRIMARY KEY (${keys.join(', ')})`);
  await tx.query(`CREATE TABLE ${quoted(schema)}.${quoted(table)} (${definitions.join(', ')})`);
  return true;
}

/** Drops a table; resolves false when it did not exist and `ifExists` allowed that. */
export async function dropTable(tx: Queryable, schema: string, table: string, ifExists: boolean): Promise<boolean> {
  if (!(await tableExists(tx, schema, table))) {
    if (ifExists) return false;
    throw new RoomError('not_found', `table "${table}" does not exist`);
  }
  await tx.query(`DROP TABLE ${quoted(schema)}.${quoted(table)}`);
  return true;
}

/**
 * Creates the room's schema if needed. Outside any transaction: two first tables of one room
 * created at once may race on `CREATE SCHEMA IF NOT EXISTS` (PostgreSQL then reports a unique
 * violation), and a second attempt finds the schema.
 */
export async function ensureSchema(db: Queryable, schema: string): Promise<void> {
  const sql = `CREATE SCHEMA IF NOT EXISTS ${quoted(schema)}`;
  try {
    await db.query(sql);
  } catch {
    await db.query(sql);
  }
}
