import { DATABASE_IDENTIFIER, RoomError } from '@convene/protocol';

/**
 * Names PostgreSQL gives meaning to in every table (system columns), refused as column names so
 * the error is ours, not the engine's. `and`, `or` and `not` are the filter combinators.
 */
const RESERVED_COLUMNS = new Set(['oid', 'tableoid', 'xmin', 'xmax', 'cmin', 'cmax', 'ctid', 'and', 'or', 'not']);

/** True for a name the API accepts as a table or column. */
export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && DATABASE_IDENTIFIER.test(value);
}

/** Validates a table or column name from a request; `field` names it in the error. */
export function identifier(value: unknown, field: string): string {
  if (!isIdentifier(value)) {
    throw new RoomError('bad_request', `${field} must be a name of 1 to 63 characters: a-z, 0-9 and _, not starting with a digit`);
  }
  return value;
}

/** Like {@link identifier}, also refusing the reserved column names. */
export function columnName(value: unknown, field: string): string {
  const name = identifier(value, field);
  if (RESERVED_COLUMNS.has(name)) throw new RoomError('bad_request', `${field}: "${name}" is reserved and cannot name a column`);
  return name;
}

/**
 * Quotes a name that already passed {@link identifier} (or one we derived, like a schema).
 * Quoting keeps SQL keywords (`select`, `order`) usable as names; the pattern already rules out
 * quotes, so quoting cannot be escaped.
 */
export function quoted(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}
