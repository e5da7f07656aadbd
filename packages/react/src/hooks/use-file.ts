import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { DownloadedFile } from '@convene/client';
import { roomQueryKeys } from './use-room-query-key.js';
import { useRoomSelector } from './use-room-selector.js';
import { useRoomStore } from './use-room-store.js';
import { useStorageInvalidation } from './use-storage-events.js';

/**
 * A file's contents as a TanStack Query (downloaded whole; use `client.storage.downloadStream`
 * for large files), refetched when it changes.
 *
 * @example
 * const { data } = useFile('notes/readme.md');
 * const text = data && new TextDecoder().decode(data.data);
 */
export function useFile(path: string): UseQueryResult<DownloadedFile> {
  const { client } = useRoomStore('useFile');
  const connected = useRoomSelector((state) => state.status === 'connected', Object.is, 'useFile');
  useStorageInvalidation(client);
  return useQuery({ queryKey: roomQueryKeys.file(client, path), queryFn: () => client.storage.download(path), enabled: connected });
}
