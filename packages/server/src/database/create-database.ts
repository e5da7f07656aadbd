import { join } from 'node:path';
import type { Database } from './database.js';
import { PgliteDatabase } from './pglite-database.js';
import { PostgresDatabase } from './postgres-database.js';

/** Which engine backs the room database API. */
export interface DatabaseOptions {
  /**
   * `'postgres'` needs a `url` (or `DATABASE_URL`); `'pglite'` is embedded PostgreSQL even when
   * `DATABASE_URL` is set. Default: `'postgres'` when a URL is known, else `'pglite'`.
   */
  backend?: 'pglite' | 'postgres';
  /** A PostgreSQL connection string, e.g. `postgres://user@host:5432/convene`. */
  url?: string;
}

/**
 * Picks the database: an explicit `url` or `DATABASE_URL` → PostgreSQL through `pg`; otherwise
 * PGlite with its files in `<dataDir>/database` (in memory without a data directory).
 * Nothing starts until the first query.
 *
 * @example
 * createDatabase({ dataDir: '/var/lib/convene' }) // PGlite, unless DATABASE_URL is set
 */
export function createDatabase(options: { database?: DatabaseOptions; dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Database {
  const { database = {}, dataDir, env = process.env } = options;
  const url = database.url ?? (database.backend === 'pglite' ? undefined : env['DATABASE_URL']);
  if (database.backend === 'postgres' && !url) {
    throw new TypeError('database backend "postgres" needs a url (or DATABASE_URL)');
  }
  if (database.backend !== 'pglite' && url) return new PostgresDatabase(url);
  return new PgliteDatabase(dataDir ? join(dataDir, 'database') : undefined);
}
