import type { RoomClient } from '@convene/client';

/**
 * Query keys of one room client's request/response data. Keyed by the client's resume key so
 * two rooms (or two clients) in one QueryClient never share cache entries.
 */
export const roomQueryKeys = {
  storageList: (client: RoomClient, path: string) => ['convene', client.resumeKey, 'storage', 'list', path] as const,
  file: (client: RoomClient, path: string) => ['convene', client.resumeKey, 'storage', 'file', path] as const,
  storage: (client: RoomClient) => ['convene', client.resumeKey, 'storage'] as const,
  table: (client: RoomClient, table: string, query?: unknown) =>
    query === undefined ? (['convene', client.resumeKey, 'table', table] as const) : (['convene', client.resumeKey, 'table', table, query] as const),
};
