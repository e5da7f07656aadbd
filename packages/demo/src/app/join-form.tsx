import { useId, useState, type FormEvent } from 'react';
import type { JoinDetails } from './session.js';

const ROOM_NAME = /^[\w.@:-]{1,128}$/;

export interface JoinFormProps {
  initial: JoinDetails;
  onJoin: (details: JoinDetails) => void;
}

/** Display name and room; the room is checked against the names the server accepts. */
export function JoinForm({ initial, onJoin }: JoinFormProps) {
  const [name, setName] = useState(initial.name);
  const [room, setRoom] = useState(initial.room);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || [...trimmed].length > 64) return setError('Enter a display name of 1 to 64 characters.');
    if (!ROOM_NAME.test(room)) return setError('Room names use letters, digits and _ . @ : - (up to 128).');
    setError(null);
    onJoin({ name: trimmed, room });
  };

  return (
    <main className="demo-join">
      <h1>Convene demo</h1>
      <p className="demo-muted">Join a room, then open this page in another tab to talk to yourself.</p>
      <form onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
        <h2 id={`${id}-title`} className="demo-visually-hidden">Join a room</h2>
        <label htmlFor={`${id}-name`}>Display name</label>
        <input
          id={`${id}-name`}
          name="name"
          autoComplete="nickname"
          maxLength={64}
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor={`${id}-room`}>Room</label>
        <input
          id={`${id}-room`}
          name="room"
          maxLength={128}
          required
          value={room}
          onChange={(e) => setRoom(e.target.value)}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        {error ? (
          <p id={`${id}-error`} role="alert" className="demo-error">
            {error}
          </p>
        ) : null}
        <button type="submit">Join</button>
      </form>
    </main>
  );
}
