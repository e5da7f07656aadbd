import { useEffect, useState } from 'react';
import { useTableMutation } from '@convene/react';
import { TODOS_TABLE, type TodoRow } from '../shared/todos-table.js';

/**
 * One to-do with its checkbox. The tick shows at once (optimistically) and settles when the
 * table's refetch brings the stored value back; a failed update reverts it.
 */
export function TodoItem({ row }: { row: TodoRow }) {
  const { mutate } = useTableMutation(TODOS_TABLE);
  const [pending, setPending] = useState<boolean | null>(null);
  // The stored row caught up (or someone else changed it): stop overriding it.
  useEffect(() => setPending(null), [row.done]);

  const toggle = (done: boolean) => {
    setPending(done);
    mutate({ update: { where: { id: row.id }, values: { done } } }, { onError: () => setPending(null) });
  };

  const done = pending ?? row.done;
  return (
    <li className="demo-todo">
      <label>
        <input type="checkbox" checked={done} onChange={(event) => toggle(event.currentTarget.checked)} />
        <span className={done ? 'demo-done' : undefined}>{row.title}</span>
      </label>
      {row.added_by ? <span className="demo-muted">{row.added_by}</span> : null}
    </li>
  );
}
