import {
  DATABASE_CHANGED,
  ProtocolError,
  isPlainObject,
  type Content,
  type DatabaseColumn,
  type DatabaseFilter,
  type DatabaseRow,
  type DatabaseValue,
} from '@convene/protocol';
import type { CreateTableOptions, DatabaseChange, DatabaseColumnInfo, DatabaseEvents, DropTableOptions, SelectOptions } from './database/database-types.js';
import { Emitter, type Listener } from './event-emitter.js';
import type { InvokeRequest } from './invoke-tool.js';
import type { RequestOptions } from './request-options.js';
import type { ServerMessage } from './room-host.js';

/** What the database client needs from the RoomClient. */
export interface DatabaseHost {
  invoke(request: InvokeRequest, options?: RequestOptions): Promise<Content>;
  registerHandler(type: string, handler: (message: ServerMessage) => void): () => void;
}

const OPERATIONS = new Set(['insert', 'update', 'delete', 'create', 'drop']);

/**
 * `room.database`: the room's tables (docs/WIRE-EXTENSIONS.md, "Database"). Filters are data,
 * never SQL: the server binds every value. Every method takes `RequestOptions` (timeout, signal)
 * and rejects with a typed error: `bad_request` (400) naming the bad field, `not_found` (404)
 * for a missing table, `PermissionError` (403) when the token's `dataset` grant refuses.
 *
 * @example
 * await room.database.createTable('tasks', [
 *   { name: 'id', type: 'uuid', primary_key: true, default: 'random' },
 *   { name: 'title', type: 'text', nullable: false },
 *   { name: 'done', type: 'boolean', default: false },
 * ], { mode: 'create_if_not_exists' });
 * await room.database.insert('tasks', [{ title: 'Write docs' }]);
 * const open = await room.database.select('tasks', { where: { done: false }, orderBy: [{ column: 'title' }] });
 * room.database.on('changed', ({ table, operation }) => console.log(table, operation));
 */
export class DatabaseClient {
  readonly #host: DatabaseHost;
  readonly #events = new Emitter<DatabaseEvents>();

  constructor(host: DatabaseHost) {
    this.#host = host;
    host.registerHandler(DATABASE_CHANGED, (message) => {
      const change = parseChange(message.header);
      if (change) this.#events.emit('changed', change);
    });
  }

  on<K extends keyof DatabaseEvents>(event: K, listener: Listener<DatabaseEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof DatabaseEvents>(event: K, listener: Listener<DatabaseEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /** Names of the room's tables, sorted. */
  async listTables(options?: RequestOptions): Promise<string[]> {
    const result = await this.#call('list_tables', {}, options);
    return stringArray(result['tables'], 'tables');
  }

  /** The columns of a table, in definition order. */
  async inspect(table: string, options?: RequestOptions): Promise<DatabaseColumnInfo[]> {
    const result = await this.#call('inspect', { table }, options);
    const columns = result['columns'];
    if (!Array.isArray(columns)) throw unexpected('inspect');
    return columns.map((column: unknown) => {
      if (!isPlainObject(column)) throw unexpected('inspect');
      return { name: String(column['name']), type: column['type'] as DatabaseColumnInfo['type'], nullable: column['nullable'] === true, primaryKey: column['primary_key'] === true };
    });
  }

  /** Resolves `true` when a table was created (`false`: `create_if_not_exists` found one). */
  async createTable(name: string, columns: DatabaseColumn[], options: CreateTableOptions = {}): Promise<boolean> {
    const { mode = 'create', ...request } = options;
    const result = await this.#call('create_table', { name, columns, mode }, request);
    return result['created'] === true;
  }

  /** Resolves `true` when a table was dropped. */
  async dropTable(name: string, options: DropTableOptions = {}): Promise<boolean> {
    const { ifExists = false, ...request } = options;
    const result = await this.#call('drop_table', { name, if_exists: ifExists }, request);
    return result['dropped'] === true;
  }

  /** Inserts rows (all or none); resolves with how many. Missing columns take their defaults. */
  async insert(table: string, rows: Record<string, DatabaseValue>[], options?: RequestOptions): Promise<number> {
    return count(await this.#call('insert', { table, rows }, options), 'insert');
  }

  /** Sets `values` on the rows matching `where` (`{}` = every row); resolves with how many changed. */
  async update(table: string, where: DatabaseFilter, values: Record<string, DatabaseValue>, options?: RequestOptions): Promise<number> {
    return count(await this.#call('update', { table, where, values }, options), 'update');
  }

  /** Deletes the rows matching `where` (`{}` = every row); resolves with how many. */
  async delete(table: string, where: DatabaseFilter, options?: RequestOptions): Promise<number> {
    return count(await this.#call('delete', { table, where }, options), 'delete');
  }

  /** Reads rows: timestamps as ISO strings, json columns parsed, integers as numbers. */
  async select<Row = DatabaseRow>(table: string, options: SelectOptions = {}): Promise<Row[]> {
    const { where, columns, orderBy, limit, offset, ...request } = options;
    const args: Record<string, unknown> = { table };
    if (where !== undefined) args['where'] = where;
    if (columns !== undefined) args['columns'] = columns;
    if (orderBy !== undefined) args['order_by'] = orderBy;
    if (limit !== undefined) args['limit'] = limit;
    if (offset !== undefined) args['offset'] = offset;
    const rows = (await this.#call('select', args, request))['rows'];
    if (!Array.isArray(rows) || !rows.every(isPlainObject)) throw unexpected('select');
    return rows as Row[];
  }

  /** Rows matching `where` (every row without one). */
  async count(table: string, where?: DatabaseFilter, options?: RequestOptions): Promise<number> {
    return count(await this.#call('count', where === undefined ? { table } : { table, where }, options), 'count');
  }

  async #call(tool: string, args: Record<string, unknown>, options: RequestOptions | undefined): Promise<Record<string, unknown>> {
    const content = await this.#host.invoke({ toolkit: 'database', tool, arguments: { type: 'json', json: args } }, options);
    if (content.type !== 'json' || !isPlainObject(content.json)) throw unexpected(tool);
    return content.json;
  }
}

function parseChange(header: unknown): DatabaseChange | null {
  if (!isPlainObject(header)) return null;
  const { table, operation, count: changed, participant_id: participantId } = header;
  if (typeof table !== 'string' || typeof operation !== 'string' || !OPERATIONS.has(operation)) return null;
  if (typeof changed !== 'number' || typeof participantId !== 'string') return null;
  return { table, operation: operation as DatabaseChange['operation'], count: changed, participantId };
}

function count(result: Record<string, unknown>, tool: string): number {
  const value = result['count'];
  if (typeof value !== 'number') throw unexpected(tool);
  return value;
}

function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw unexpected(field);
  return value;
}

function unexpected(tool: string): ProtocolError {
  return new ProtocolError(`unexpected answer to database.${tool}`);
}
