import type { DatabaseColumn, DatabaseCreateMode } from '@convene/protocol';

/**
 * Requests after the toolkit checked their shape. Filters, values and column lists stay
 * `unknown` here: they can only be checked against the table's columns, inside the operation.
 */
export interface CreateTableRequest {
  table: string;
  columns: DatabaseColumn[];
  mode: DatabaseCreateMode;
}

export interface InsertRequest {
  table: string;
  rows: Record<string, unknown>[];
}

export interface UpdateRequest {
  table: string;
  where: unknown;
  values: Record<string, unknown>;
}

export interface DeleteRequest {
  table: string;
  where: unknown;
}

export interface SelectRequest {
  table: string;
  where: unknown;
  /** `undefined` = every column. */
  columns: string[] | undefined;
  orderBy: { column: string; direction: 'asc' | 'desc' }[];
  limit: number;
  offset: number;
}

export interface CountRequest {
  table: string;
  where: unknown;
}
