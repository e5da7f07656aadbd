import { ConveneError, RoomError } from '@convene/protocol';

/** What both drivers put on an error the server reported (PGlite and pg use the same fields). */
interface SqlError {
  code: string;
  column?: string;
  detail?: string;
}

/** SQLSTATE codes are five digits or upper-case letters; Node's own errors use other codes. */
function isSqlError(error: unknown): error is SqlError {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * Turns an engine error into a typed RoomError a caller can act on, without SQL text, schema
 * names or engine internals. Anything unexpected is returned as is (the router logs it and
 * answers `internal`).
 */
export function mapSqlError(error: unknown, table: string): unknown {
  if (error instanceof ConveneError || !isSqlError(error)) return error;
  const { code } = error;
  switch (code) {
    case '42P01': // undefined_table
    case '3F000': // invalid_schema_name: the room never created a table
      return new RoomError('not_found', `table "${table}" does not exist`);
    case '42P07': // duplicate_table
      return new RoomError('bad_request', `table "${table}" already exists`);
    case '42703': // undefined_column
      return new RoomError('bad_request', `table "${table}" has no such column`);
    case '23505': { // unique_violation
      const key = /^Key \(([^)]*)\)/.exec(error.detail ?? '')?.[1];
      return new RoomError('bad_request', `a row with the same ${key ? `(${key}) ` : ''}key already exists in "${table}" (unique violation)`);
    }
    case '23502': // not_null_violation
      return new RoomError('bad_request', `column "${error.column ?? '?'}" of "${table}" cannot be null`);
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return new RoomError('bad_request', `a concurrent change to "${table}" conflicted with this one; try again`);
  }
  if (code.startsWith('22')) return new RoomError('bad_request', `a value does not fit its column in "${table}" (SQLSTATE ${code})`);
  if (code.startsWith('23')) return new RoomError('bad_request', `the change violates a constraint of "${table}" (SQLSTATE ${code})`);
  if (code.startsWith('54')) return new RoomError('bad_request', `the request exceeds a database limit (SQLSTATE ${code})`);
  return error;
}
