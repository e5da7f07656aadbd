import { DATABASE_LIMITS, RoomError, isPlainObject } from '@convene/protocol';
import { SQL_TYPE, toParam, type ColumnInfo } from './column-types.js';
import { quoted } from './sql-identifier.js';

const OPERATORS = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'is_null']);
const COMPARE: Readonly<Record<string, string>> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/**
 * Collects bound parameters for one statement: `add` returns the `$n` placeholder, cast to the
 * column's type so both engines read the value the same way.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, column?: ColumnInfo): string {
    this.values.push(value);
    return column ? `$${this.values.length}::${SQL_TYPE[column.type]}` : `$${this.values.length}`;
  }
}

/**
 * Compiles a structured `where` filter (docs/WIRE-EXTENSIONS.md) into a SQL condition. Column
 * names must be columns of the table and are quoted; every value becomes a bound parameter.
 * A comparison with a NULL column is false, and `not` negates that two-valued result, so
 * `{not: {x: 1}}` and `{x: {ne: 1}}` both match rows where x is NULL.
 *
 * @example
 * compileFilter({ age: { gte: 18 } }, columns, params) // '("age" >= $1::bigint)'
 */
export function compileFilter(filter: unknown, columns: ReadonlyMap<string, ColumnInfo>, params: SqlParams, field = 'where'): string {
  const state = { nodes: 0 };
  return filterSql(filter, field, 0);

  function count(where: string): void {
    if (++state.nodes > DATABASE_LIMITS.maxFilterNodes) {
      throw new RoomError('bad_request', `${where}: a filter may have at most ${DATABASE_LIMITS.maxFilterNodes} conditions`);
    }
  }

  function filterSql(node: unknown, path: string, depth: number): string {
    if (!isPlainObject(node)) throw new RoomError('bad_request', `${path} must be an object`);
    if (depth > DATABASE_LIMITS.maxFilterDepth) {
      throw new RoomError('bad_request', `${path}: filters may nest at most ${DATABASE_LIMITS.maxFilterDepth} levels`);
    }
    const parts: string[] = [];
    for (const [key, value] of Object.entries(node)) {
      count(path);
      if (key === 'and' || key === 'or') parts.push(combine(key, value, `${path}.${key}`, depth));
      else if (key === 'not') parts.push(`NOT COALESCE(${filterSql(value, `${path}.not`, depth + 1)}, FALSE)`);
      else parts.push(columnSql(key, value, `${path}.${key}`));
    }
    return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
  }

  function combine(kind: 'and' | 'or', value: unknown, path: string, depth: number): string {
    if (!Array.isArray(value)) throw new RoomError('bad_request', `${path} must be an array of filters`);
    if (value.length === 0) return kind === 'and' ? 'TRUE' : 'FALSE';
    const parts = value.map((item, index) => filterSql(item, `${path}[${index}]`, depth + 1));
    return `(${parts.join(kind === 'and' ? ' AND ' : ' OR ')})`;
  }

  function columnSql(name: string, value: unknown, path: string): string {
    const column = columns.get(name);
    if (!column) throw new RoomError('bad_request', `${path}: the table has no column "${truncate(name)}"`);
    if (!isCondition(value, column)) return comparison(column, 'eq', value, path);
    const parts: string[] = [];
    for (const [operator, operand] of Object.entries(value as Record<string, unknown>)) {
      if (!OPERATORS.has(operator)) {
        throw new RoomError('bad_request', `${path}: unknown operator "${truncate(operator)}" (use ${[...OPERATORS].join(', ')})`);
      }
      count(path);
      parts.push(comparison(column, operator, operand, `${path}.${operator}`));
    }
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }

  function comparison(column: ColumnInfo, operator: string, operand: unknown, path: string): string {
    const name = quoted(column.name);
    switch (operator) {
      case 'eq':
        return operand === null ? `${name} IS NULL` : `${name} = ${params.add(toParam(column, operand, path), column)}`;
      case 'ne':
        return operand === null ? `${name} IS NOT NULL` : `${name} IS DISTINCT FROM ${params.add(toParam(column, operand, path), column)}`;
      case 'in':
        return inList(column, operand, path);
      case 'like':
        if (column.type !== 'text') throw new RoomError('bad_request', `${path}: like works on text columns ("${column.name}" is ${column.type})`);
        if (typeof operand !== 'string') throw new RoomError('bad_request', `${path} must be a string pattern`);
        return `${name} LIKE ${params.add(toParam(column, operand, path), column)}`;
      case 'is_null':
        if (typeof operand !== 'boolean') throw new RoomError('bad_request', `${path} must be true or false`);
        return operand ? `${name} IS NULL` : `${name} IS NOT NULL`;
      default:
        if (operand === null) throw new RoomError('bad_request', `${path}: cannot compare with null (use is_null)`);
        return `${name} ${COMPARE[operator]!} ${params.add(toParam(column, operand, path), column)}`;
    }
  }

  function inList(column: ColumnInfo, operand: unknown, path: string): string {
    if (!Array.isArray(operand)) throw new RoomError('bad_request', `${path} must be an array`);
    if (operand.length > DATABASE_LIMITS.maxInValues) {
      throw new RoomError('bad_request', `${path}: at most ${DATABASE_LIMITS.maxInValues} values`);
    }
    const name = quoted(column.name);
    const placeholders: string[] = [];
    operand.forEach((item: unknown, index) => {
      if (item !== null) placeholders.push(params.add(toParam(column, item, `${path}[${index}]`), column));
    });
    const parts: string[] = [];
    if (placeholders.length > 0) parts.push(`${name} IN (${placeholders.join(', ')})`);
    if (placeholders.length < operand.length) parts.push(`${name} IS NULL`);
    return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
  }
}

/**
 * An object value is a condition when every key is an operator. On a `json` column any other
 * object is a JSON value to compare with (use `{eq: {...}}` when it could look like a condition).
 */
function isCondition(value: unknown, column: ColumnInfo): boolean {
  if (!isPlainObject(value)) return false;
  if (column.type !== 'json') return true;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => OPERATORS.has(key));
}

/** Names from a request echoed in errors are cut short, so an error never carries a huge string. */
export function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
