import { useState } from 'react';
import { JoinForm } from './join-form.js';
import { RoomView } from './room-view.js';
import { initialDetails, rememberedJoin, saveJoin, type JoinDetails } from './session.js';

/** Keeps `?room=` in the address bar, so the link can be shared. */
function showRoomInUrl(room: string): void {
  const url = new URL(location.href);
  url.searchParams.set('room', room);
  history.replaceState(null, '', url);
}

/** The join form until a name and room are chosen, then the room; a reload stays in the room. */
export function App() {
  const [joined, setJoined] = useState<JoinDetails | null>(() => rememberedJoin());
  const [initial, setInitial] = useState<JoinDetails>(() => initialDetails());

  if (!joined) {
    return (
      <JoinForm
        initial={initial}
        onJoin={(details) => {
          saveJoin(details, true);
          showRoomInUrl(details.room);
          setJoined(details);
        }}
      />
    );
  }
  return (
    <RoomView
      key={`${joined.name}\n${joined.room}`}
      {...joined}
      onLeave={() => {
        saveJoin(joined, false);
        setInitial(joined);
        setJoined(null);
      }}
    />
  );
}
