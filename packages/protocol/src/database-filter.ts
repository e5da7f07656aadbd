/**
 * Wire shapes of the `database` toolkit (docs/WIRE-EXTENSIONS.md, "Database"): column
 * definitions and the structured `where` filter. Types only, plus the constants both sides
 * validate against; the server compiles filters to SQL with every value a bound parameter.
 */

/** Column types a table may use (each maps to one PostgreSQL type on the server). */
export const DATABASE_COLUMN_TYPES = ['text', 'integer', 'float', 'boolean', 'json', 'timestamp', 'uuid'] as const;
export type DatabaseColumnType = (typeof DATABASE_COLUMN_TYPES)[number];

/** Table and column names: lower-case SQL identifiers, so they never need case folding. */
export const DATABASE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A value as it travels: `json` columns take any JSON, `timestamp` an ISO 8601 string (returned
 * as `toISOString()`), `uuid` a canonical UUID string, `integer` a safe integer.
 */
export type DatabaseValue = string | number | boolean | null | DatabaseValue[] | { [key: string]: DatabaseValue };

/** A table row as returned by `select`. */
export type DatabaseRow = Record<string, DatabaseValue>;

/**
 * A column default: a literal of the column's type, or for `timestamp` the string `"now"`
 * (insert time) and for `uuid` the string `"random"` (a random UUID).
 */
export interface DatabaseColumn {
  name: string;
  type: DatabaseColumnType;
  /** Default true (false for primary-key columns). */
  nullable?: boolean;
  primary_key?: boolean;
  default?: DatabaseValue;
}

export type DatabaseCreateMode = 'create' | 'overwrite' | 'create_if_not_exists';

/** Comparison operators of a column condition. */
export const DATABASE_COMPARISONS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;
export type DatabaseComparison = (typeof DATABASE_COMPARISONS)[number];

/**
 * Conditions on one column; several keys in one object must all hold.
 * `like` applies to `text` columns (`%` and `_` wildcards, `\` escapes them).
 */
export interface DatabaseColumnCondition {
  eq?: DatabaseValue;
  ne?: DatabaseValue;
  lt?: DatabaseValue;
  lte?: DatabaseValue;
  gt?: DatabaseValue;
  gte?: DatabaseValue;
  in?: DatabaseValue[];
  like?: string;
  is_null?: boolean;
}

/**
 * A `where` filter. Column keys hold a value (equality; `null` means IS NULL) or a
 * {@link DatabaseColumnCondition}; several keys must all hold. `and`, `or` and `not` combine
 * filters, so those three are not usable as column names. `{}` matches every row.
 *
 * @example
 * const where: DatabaseFilter = { or: [{ status: 'open' }, { priority: { gte: 3 }, owner: { is_null: true } }] };
 */
export type DatabaseFilter =
  | { and: DatabaseFilter[] }
  | { or: DatabaseFilter[] }
  | { not: DatabaseFilter }
  | { [column: string]: DatabaseValue | DatabaseColumnCondition };

export interface DatabaseOrderBy {
  column: string;
  direction?: 'asc' | 'desc';
}

/** What a change did, as pushed in `database.changed`. */
export type DatabaseOperation = 'insert' | 'update' | 'delete' | 'create' | 'drop';

/**
 * The message type of the push the server sends every participant after a change. MeshAgent
 * 0.39.9 has no handler for it and logs "No handler for message type"; nothing else happens.
 */
export const DATABASE_CHANGED = 'database.changed';

/** The `database.changed` push: `{table, operation, count, participant_id}`. */
export interface DatabaseChangedEvent {
  table: string;
  operation: DatabaseOperation;
  /** Rows inserted/updated/deleted; 0 for create and drop. */
  count: number;
  /** Who made the change. */
  participant_id: string;
}

/** Limits the server enforces (each violation is a `bad_request` naming the field). */
export const DATABASE_LIMITS = Object.freeze({
  /** Rows in one `insert`. */
  maxInsertRows: 1000,
  /** Rows one `select` returns; also its default `limit`. */
  maxSelectRows: 1000,
  columnsPerTable: 100,
  /** Nesting of `and`/`or`/`not`. */
  maxFilterDepth: 16,
  /** Conditions in one filter, counting each operator and each combinator. */
  maxFilterNodes: 256,
  /** Values in one `in` list. */
  maxInValues: 1000,
  orderByColumns: 8,
  /** UTF-8 bytes of one text value (PostgreSQL itself allows 1 GB). */
  maxTextBytes: 1_048_576,
  /** JSON size of one `select` answer; more is refused with `payload_too_large` (use `limit`/`columns`). */
  maxResultBytes: 8 * 1024 * 1024,
});
