import { useState } from 'react';
import { RoomChat, RoomConnectionStatus, RoomPresence, RoomProvider, useRoomConnection } from '@convene/react';
import { fetchRoomConnection } from './fetch-room-connection.js';
import type { JoinDetails } from './session.js';

export interface RoomViewProps extends JoinDetails {
  onLeave: () => void;
}

/** One room: connection banner, who is here, and the chat. */
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
          <RoomChat label={`Chat in ${room}`} className="demo-chat" />
        </div>
      </div>
    </RoomProvider>
  );
}
