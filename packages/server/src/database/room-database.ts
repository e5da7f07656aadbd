import type { DatabaseRow } from '@convene/protocol';
import type { Database, Queryable } from './database.js';
import { roomSchemaName } from './room-schema.js';
import { mapSqlError } from './sql-errors.js';
import { quoted } from './sql-identifier.js';
import { readColumns, listTableNames } from './table-columns.js';
import type { ColumnInfo } from './column-types.js';
import { createTable, dropTable, ensureSchema } from './table-ddl.js';
import { countRows, deleteRows, insertRows, selectRows, updateRows } from './table-rows.js';
import type { CountRequest, CreateTableRequest, DeleteRequest, InsertRequest, SelectRequest, UpdateRequest } from './table-requests.js';

/** A column as `inspect` describes it. */
export interface ColumnDescription {
  name: string;
  type: ColumnInfo['type'];
  nullable: boolean;
  primary_key: boolean;
}

/**
 * One room's tables: everything lives in the room's own schema ({@link roomSchemaName}) and
 * every statement names it, so one room can never reach another's tables. Each operation runs
 * in one transaction; engine errors come out as typed RoomErrors.
 *
 * @example
 * const tables = new RoomDatabase(database, 'team-room');
 * await tables.insert({ table: 'tasks', rows: [{ title: 'Write docs' }] });
 */
export class RoomDatabase {
  readonly schema: string;
  readonly #db: Database;

  constructor(db: Database, room: string) {
    this.#db = db;
    this.schema = roomSchemaName(room);
  }

  listTables(): Promise<string[]> {
    return this.#run('', (tx) => listTableNames(tx, this.schema));
  }

  inspect(table: string): Promise<ColumnDescription[]> {
    return this.#run(table, async (tx) =>
      [...(await readColumns(tx, this.schema, table)).values()].map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, primary_key: c.primaryKey })),
    );
  }

  /** Resolves true when a table was created. */
  async createTable(request: CreateTableRequest): Promise<boolean> {
    try {
      await ensureSchema(this.#db, this.schema);
    } catch (error) {
      throw mapSqlError(error, request.table);
    }
    return this.#run(request.table, (tx) => createTable(tx, this.schema, request));
  }

  /** Resolves true when a table was dropped. */
  dropTable(table: string, ifExists: boolean): Promise<boolean> {
    return this.#run(table, (tx) => dropTable(tx, this.schema, table, ifExists));
  }

  insert(request: InsertRequest): Promise<number> {
    return this.#withColumns(request.table, (tx, target, columns) => insertRows(tx, target, columns, request));
  }

  update(request: UpdateRequest): Promise<number> {
    return this.#withColumns(request.table, (tx, target, columns) => updateRows(tx, target, columns, request));
  }

  delete(request: DeleteRequest): Promise<number> {
    return this.#withColumns(request.table, (tx, target, columns) => deleteRows(tx, target, columns, request));
  }

  select(request: SelectRequest): Promise<DatabaseRow[]> {
    return this.#withColumns(request.table, (tx, target, columns) => selectRows(tx, target, columns, request));
  }

  count(request: CountRequest): Promise<number> {
    return this.#withColumns(request.table, (tx, target, columns) => countRows(tx, target, columns, request));
  }

  #withColumns<T>(table: string, fn: (tx: Queryable, target: string, columns: Map<string, ColumnInfo>) => Promise<T>): Promise<T> {
    return this.#run(table, async (tx) => fn(tx, `${quoted(this.schema)}.${quoted(table)}`, await readColumns(tx, this.schema, table)));
  }

  async #run<T>(table: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction(fn);
    } catch (error) {
      throw mapSqlError(error, table);
    }
  }
}
