/** One result of {@link Queryable.query}: rows as objects keyed by column name. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows an INSERT/UPDATE/DELETE touched (0 for other statements). */
  affectedRows: number;
}

/** Something that runs one parameterized statement: the database itself or an open transaction. */
export interface Queryable {
  /** `params` are bound to `$1…$n`; they are never spliced into `sql`. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
}

/**
 * The seam between the room database API and a PostgreSQL engine: embedded PGlite or a `pg`
 * pool. Both speak the same SQL, so everything above this interface has one code path.
 * Implementations start lazily: nothing is loaded or connected before the first query.
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Stops the engine or pool (idempotent); the process can then exit. */
  close(): Promise<void>;
}
