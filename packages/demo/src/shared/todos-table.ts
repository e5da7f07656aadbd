import type { DatabaseClient, DatabaseColumn } from '@convene/client';

export const TODOS_TABLE = 'todos';
export const MAX_TODO_TITLE = 200;

/** Both the page and the agent create the table on demand with these columns. */
export const TODO_COLUMNS: DatabaseColumn[] = [
  { name: 'id', type: 'uuid', primary_key: true, default: 'random' },
  { name: 'title', type: 'text', nullable: false },
  { name: 'done', type: 'boolean', nullable: false, default: false },
  { name: 'added_by', type: 'text' },
  { name: 'created_at', type: 'timestamp', nullable: false, default: 'now' },
];

/** A row of `todos` as `select` returns it. */
export interface TodoRow {
  id: string;
  title: string;
  done: boolean;
  added_by: string | null;
  created_at: string;
}

/**
 * Creates `todos` unless it exists. `create_if_not_exists` makes this safe to call from every tab
 * and the agent at once; an existing table (even with other columns) is left alone.
 */
export async function ensureTodosTable(database: DatabaseClient): Promise<void> {
  await database.createTable(TODOS_TABLE, TODO_COLUMNS, { mode: 'create_if_not_exists' });
}

/** A trimmed title of 1 to {@link MAX_TODO_TITLE} characters, or null. */
export function cleanTodoTitle(raw: string): string | null {
  const title = raw.replace(/\s+/g, ' ').trim();
  return title.length > 0 && [...title].length <= MAX_TODO_TITLE ? title : null;
}
