import { DATABASE_LIMITS, RoomError, type DatabaseRow } from '@convene/protocol';
import { fromDatabase, toParam, type ColumnInfo } from './column-types.js';
import type { Queryable } from './database.js';
import { SqlParams, compileFilter, truncate } from './filter-compiler.js';
import { quoted } from './sql-identifier.js';
import type { CountRequest, DeleteRequest, InsertRequest, SelectRequest, UpdateRequest } from './table-requests.js';

type Columns = ReadonlyMap<string, ColumnInfo>;

/** Bound parameters per INSERT statement, well under PostgreSQL's 65 535. */
const PARAMS_PER_STATEMENT = 30_000;

function column(columns: Columns, name: string, field: string): ColumnInfo {
  const info = columns.get(name);
  if (!info) throw new RoomError('bad_request', `${field}: the table has no column "${truncate(name)}"`);
  return info;
}

/**
 * Inserts rows (each may set a different subset of columns; the rest take their defaults) in
 * statements of at most {@link PARAMS_PER_STATEMENT} parameters, inside the caller's
 * transaction so the insert is all or nothing. Resolves with the number of rows inserted.
 */
export async function insertRows(tx: Queryable, target: string, columns: Columns, request: InsertRequest): Promise<number> {
  const used = new Set<string>();
  request.rows.forEach((row, index) => {
    for (const name of Object.keys(row)) used.add(column(columns, name, `rows[${index}]`).name);
  });
  // Keep table order, so the statement does not depend on the key order of the first row.
  const names = [...columns.keys()].filter((name) => used.has(name));
  if (names.length === 0) {
    for (const _row of request.rows) await tx.query(`INSERT INTO ${target} DEFAULT VALUES`);
    return request.rows.length;
  }
  const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / names.length));
  let inserted = 0;
  for (let start = 0; start < request.rows.length; start += perStatement) {
    const params = new SqlParams();
    const tuples = request.rows.slice(start, start + perStatement).map((row, offset) => {
      const values = names.map((name) => {
        if (!Object.hasOwn(row, name)) return 'DEFAULT';
        return params.add(toParam(columns.get(name)!, row[name], `rows[${start + offset}].${name}`), columns.get(name));
      });
      return `(${values.join(', ')})`;
    });
    const sql = `INSERT INTO ${target} (${names.map(quoted).join(', ')}) VALUES ${tuples.join(', ')}`;
    inserted += (await tx.query(sql, params.values)).affectedRows;
  }
  return inserted;
}

/** Sets `values` on every row matching `where`; resolves with the number of rows changed. */
export async function updateRows(tx: Queryable, target: string, columns: Columns, request: UpdateRequest): Promise<number> {
  const params = new SqlParams();
  const sets = Object.entries(request.values).map(([name, value]) => {
    const info = column(columns, name, 'values');
    return `${quoted(info.name)} = ${params.add(toParam(info, value, `values.${name}`), info)}`;
  });
  const where = compileFilter(request.where, columns, params);
  return (await tx.query(`UPDATE ${target} SET ${sets.join(', ')} WHERE ${where}`, params.values)).affectedRows;
}

export async function deleteRows(tx: Queryable, target: string, columns: Columns, request: DeleteRequest): Promise<number> {
  const params = new SqlParams();
  const where = compileFilter(request.where, columns, params);
  return (await tx.query(`DELETE FROM ${target} WHERE ${where}`, params.values)).affectedRows;
}

/** Reads rows, converted to the API's value forms (ISO timestamps, numbers, parsed JSON). */
export async function selectRows(tx: Queryable, target: string, columns: Columns, request: SelectRequest): Promise<DatabaseRow[]> {
  const params = new SqlParams();
  const selected = (request.columns ?? [...columns.keys()]).map((name, index) => column(columns, name, `columns[${index}]`));
  const where = request.where === undefined ? 'TRUE' : compileFilter(request.where, columns, params);
  const order = request.orderBy.map(({ column: name, direction }, index) =>
    `${quoted(column(columns, name, `order_by[${index}].column`).name)} ${direction === 'desc' ? 'DESC' : 'ASC'}`,
  );
  let sql = `SELECT ${selected.map((info) => quoted(info.name)).join(', ')} FROM ${target} WHERE ${where}`;
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
  sql += ` LIMIT ${params.add(request.limit)}::bigint OFFSET ${params.add(request.offset)}::bigint`;
  const { rows } = await tx.query(sql, params.values);
  let bytes = 0;
  return rows.map((row) => {
    const out: DatabaseRow = {};
    for (const info of selected) out[info.name] = fromDatabase(info.type, row[info.name]);
    // Characters, not bytes: close enough to keep an answer well inside a client's message limit.
    bytes += JSON.stringify(out).length;
    if (bytes > DATABASE_LIMITS.maxResultBytes) {
      throw new RoomError('payload_too_large', `the rows exceed ${DATABASE_LIMITS.maxResultBytes} bytes: select fewer rows or columns`);
    }
    return out;
  });
}

export async function countRows(tx: Queryable, target: string, columns: Columns, request: CountRequest): Promise<number> {
  const params = new SqlParams();
  const where = request.where === undefined ? 'TRUE' : compileFilter(request.where, columns, params);
  const { rows } = await tx.query(`SELECT count(*) AS count FROM ${target} WHERE ${where}`, params.values);
  return Number(rows[0]?.['count'] ?? 0);
}
