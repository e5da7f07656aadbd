import { useContext } from 'react';
import { RoomStoreContext } from '../room-provider.js';
import type { RoomStore } from '../store/create-room-store.js';

/** The store of the nearest `<RoomProvider>`; throws a clear error outside one. */
export function useRoomStore(hookName = 'useRoomStore'): RoomStore {
  const store = useContext(RoomStoreContext);
  if (!store) throw new Error(`${hookName} must be used inside <RoomProvider client={…}> (from @convene/react)`);
  return store;
}
