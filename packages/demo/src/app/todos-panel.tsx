import { useEffect, useId, useState } from 'react';
import { useRoomStore } from '@convene/react';
import { ensureTodosTable } from '../shared/todos-table.js';
import { TodoForm } from './todo-form.js';
import { TodoList } from './todo-list.js';

type TableState = { status: 'checking' } | { status: 'ready' } | { status: 'error'; message: string };

/**
 * The room's `todos` table. The page creates it if missing (as the Helper agent does) before
 * querying it, so a fresh room shows an empty list rather than a "no such table" error.
 */
export function TodosPanel({ name }: { name: string }) {
  const { client } = useRoomStore();
  const titleId = useId();
  const [table, setTable] = useState<TableState>({ status: 'checking' });

  useEffect(() => {
    let live = true;
    ensureTodosTable(client.database).then(
      () => live && setTable({ status: 'ready' }),
      (error: unknown) => live && setTable({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => void (live = false);
  }, [client]);

  return (
    <section className="demo-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>To-dos</h2>
      {table.status === 'error' ? (
        <p role="alert" className="demo-error">
          The to-do table could not be opened: {table.message}
        </p>
      ) : table.status === 'checking' ? (
        <p className="demo-muted">Loading to-dos…</p>
      ) : (
        <>
          <TodoList />
          <TodoForm name={name} />
        </>
      )}
    </section>
  );
}
