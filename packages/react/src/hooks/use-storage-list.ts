import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { StorageEntry } from '@convene/client';
import { roomQueryKeys } from './use-room-query-key.js';
import { useRoomSelector } from './use-room-selector.js';
import { useRoomStore } from './use-room-store.js';
import { useStorageInvalidation } from './use-storage-events.js';

/**
 * A folder's entries as a TanStack Query, refetched when any file in the room changes.
 *
 * @example
 * const { data: files = [], isPending } = useStorageList('uploads');
 */
export function useStorageList(path: string): UseQueryResult<StorageEntry[]> {
  const { client } = useRoomStore('useStorageList');
  const connected = useRoomSelector((state) => state.status === 'connected', Object.is, 'useStorageList');
  useStorageInvalidation(client);
  return useQuery({ queryKey: roomQueryKeys.storageList(client, path), queryFn: () => client.storage.list(path), enabled: connected });
}
