import { useId, useState, type FormEvent } from 'react';
import { useTableMutation } from '@convene/react';
import { cleanTodoTitle, MAX_TODO_TITLE, TODOS_TABLE } from '../shared/todos-table.js';

/** Adds a row to `todos`; the list picks it up through the room's `database.changed` event. */
export function TodoForm({ name }: { name: string }) {
  const [title, setTitle] = useState('');
  const { mutate, isPending, error } = useTableMutation(TODOS_TABLE);
  const id = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const clean = cleanTodoTitle(title);
    if (!clean) return;
    mutate({ insert: [{ title: clean, added_by: name }] }, { onSuccess: () => setTitle('') });
  };

  return (
    <form className="demo-inline-form" onSubmit={submit}>
      <label htmlFor={`${id}-title`} className="demo-visually-hidden">
        New to-do
      </label>
      <input
        id={`${id}-title`}
        value={title}
        maxLength={MAX_TODO_TITLE}
        placeholder="New to-do"
        onChange={(event) => setTitle(event.currentTarget.value)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <button type="submit" disabled={isPending || cleanTodoTitle(title) === null}>
        Add
      </button>
      {error ? (
        <p id={`${id}-error`} role="alert" className="demo-error">
          Could not add the to-do: {error.message}
        </p>
      ) : null}
    </form>
  );
}
