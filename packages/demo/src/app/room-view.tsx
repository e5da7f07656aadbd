import { useState } from 'react';
import { RoomChat, RoomConnectionStatus, RoomPresence, RoomProvider, useRoomConnection } from '@convene/react';
import { fetchRoomConnection } from './fetch-room-connection.js';
import { FilesPanel } from './files-panel.js';
import { NotesPanel } from './notes-panel.js';
import type { JoinDetails } from './session.js';
import { TodosPanel } from './todos-panel.js';

export interface RoomViewProps extends JoinDetails {
  onLeave: () => void;
}

/**
 * One room: connection banner, who is here, the chat (where the Helper agent answers
 * `@helper …`), and the shared workspace: notes, files and to-dos.
 */
export function RoomView({ name, room, onLeave }: RoomViewProps) {
  const [attempt, setAttempt] = useState(0);
  const { client } = useRoomConnection({
    authorization: () => fetchRoomConnection(name, room),
    reconnectKey: `${name}\n${room}\n${attempt}`,
  });
  return (
    <RoomProvider client={client}>
      <div className="demo-room">
        <header className="demo-header">
          <h1>
            <span className="demo-muted">Room</span> {room}
          </h1>
          <span className="demo-muted">Signed in as {name}</span>
          <button type="button" onClick={onLeave}>
            Leave
          </button>
        </header>
        <RoomConnectionStatus onRetry={() => setAttempt((n) => n + 1)} />
        <div className="demo-body">
          <aside className="demo-sidebar">
            <RoomPresence />
          </aside>
          <main className="demo-main">
            <RoomChat label={`Chat in ${room}`} className="demo-chat" emptyText="No messages yet. Ask the Helper agent: “@helper help”." />
            <div className="demo-workspace">
              <NotesPanel />
              <FilesPanel />
              <TodosPanel name={name} />
            </div>
          </main>
        </div>
      </div>
    </RoomProvider>
  );
}
