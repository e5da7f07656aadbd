import {
  DATABASE_COLUMN_TYPES,
  DATABASE_LIMITS,
  RoomError,
  isPlainObject,
  type Content,
  type DatabaseColumn,
  type DatabaseColumnType,
  type DatabaseCreateMode,
} from '@convene/protocol';
import { columnName, identifier } from '../../database/sql-identifier.js';
import type {
  CountRequest,
  CreateTableRequest,
  DeleteRequest,
  InsertRequest,
  SelectRequest,
  UpdateRequest,
} from '../../database/table-requests.js';

type Args = Record<string, unknown>;
const MODES: readonly DatabaseCreateMode[] = ['create', 'overwrite', 'create_if_not_exists'];
const COLUMN_KEYS = new Set(['name', 'type', 'nullable', 'primary_key', 'default']);

const bad = (message: string): RoomError => new RoomError('bad_request', message);

/** The json object every database tool takes. */
export function jsonArguments(input: Content, tool: string): Args {
  if (input.type !== 'json' || !isPlainObject(input.json)) throw bad(`database.${tool} takes a json object`);
  return input.json;
}

/** Absent and `null` both mean "not given" (MeshAgent sends `null` for unset options). */
function given(args: Args, key: string): boolean {
  return args[key] !== undefined && args[key] !== null;
}

function optionalBoolean(args: Args, key: string): boolean | undefined {
  if (!given(args, key)) return undefined;
  if (typeof args[key] !== 'boolean') throw bad(`"${key}" must be true or false`);
  return args[key];
}

function count(args: Args, key: string, fallback: number, max: number): number {
  if (!given(args, key)) return fallback;
  const value = args[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw bad(`"${key}" must be an integer from 0 to ${max}`);
  }
  return value;
}

/** `{table}` → the table name (drop_table and inspect call it `name`, like MeshAgent). */
export function tableName(args: Args, key = 'table'): string {
  return identifier(args[key], `"${key}"`);
}

function where(args: Args, required: boolean): unknown {
  if (!given(args, 'where')) {
    if (required) throw bad('"where" is required (use {} to match every row)');
    return undefined;
  }
  if (!isPlainObject(args['where'])) throw bad('"where" must be a filter object');
  return args['where'];
}

function column(value: unknown, index: number): DatabaseColumn {
  const field = `columns[${index}]`;
  if (!isPlainObject(value)) throw bad(`${field} must be an object`);
  const unknown = Object.keys(value).find((key) => !COLUMN_KEYS.has(key));
  if (unknown !== undefined) throw bad(`${field}: unknown field "${unknown.slice(0, 64)}"`);
  const name = columnName(value['name'], `${field}.name`);
  const type = value['type'];
  if (typeof type !== 'string' || !(DATABASE_COLUMN_TYPES as readonly string[]).includes(type)) {
    throw bad(`${field}.type must be one of ${DATABASE_COLUMN_TYPES.join(', ')}`);
  }
  const out: DatabaseColumn = { name, type: type as DatabaseColumnType };
  for (const key of ['nullable', 'primary_key'] as const) {
    if (!given(value, key)) continue;
    if (typeof value[key] !== 'boolean') throw bad(`${field}.${key} must be true or false`);
    out[key] = value[key];
  }
  if (value['default'] !== undefined) out.default = value['default'] as DatabaseColumn['default'];
  return out;
}

export function createTableRequest(args: Args): CreateTableRequest {
  const table = tableName(args, 'name');
  const mode = given(args, 'mode') ? args['mode'] : 'create';
  if (!MODES.includes(mode as DatabaseCreateMode)) throw bad(`"mode" must be one of ${MODES.join(', ')}`);
  const list = args['columns'];
  if (!Array.isArray(list) || list.length === 0 || list.length > DATABASE_LIMITS.columnsPerTable) {
    throw bad(`"columns" must be an array of 1 to ${DATABASE_LIMITS.columnsPerTable} columns`);
  }
  const columns = list.map(column);
  const seen = new Set<string>();
  for (const [index, { name }] of columns.entries()) {
    if (seen.has(name)) throw bad(`columns[${index}].name: "${name}" appears twice`);
    seen.add(name);
  }
  return { table, columns, mode: mode as DatabaseCreateMode };
}

export function dropTableRequest(args: Args): { table: string; ifExists: boolean } {
  return { table: tableName(args, 'name'), ifExists: optionalBoolean(args, 'if_exists') ?? false };
}

export function insertRequest(args: Args): InsertRequest {
  const rows = args['rows'];
  if (!Array.isArray(rows) || rows.length > DATABASE_LIMITS.maxInsertRows) {
    throw bad(`"rows" must be an array of at most ${DATABASE_LIMITS.maxInsertRows} rows`);
  }
  rows.forEach((row, index) => {
    if (!isPlainObject(row)) throw bad(`rows[${index}] must be an object of column values`);
  });
  return { table: tableName(args), rows: rows as Record<string, unknown>[] };
}

export function updateRequest(args: Args): UpdateRequest {
  const values = args['values'];
  if (!isPlainObject(values) || Object.keys(values).length === 0) throw bad('"values" must be an object with at least one column');
  return { table: tableName(args), where: where(args, true), values };
}

export function deleteRequest(args: Args): DeleteRequest {
  return { table: tableName(args), where: where(args, true) };
}

export function countRequest(args: Args): CountRequest {
  return { table: tableName(args), where: where(args, false) };
}

export function selectRequest(args: Args): SelectRequest {
  const table = tableName(args);
  let columns: string[] | undefined;
  if (given(args, 'columns')) {
    const list = args['columns'];
    if (!Array.isArray(list) || list.length === 0 || list.length > DATABASE_LIMITS.columnsPerTable) {
      throw bad(`"columns" must be an array of 1 to ${DATABASE_LIMITS.columnsPerTable} column names`);
    }
    columns = list.map((name, index) => identifier(name, `columns[${index}]`));
    if (new Set(columns).size !== columns.length) throw bad('"columns" lists a column twice');
  }
  const orderBy: SelectRequest['orderBy'] = [];
  if (given(args, 'order_by')) {
    const list = args['order_by'];
    if (!Array.isArray(list) || list.length > DATABASE_LIMITS.orderByColumns) {
      throw bad(`"order_by" must be an array of at most ${DATABASE_LIMITS.orderByColumns} entries`);
    }
    list.forEach((entry, index) => {
      if (!isPlainObject(entry)) throw bad(`order_by[${index}] must be {column, direction}`);
      const direction = given(entry, 'direction') ? entry['direction'] : 'asc';
      if (direction !== 'asc' && direction !== 'desc') throw bad(`order_by[${index}].direction must be "asc" or "desc"`);
      orderBy.push({ column: identifier(entry['column'], `order_by[${index}].column`), direction });
    });
  }
  return {
    table,
    where: where(args, false),
    columns,
    orderBy,
    limit: count(args, 'limit', DATABASE_LIMITS.maxSelectRows, DATABASE_LIMITS.maxSelectRows),
    offset: count(args, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}
