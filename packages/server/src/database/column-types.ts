import { DATABASE_LIMITS, RoomError, jsonWithinDepth, type DatabaseColumnType, type DatabaseValue } from '@convene/protocol';

/** A column as the database reports it. */
export interface ColumnInfo {
  name: string;
  type: DatabaseColumnType;
  nullable: boolean;
  primaryKey: boolean;
}

/** The PostgreSQL type behind each API type (also the cast on every bound parameter). */
export const SQL_TYPE: Readonly<Record<DatabaseColumnType, string>> = {
  text: 'text',
  integer: 'bigint',
  float: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
  timestamp: 'timestamptz',
  uuid: 'uuid',
};

/** `format_type()` output back to the API type. */
const API_TYPE: Readonly<Record<string, DatabaseColumnType>> = {
  text: 'text',
  bigint: 'integer',
  'double precision': 'float',
  boolean: 'boolean',
  jsonb: 'json',
  'timestamp with time zone': 'timestamp',
  uuid: 'uuid',
};

/** Tables are only ever created through the API, so another type means someone bypassed it. */
export function apiType(sqlType: string): DatabaseColumnType {
  return API_TYPE[sqlType] ?? 'text';
}

/** A date, or a date-time that names its offset, so no server time zone ever decides the instant. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?))?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encoder = new TextEncoder();
/** Nesting allowed in a `json` value: far above real use, far below the recursion limits of JSON.stringify and PostgreSQL. */
const MAX_JSON_DEPTH = 256;

/**
 * Checks a request value against its column type and returns what is bound to the parameter
 * (always cast to {@link SQL_TYPE} in the SQL). `field` names the value in errors.
 */
export function toParam(column: ColumnInfo, value: unknown, field: string): string | number | boolean | null {
  if (value === null) return null;
  const fail = (expected: string): never => {
    throw new RoomError('bad_request', `${field} must be ${expected} (column "${column.name}" is ${column.type})`);
  };
  switch (column.type) {
    case 'text':
      if (typeof value !== 'string') return fail('a string');
      if (value.includes('\u0000')) return fail('a string without NUL characters');
      if (value.length * 3 > DATABASE_LIMITS.maxTextBytes && encoder.encode(value).length > DATABASE_LIMITS.maxTextBytes) {
        return fail(`at most ${DATABASE_LIMITS.maxTextBytes} bytes of text`);
      }
      return value;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : fail('a safe integer');
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail('a finite number');
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'json':
      // A value nested thousands of levels deep overflowed the stack on its way to the engine
      // (found by the fuzz: a 500, not a 400); the queues allow the same depth.
      if (!jsonWithinDepth(value, MAX_JSON_DEPTH)) return fail(`JSON nested at most ${MAX_JSON_DEPTH} levels deep`);
      // Arrays must not reach the driver as arrays: it would turn them into PostgreSQL arrays.
      return JSON.stringify(value);
    case 'timestamp':
      if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
        return fail('an ISO 8601 date, or date-time with Z or an offset');
      }
      return value;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : fail('a UUID string');
  }
}

/** A value read from either driver, in the API's form (numbers, ISO strings, parsed JSON). */
export function fromDatabase(type: DatabaseColumnType, value: unknown): DatabaseValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'float':
      // pg returns bigint as a string, PGlite as a number.
      return Number(value);
    case 'timestamp':
      return (value instanceof Date ? value : new Date(String(value))).toISOString();
    default:
      return value as DatabaseValue;
  }
}

/** A string literal that means the same whatever `standard_conforming_strings` is. */
function stringLiteral(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The SQL of a column default. DDL cannot take bound parameters, so this is the one place a
 * request value becomes SQL text: it is first checked like any value ({@link toParam}), then
 * written by us: numbers and booleans formatted here, strings as escaped `E'…'` literals.
 */
export function defaultSql(column: ColumnInfo, value: unknown, field: string): string {
  if (value === null) return 'NULL';
  if (column.type === 'timestamp' && value === 'now') return 'now()';
  if (column.type === 'uuid' && value === 'random') return 'gen_random_uuid()';
  const param = toParam(column, value, field);
  if (typeof param === 'number') return `(${String(param)})::${SQL_TYPE[column.type]}`;
  if (typeof param === 'boolean') return param ? 'TRUE' : 'FALSE';
  return `${stringLiteral(String(param))}::${SQL_TYPE[column.type]}`;
}
