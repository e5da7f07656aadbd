import type { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/**
 * Embedded PostgreSQL (PGlite, WASM): files under `dataDir`, or in memory without one. The
 * engine is imported and started on the first query (about 2 s), so a server whose rooms never
 * use the database never pays for it.
 *
 * @example
 * const db = new PgliteDatabase('/var/lib/convene/database');
 * await db.query('SELECT $1::int AS n', [1]);
 * await db.close();
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  readonly #dataDir: string | undefined;
  #engine: Promise<PGlite> | undefined;
  #closed = false;

  constructor(dataDir?: string) {
    this.#dataDir = dataDir;
  }

  /** True once the engine was asked to start (for tests of the lazy start). */
  get started(): boolean {
    return this.#engine !== undefined;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const engine = await this.#start();
    return toResult(await engine.query(sql, [...params]));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const engine = await this.#start();
    return engine.transaction((tx) =>
      fn({ query: async (sql, params = []) => toResult(await tx.query(sql, [...params])) }),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    const engine = this.#engine;
    if (engine === undefined) return;
    const started = await engine.catch(() => undefined);
    if (started && !started.closed) await started.close();
  }

  #start(): Promise<PGlite> {
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    this.#engine ??= (async () => {
      const { PGlite } = await import('@electric-sql/pglite');
      const engine = new PGlite(this.#dataDir);
      await engine.waitReady;
      return engine;
    })();
    return this.#engine;
  }
}

function toResult(result: { rows: unknown[]; affectedRows?: number }): QueryResult {
  return { rows: result.rows as Record<string, unknown>[], affectedRows: result.affectedRows ?? 0 };
}
