// Registers `room.storage` on the client (the API's code is an opt-in entry point).
import '@convene/client/storage';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { RoomClient } from '@convene/client';
import { roomQueryKeys } from './use-room-query-key.js';

/** Invalidates the client's storage queries whenever a file is updated, deleted or moved. */
export function useStorageInvalidation(client: RoomClient): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const invalidate = () => void queryClient.invalidateQueries({ queryKey: roomQueryKeys.storage(client) });
    const offs = [
      client.storage.on('file_updated', invalidate),
      client.storage.on('file_deleted', invalidate),
      client.storage.on('file_moved', invalidate),
      // After a reconnect, events missed while away are unknown: refetch.
      client.on('reconnected', invalidate),
    ];
    return () => offs.forEach((off) => off());
  }, [client, queryClient]);
}
