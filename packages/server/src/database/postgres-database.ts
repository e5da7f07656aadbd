import type { Pool, PoolClient } from 'pg';
import type { Database, Queryable, QueryResult } from './database.js';

/** Connections one server keeps to PostgreSQL at most. */
const POOL_SIZE = 10;

/**
 * An external PostgreSQL server through a `pg` pool (`DATABASE_URL`). The driver is loaded and
 * the pool created on the first query; connections open as needed.
 *
 * @example
 * const db = new PostgresDatabase('postgres://convene@db.internal/convene');
 */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres';
  readonly #url: string;
  #pool: Promise<Pool> | undefined;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const pool = await this.#start();
    return toResult(await pool.query(sql, [...params]));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await (await this.#start()).connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn({ query: async (sql, params = []) => toResult(await client.query(sql, [...params])) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK means the connection is unusable: destroy it instead of pooling it.
      await client.query('ROLLBACK').catch(() => void (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    if (pool === undefined) return;
    const started = await pool.catch(() => undefined);
    await started?.end();
  }

  #start(): Promise<Pool> {
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    this.#pool ??= (async () => {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: this.#url, max: POOL_SIZE });
      // An idle connection the server drops emits 'error' on the pool; without a listener it
      // would crash the process. The next query simply opens a new connection.
      pool.on('error', () => {});
      return pool;
    })();
    return this.#pool;
  }
}

function toResult(result: { rows: unknown[]; rowCount: number | null }): QueryResult {
  return { rows: result.rows as Record<string, unknown>[], affectedRows: result.rowCount ?? 0 };
}
