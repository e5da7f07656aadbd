import type {
  DatabaseColumnType,
  DatabaseCreateMode,
  DatabaseFilter,
  DatabaseOperation,
  DatabaseOrderBy,
} from '@convene/protocol';
import type { RequestOptions } from '../request-options.js';

/** A column as `inspect` describes it. */
export interface DatabaseColumnInfo {
  name: string;
  type: DatabaseColumnType;
  nullable: boolean;
  primaryKey: boolean;
}

export interface CreateTableOptions extends RequestOptions {
  /** `create` (default) fails when the table exists; `overwrite` replaces it; `create_if_not_exists` keeps it. */
  mode?: DatabaseCreateMode;
}

export interface DropTableOptions extends RequestOptions {
  /** Resolve `false` instead of failing with `not_found` when the table does not exist. */
  ifExists?: boolean;
}

export interface SelectOptions extends RequestOptions {
  where?: DatabaseFilter;
  /** Columns to return (default: all, in table order). */
  columns?: string[];
  orderBy?: DatabaseOrderBy[];
  /** At most 1000 (also the default). */
  limit?: number;
  offset?: number;
}

/** A `database.changed` push, with the author's participant id. */
export interface DatabaseChange {
  table: string;
  operation: DatabaseOperation;
  /** Rows inserted, updated or deleted; 0 for create and drop. */
  count: number;
  participantId: string;
}

export type DatabaseEvents = {
  /** Someone (this client included) changed a table of the room. */
  changed: DatabaseChange;
};
