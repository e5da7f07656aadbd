import { RoomError } from '@convene/protocol';
import { apiType, type ColumnInfo } from './column-types.js';
import type { Queryable } from './database.js';

/** The catalog, not information_schema: one indexed lookup instead of a stack of views. */
const COLUMNS_SQL = `
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'
ORDER BY a.attnum`;

const TABLES_SQL = `
SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`;

/** The columns of a table in definition order; `not_found` when the table does not exist. */
export async function readColumns(db: Queryable, schema: string, table: string): Promise<Map<string, ColumnInfo>> {
  const { rows } = await db.query(COLUMNS_SQL, [schema, table]);
  if (rows.length === 0) throw new RoomError('not_found', `table "${table}" does not exist`);
  const columns = new Map<string, ColumnInfo>();
  for (const row of rows) {
    const name = String(row['name']);
    columns.set(name, { name, type: apiType(String(row['type'])), nullable: row['not_null'] !== true, primaryKey: row['primary_key'] === true });
  }
  return columns;
}

/** Table names of a schema, sorted; empty when the schema does not exist yet. */
export async function listTableNames(db: Queryable, schema: string): Promise<string[]> {
  const { rows } = await db.query(TABLES_SQL, [schema]);
  return rows.map((row) => String(row['name']));
}

/** True when the table exists. */
export async function tableExists(db: Queryable, schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'`,
    [schema, table],
  );
  return rows.length > 0;
}
