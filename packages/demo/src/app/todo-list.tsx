import { useTable } from '@convene/react';
import { TODOS_TABLE, type TodoRow } from '../shared/todos-table.js';
import { TodoItem } from './todo-item.js';

// Oldest first, like a shared checklist; the query object is stable so it is not refetched per render.
const QUERY = { orderBy: [{ column: 'created_at', direction: 'asc' as const }, { column: 'id' }], limit: 200 };

/** The rows of `todos`, live: anyone's insert or tick (the agent's too) refetches the list. */
export function TodoList() {
  const { data: rows, error, isPending } = useTable<TodoRow>(TODOS_TABLE, QUERY);
  if (error) {
    return (
      <p role="alert" className="demo-error">
        The to-dos could not be loaded: {error.message}
      </p>
    );
  }
  if (isPending) return <p className="demo-muted">Loading to-dos…</p>;
  if (rows.length === 0) return <p className="demo-muted">Nothing to do yet.</p>;
  return (
    <ul className="demo-list" aria-label="To-do items">
      {rows.map((row) => (
        <TodoItem key={row.id} row={row} />
      ))}
    </ul>
  );
}
